package report

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/object"
)

// Rules of the test reports; their IDs and wording follow the catalogue's
// conventions but the reports do not depend on the real registry.
var (
	rulePrivileged = check.Meta{
		ID: "pss-privileged", Title: "Privileged container", Category: check.ElevationOfPrivilege, Severity: check.Critical,
		Description: "A privileged container runs with every capability and access to all host devices, so a compromise of the container is a compromise of the node.",
		Remediation: "Remove securityContext.privileged or set it to false.",
		References:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline", "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"},
	}
	ruleRunAsNonRoot = check.Meta{
		ID: "pss-run-as-non-root", Title: "Container may run as root", Category: check.ElevationOfPrivilege, Severity: check.Medium,
		Description: "A container that may run as root gains the root user's file access on anything mounted into it.",
		Remediation: "Set securityContext.runAsNonRoot to true in the pod or every container.",
		References:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"},
	}
	ruleSecretEnv = check.Meta{
		ID: "secret-in-env", Title: "Secret value in an environment variable", Category: check.InformationDisclosure, Severity: check.High,
		Description: "A secret written as a literal env value is visible to anyone who can read the workload.",
		Remediation: "Move the value into a Secret and reference it with valueFrom.secretKeyRef.",
		References:  []string{"https://kubernetes.io/docs/concepts/security/secrets-good-practices/"},
	}
	ruleTokenAutomount = check.Meta{
		ID: "sa-token-automount", Title: "Service account token automounted", Category: check.Spoofing, Severity: check.Low,
		Description: "A pod that does not call the API server still gets a token it can be impersonated with.",
		Remediation: "Set automountServiceAccountToken to false where the workload does not call the API.",
		References:  []string{"https://kubernetes.io/docs/concepts/security/service-accounts/"},
	}
	ruleImageDigest = check.Meta{
		ID: "image-not-pinned", Title: "Image not pinned by digest", Category: check.Tampering, Severity: check.Info,
		Description: "A tag can be moved to other content, so the image that runs is not the one that was reviewed.",
		Remediation: "Refer to images by digest (image@sha256:...).",
		References:  []string{"https://kubernetes.io/docs/concepts/containers/images/#image-names"},
	}
	ruleNoLimits = check.Meta{
		ID: "no-resource-limits", Title: "Container without resource limits", Category: check.DenialOfService, Severity: check.Medium,
		Description: "A container without CPU and memory limits can starve every other pod on its node.",
		Remediation: "Set resources.limits.cpu and resources.limits.memory on every container.",
		References:  []string{"https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"},
	}
	ruleAnonymous = check.Meta{
		ID: "rbac-anonymous-binding", Title: "Binding to anonymous users", Category: check.Spoofing, Severity: check.High,
		Description: "A binding to system:anonymous or system:unauthenticated grants its role to anyone who can reach the API server.",
		Remediation: "Remove system:anonymous and system:unauthenticated from the binding's subjects.",
		References:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/rbac/"},
	}
	ruleEtcdPeerTLS = check.Meta{
		ID: "etcd-peer-tls", Title: "etcd peers without TLS", Category: check.Tampering, Severity: check.High, Topic: check.TopicNode,
		Description: "Without peer TLS, etcd members replicate the cluster state in clear text.",
		Remediation: "Set --peer-cert-file, --peer-key-file and --peer-client-cert-auth=true on etcd.",
		References:  []string{"https://etcd.io/docs/v3.5/op-guide/security/"},
	}
	ruleAuditPolicy = check.Meta{
		ID: "audit-policy-missing", Title: "No audit policy", Category: check.Repudiation, Severity: check.Medium,
		Description: "Without an audit policy the API server records nothing, so no action can be traced.",
		Remediation: "Pass --audit-policy-file and --audit-log-path to kube-apiserver.",
		References:  []string{"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/"},
	}
)

var ledger = Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "payments", Name: "ledger"}

// fullReport has every kind of content a renderer must handle: all six
// categories, all severities, a PSS finding, findings suppressed by
// annotation and by an exemption with an expiry, a finding without a file,
// errors with and without a file and line, a notice, a check not evaluated,
// and text that needs escaping in every format.
func fullReport() *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Settings:      Settings{FailOn: check.High, PSSLevel: "restricted", PSSVersion: "v1.37"},
		Rules: []check.Meta{ruleAuditPolicy, ruleImageDigest, ruleNoLimits, rulePrivileged, ruleRunAsNonRoot,
			ruleAnonymous, ruleTokenAutomount, ruleSecretEnv, ruleEtcdPeerTLS},
		NotEvaluated: map[check.ID]string{ruleEtcdPeerTLS.ID: "not evaluated: the input holds no control-plane or node configuration (kubestride node reads a node)"},
		Findings: []Finding{
			{
				ID: ruleTokenAutomount.ID, Category: check.Spoofing, Severity: check.Low, Title: ruleTokenAutomount.Title,
				Message:  `pod must set automountServiceAccountToken=false or its service account "ledger" must`,
				Resource: ledger, Location: &Location{File: "deploy/ledger.yaml", Line: 8},
				Field: "spec.template.spec", Remediation: ruleTokenAutomount.Remediation,
			},
			{
				ID: rulePrivileged.ID, Category: check.ElevationOfPrivilege, Severity: check.Critical, Title: rulePrivileged.Title,
				Message:  `container "app" must not set securityContext.privileged=true`,
				Resource: ledger, Location: &Location{File: "deploy/ledger.yaml", Line: 27},
				Field:       "spec.template.spec.containers[0].securityContext.privileged",
				Remediation: rulePrivileged.Remediation,
				PSS:         &check.PSS{Level: "baseline", Version: "v1.37", Check: "privileged"},
			},
			{
				ID: ruleSecretEnv.ID, Category: check.InformationDisclosure, Severity: check.High, Title: ruleSecretEnv.Title,
				Message:  "container \"web\" env var \"API_TOKEN\" must not hold a literal value <script>alert('x')</script> | \"quoted\" & 'single'\nsecond line: use *valueFrom* [here](https://example.invalid) `code` #1",
				Resource: Resource{APIVersion: "v1", Kind: "Pod", Namespace: "web", Name: "frontend-7d9f"},
				Location: &Location{File: "./deploy/web app/pod.yaml", Line: 14},
				Field:    "spec.containers[0].env[2].value", Remediation: ruleSecretEnv.Remediation,
			},
			{
				ID: ruleAnonymous.ID, Category: check.Spoofing, Severity: check.High, Title: ruleAnonymous.Title,
				Message:     `subject "system:anonymous" must not be bound to role "view"`,
				Resource:    Resource{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding", Name: "anonymous-view"},
				Field:       "subjects[0]",
				Remediation: ruleAnonymous.Remediation,
			},
			{
				ID: ruleNoLimits.ID, Category: check.DenialOfService, Severity: check.Medium, Title: ruleNoLimits.Title,
				Message:  `container "app" must set resources.limits.cpu and resources.limits.memory`,
				Resource: ledger, Location: &Location{File: "deploy/ledger.yaml", Line: 20},
				Field: "spec.template.spec.containers[0]", Remediation: ruleNoLimits.Remediation,
			},
			{
				ID: ruleAuditPolicy.ID, Category: check.Repudiation, Severity: check.Medium, Title: ruleAuditPolicy.Title,
				Message:  "kube-apiserver must set --audit-policy-file",
				Resource: Resource{APIVersion: "v1", Kind: "Pod", Namespace: "kube-system", Name: "kube-apiserver"},
				Location: &Location{File: "/etc/kubernetes/manifests/kube-apiserver.yaml", Line: 12},
				Field:    "spec.containers[0].command", Remediation: ruleAuditPolicy.Remediation,
			},
			{
				ID: ruleImageDigest.ID, Category: check.Tampering, Severity: check.Info, Title: ruleImageDigest.Title,
				Message:  `container "app" image "registry.example/ledger:1.4" must be pinned by digest`,
				Resource: ledger, Location: &Location{File: "deploy/ledger.yaml", Line: 22},
				Field: "spec.template.spec.containers[0].image", Remediation: ruleImageDigest.Remediation,
			},
			{
				ID: ruleRunAsNonRoot.ID, Category: check.ElevationOfPrivilege, Severity: check.Medium, Title: ruleRunAsNonRoot.Title,
				Message:  `pod or container "migrate" must set securityContext.runAsNonRoot=true`,
				Resource: Resource{APIVersion: "batch/v1", Kind: "Job", Namespace: "payments", Name: "migrate"},
				Location: &Location{File: "deploy/migrate.yaml", Line: 9},
				Field:    "spec.template.spec", Remediation: ruleRunAsNonRoot.Remediation,
				PSS: &check.PSS{Level: "restricted", Version: "v1.37", Check: "runAsNonRoot"},
				Suppressed: &Suppression{Kind: "annotation",
					Reason: "the migration image needs root until <ticket #42> | \"fixed\""},
			},
			{
				ID: rulePrivileged.ID, Category: check.ElevationOfPrivilege, Severity: check.Critical, Title: rulePrivileged.Title,
				Message:     `container "agent" must not set securityContext.privileged=true`,
				Resource:    Resource{APIVersion: "apps/v1", Kind: "DaemonSet", Namespace: "monitoring", Name: "node-agent"},
				Location:    &Location{File: "deploy/monitoring.yaml", Line: 31},
				Field:       "spec.template.spec.containers[0].securityContext.privileged",
				Remediation: rulePrivileged.Remediation,
				PSS:         &check.PSS{Level: "baseline", Version: "v1.37", Check: "privileged"},
				Suppressed:  &Suppression{Kind: "exemption", Reason: "node agent reads host metrics", Expires: "2027-03-31"},
			},
		},
		Errors: []Error{
			{File: "deploy/broken.yaml", Line: 4, Message: "yaml: line 4: mapping values are not allowed in this context"},
			{File: "deploy/empty-kind.json", Message: "object has no kind"},
			{Message: "check rbac-anonymous-binding could not be evaluated: internal error: <nil map>"},
		},
		Notices: []Notice{
			{File: "kubestride.yaml", Line: 12, Message: "exemption namespace=legacy expired on 2026-01-31 and no longer applies (reason was: migration)"},
		},
	}
	r.Finalize()
	return r
}

// emptyReport is a clean scan: the checks ran and found nothing.
func emptyReport() *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Settings:      Settings{FailOn: check.High, PSSLevel: "restricted", PSSVersion: "latest"},
		Rules:         []check.Meta{rulePrivileged, ruleTokenAutomount},
	}
	r.Finalize()
	return r
}

// clusterReport is a live-cluster scan that could not list everything: a
// finding counted on a Deployment's pods, coverage gaps and a Pod Security
// readiness summary.
func clusterReport() *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Settings:      Settings{FailOn: check.High, PSSLevel: "restricted", PSSVersion: "v1.37"},
		Rules:         []check.Meta{rulePrivileged},
		Findings: []Finding{{
			ID: rulePrivileged.ID, Category: rulePrivileged.Category, Severity: rulePrivileged.Severity,
			Title: rulePrivileged.Title, Message: `container "app" must not set securityContext.privileged=true`,
			Resource:    Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "payments", Name: "ledger", Pods: 3},
			Field:       "spec.template.spec.containers[0].securityContext.privileged",
			Remediation: rulePrivileged.Remediation,
			PSS:         &check.PSS{Level: "baseline", Version: "v1.37", Check: "privileged"},
		}},
		Coverage: &Coverage{
			Listed:  map[string]int{"deployments.apps": 1, "namespaces": 2, "pods": 4},
			Skipped: map[string]string{"secrets": "not listed (--no-secrets)"},
			Gaps: []object.Gap{
				{Resource: "roles.rbac.authorization.k8s.io", Reason: "forbidden", Message: `roles.rbac.authorization.k8s.io is forbidden: User "alice" cannot list resource "roles"`},
				{Resource: "pods", Namespace: "payments", Reason: "timeout", Message: "context deadline exceeded", Partial: true},
			},
		},
		Readiness: []NamespaceReadiness{
			{Namespace: "payments", Version: "v1.37", Pods: 4, RejectedBaseline: 3, RejectedRestricted: 4},
			{Namespace: "platform", Enforce: "restricted", Version: "v1.37", Pods: 2},
		},
	}
	r.Finalize()
	return r
}

// goldenCases are the reports rendered into testdata/<case>.<format>.golden.
var goldenCases = []struct {
	name   string
	report func() *Report
}{
	{"full", fullReport},
	{"empty", emptyReport},
	{"cluster", clusterReport},
	{"subjects", subjectsReport},
}

// goldenFormats are the formats and options compared with golden files; the
// table is checked with and without colour.
var goldenFormats = []struct {
	name   string
	format string
	opts   Options
}{
	{"table", "table", Options{}},
	{"table-color", "table", Options{Color: true}},
	{"json", "json", Options{}},
	{"sarif", "sarif", Options{}},
	{"junit", "junit", Options{}},
	{"markdown", "markdown", Options{}},
	{"html", "html", Options{}},
	{"policyreport", "policyreport", Options{}},
}

func TestRenderGolden(t *testing.T) {
	for _, c := range goldenCases {
		for _, f := range goldenFormats {
			t.Run(c.name+"/"+f.name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Render(&buf, f.format, c.report(), f.opts); err != nil {
					t.Fatalf("Render(%s): %v", f.format, err)
				}
				golden.Check(t, filepath.Join("testdata", c.name+"."+f.name+".golden"), buf.Bytes())
			})
		}
	}
}

// TestGoldenFormatsCoverRenderers fails when a format is registered without
// a golden file, so every renderer's output is reviewed.
func TestGoldenFormatsCoverRenderers(t *testing.T) {
	covered := map[string]bool{}
	for _, f := range goldenFormats {
		covered[f.format] = true
	}
	for _, name := range Formats() {
		if !covered[name] {
			t.Errorf("format %q has no golden test", name)
		}
	}
}

// TestRenderDeterministic renders each format twice from fresh reports and
// expects the same bytes: no map order, time or environment leaks in.
func TestRenderDeterministic(t *testing.T) {
	for _, f := range goldenFormats {
		t.Run(f.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := Render(&a, f.format, fullReport(), f.opts); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 5; i++ {
				b.Reset()
				if err := Render(&b, f.format, fullReport(), f.opts); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Fatalf("%s output differs between two renders of the same report", f.name)
				}
			}
		})
	}
}
