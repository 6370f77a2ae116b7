package report

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
)

// decodePolicyReports reads the policyreport format back with the YAML
// decoder kubectl uses.
func decodePolicyReports(t *testing.T, out []byte) []PolicyReport {
	t.Helper()
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	var reports []PolicyReport
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return reports
		}
		if err != nil {
			t.Fatalf("read YAML stream: %v\n%s", err, out)
		}
		var p PolicyReport
		if err := yaml.UnmarshalStrict(doc, &p); err != nil {
			t.Fatalf("decode report: %v\n%s", err, doc)
		}
		reports = append(reports, p)
	}
}

// TestPolicyReportYAMLMatchesObjects holds the hand-written YAML to the
// objects PolicyReports builds (those kubestride scan --apply sends): every
// test report, the hostile one included, decodes to exactly them.
func TestPolicyReportYAMLMatchesObjects(t *testing.T) {
	cases := map[string]func() *Report{"hostile": hostileReport, "mixed": mixedPolicyReport}
	for _, c := range goldenCases {
		cases[c.name] = c.report
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			out := render(t, "policyreport", mk(), Options{})
			got := decodePolicyReports(t, []byte(out))
			want := PolicyReports(mk())
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the YAML decodes to\n%+v\nwant\n%+v\n%s", got, want, out)
			}
		})
	}
}

// mixedPolicyReport has a result of every kind: findings of several
// severities in two namespaces, a suppressed one, a cluster-scoped object, a
// file, a check without findings, one not evaluated, an input error and a
// namespace's coverage gap.
func mixedPolicyReport() *Report {
	res := func(ns, name string) Resource {
		return Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: name}
	}
	fnd := func(m check.Meta, sev check.Severity, r Resource, msg string) Finding {
		return Finding{ID: m.ID, Category: m.Category, Severity: sev, Title: m.Title, Message: msg, Resource: r,
			Field: "spec", Remediation: m.Remediation}
	}
	suppressed := fnd(ruleRunAsNonRoot, check.Medium, res("zeta", "batch"), "pod must set securityContext.runAsNonRoot=true")
	suppressed.Suppressed = &Suppression{Kind: "exemption", Reason: "legacy image", Expires: "2027-01-31"}
	priv := fnd(rulePrivileged, check.Critical, res("alpha", "web"), `container "app" must not set securityContext.privileged=true`)
	priv.PSS = &check.PSS{Level: "baseline", Version: "v1.37", Check: "privileged"}
	priv.Location = &Location{File: "deploy/web.yaml", Line: 12}
	priv.Resource.Pods = 3
	file := Finding{ID: ruleAuditPolicy.ID, Category: ruleAuditPolicy.Category, Severity: check.Medium, Title: ruleAuditPolicy.Title,
		Message: "kube-apiserver must set --audit-policy-file", File: &File{Path: "/etc/kubernetes/manifests/kube-apiserver.yaml", Line: 9, Key: "--audit-policy-file"}}
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Rules:         []check.Meta{ruleAnonymous, ruleAuditPolicy, ruleImageDigest, rulePrivileged, ruleRunAsNonRoot, ruleSecretEnv, ruleTokenAutomount},
		NotEvaluated:  map[check.ID]string{ruleImageDigest.ID: "no images were pulled in this scan"},
		Settings:      Settings{FailOn: check.High, Time: time.Date(2026, 11, 27, 12, 0, 0, 5, time.UTC)},
		Findings: []Finding{
			priv,
			fnd(ruleAnonymous, check.High, Resource{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding", Name: "anon"}, `ClusterRoleBinding "anon" must not bind system:anonymous`),
			fnd(ruleTokenAutomount, check.Low, res("alpha", "web"), "pod must set automountServiceAccountToken=false"),
			suppressed,
			file,
		},
		Errors:   []Error{{File: "deploy/broken.yaml", Line: 4, Message: "mapping values are not allowed in this context"}},
		Coverage: &Coverage{Gaps: []object.Gap{{Resource: "roles.rbac.authorization.k8s.io", Namespace: "zeta", Reason: "forbidden", Message: "roles is forbidden"}}},
	}
	r.Finalize()
	return r
}

func TestPolicyReportPlacesEveryResult(t *testing.T) {
	reports := PolicyReports(mixedPolicyReport())
	type key struct{ kind, name, ns string }
	var keys []key
	for _, p := range reports {
		keys = append(keys, key{p.Kind, p.Metadata.Name, p.Metadata.Namespace})
		if p.APIVersion != "wgpolicyk8s.io/v1alpha2" || p.Metadata.Labels["app.kubernetes.io/managed-by"] != "kubestride" {
			t.Errorf("%s %s: apiVersion %q, labels %v", p.Kind, p.Metadata.Name, p.APIVersion, p.Metadata.Labels)
		}
	}
	wantKeys := []key{{"PolicyReport", "kubestride-alpha", "alpha"}, {"PolicyReport", "kubestride-zeta", "zeta"}, {"ClusterPolicyReport", "kubestride-cluster", ""}}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Fatalf("reports = %v, want %v", keys, wantKeys)
	}

	// outcome lists each report's results as policy=result.
	outcome := func(p PolicyReport) []string {
		var out []string
		for _, r := range p.Results {
			out = append(out, r.Policy+"="+r.Result)
		}
		return out
	}
	want := [][]string{
		{"pss-privileged=fail", "sa-token-automount=fail"},
		{"pss-run-as-non-root=skip", "kubestride.coverage=error"},
		{"rbac-anonymous-binding=fail", "audit-policy-missing=fail", "image-not-pinned=skip", "secret-in-env=pass", "kubestride.input=error"},
	}
	wantSummary := []PolicyReportSummary{{Fail: 2}, {Skip: 1, Error: 1}, {Fail: 2, Skip: 1, Pass: 1, Error: 1}}
	for i, p := range reports {
		if got := outcome(p); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("%s results = %v, want %v", p.Metadata.Name, got, want[i])
		}
		if p.Summary != wantSummary[i] {
			t.Errorf("%s summary = %+v, want %+v", p.Metadata.Name, p.Summary, wantSummary[i])
		}
		for _, r := range p.Results {
			if r.Source != "kubestride" || r.Timestamp == nil || r.Timestamp.Seconds != 1795780800 || r.Timestamp.Nanos != 5 {
				t.Errorf("%s %s: source %q, timestamp %+v", p.Metadata.Name, r.Policy, r.Source, r.Timestamp)
			}
			if wantScored := r.Result == "pass" || r.Result == "fail"; r.Scored != wantScored {
				t.Errorf("%s %s=%s: scored %v", p.Metadata.Name, r.Policy, r.Result, r.Scored)
			}
		}
	}

	priv := reports[0].Results[0]
	if priv.Rule != "privileged" || priv.Category != "ElevationOfPrivilege" || priv.Severity != "critical" ||
		!reflect.DeepEqual(priv.Resources, []PolicyReportResource{{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "alpha", Name: "web"}}) {
		t.Errorf("privileged result = %+v", priv)
	}
	for k, v := range map[string]string{"pss.level": "baseline", "pss.check": "privileged", "location": "deploy/web.yaml:12",
		"field": "spec", "pods": "3", "title": rulePrivileged.Title, "remediation": rulePrivileged.Remediation} {
		if priv.Properties[k] != v {
			t.Errorf("privileged result property %s = %q, want %q", k, priv.Properties[k], v)
		}
	}
	sup := reports[1].Results[0]
	if sup.Properties["suppressed.reason"] != "legacy image" || sup.Properties["suppressed.expires"] != "2027-01-31" {
		t.Errorf("suppressed result properties = %v", sup.Properties)
	}
	gap := reports[1].Results[1]
	if !strings.Contains(gap.Message, "could not list roles.rbac.authorization.k8s.io in zeta: forbidden") || gap.Properties["resource"] != "roles.rbac.authorization.k8s.io" {
		t.Errorf("gap result = %+v", gap)
	}
	cl := reports[2].Results
	if cl[0].Resources[0].Namespace != "" || cl[0].Resources[0].Kind != "ClusterRoleBinding" {
		t.Errorf("cluster-scoped result resources = %+v", cl[0].Resources)
	}
	if cl[1].Resources != nil || cl[1].Properties["file"] != "/etc/kubernetes/manifests/kube-apiserver.yaml" || cl[1].Properties["file.key"] != "--audit-policy-file" {
		t.Errorf("file result = %+v", cl[1])
	}
	if cl[2].Message != "no images were pulled in this scan" || cl[2].Severity != "info" {
		t.Errorf("not-evaluated result = %+v", cl[2])
	}
	if cl[4].Message != "mapping values are not allowed in this context" || cl[4].Properties["file"] != "deploy/broken.yaml" || cl[4].Properties["line"] != "4" {
		t.Errorf("input error result = %+v", cl[4])
	}
}

// TestPolicyReportIgnoresFailOn: every finding that counts is fail,
// whatever --fail-on (an exit-code threshold) says.
func TestPolicyReportIgnoresFailOn(t *testing.T) {
	for _, failOn := range []check.Severity{0, check.Info, check.High, check.Critical, check.Critical + 1} {
		r := mixedPolicyReport()
		r.Settings.FailOn = failOn
		var got []string
		for _, p := range PolicyReports(r) {
			for _, res := range p.Results {
				if res.Policy == "pss-privileged" || res.Policy == "rbac-anonymous-binding" || res.Policy == "sa-token-automount" {
					got = append(got, res.Result)
				}
			}
		}
		if want := []string{"fail", "fail", "fail"}; !reflect.DeepEqual(got, want) {
			t.Errorf("fail-on %v: results %v, want %v", failOn, got, want)
		}
	}
}

// TestPolicyReportUnstampedWithoutTime: a report without the scan's time
// writes no timestamp rather than the epoch.
func TestPolicyReportUnstampedWithoutTime(t *testing.T) {
	r := mixedPolicyReport()
	r.Settings.Time = time.Time{}
	out := render(t, "policyreport", r, Options{})
	if strings.Contains(out, "timestamp") {
		t.Errorf("a report without a time is stamped:\n%s", out)
	}
}

// TestPolicyReportScalars: only words YAML reads as the same string are
// written plain.
func TestPolicyReportScalars(t *testing.T) {
	for s, plain := range map[string]bool{
		"kubestride": true, "app.kubernetes.io/managed-by": true, "v1.37": true, "pss-privileged": true,
		"": false, "true": false, "No": false, "null": false, "y": false, "1.0": false, "-x": false, "a: b": false,
		"a#b": false, "ns\u202e": false, "x\ny": false, "*": false,
	} {
		if got := plainYAML(s); got != plain {
			t.Errorf("plainYAML(%q) = %v, want %v", s, got, plain)
		}
		var v map[string]string
		doc := appendYAMLString([]byte("k: "), s)
		if err := yaml.Unmarshal(doc, &v); err != nil || v["k"] != s {
			t.Errorf("%q written as %s reads back as %q (%v)", s, doc, v["k"], err)
		}
	}
}
