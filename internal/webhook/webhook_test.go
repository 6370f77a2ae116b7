package webhook

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	psapolicy "k8s.io/pod-security-admission/policy"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/pss"
)

const badPod = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: nginx:1.27
`

const privilegedPod = `apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  hostPID: true
  containers:
  - name: agent
    image: agent:1.0
    securityContext: {privileged: true}
`

const replacedControlsPod = `apiVersion: v1
kind: Pod
metadata: {name: replaced}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: Unconfined}}
  volumes:
  - {name: host, hostPath: {path: /var/log}}
  - {name: disk, gcePersistentDisk: {pdName: data}}
  containers:
  - name: app
    image: app:1.0
    securityContext: {allowPrivilegeEscalation: false, capabilities: {add: [NET_ADMIN], drop: [ALL]}}
  - name: side
    image: side:1.0
    securityContext: {allowPrivilegeEscalation: false, capabilities: {add: [CHOWN]}}
`

const restrictedPod = `apiVersion: v1
kind: Pod
metadata: {name: good}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: app:1.0
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`

const badDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`

// TestEnforceEqualsPodSecurityAdmission holds the enforce answer on pods
// to Pod Security Admission's library: the same verdict, and, for pods
// whose violations kubestride reports control by control as PSA does, the
// same words after "violates kubestride policy".
func TestEnforceEqualsPodSecurityAdmission(t *testing.T) {
	s := testServer(t, "", namespace("strict", map[string]string{LabelEnforce: "restricted"}),
		namespace("base", map[string]string{LabelEnforce: "baseline", LabelEnforce + "-version": "v1.30"}))
	url, c := tlsClient(t, s)
	eval, err := psapolicy.NewEvaluator(psapolicy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ns, manifest string
		lv           api.LevelVersion
	}{
		{"strict", badPod, api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
		{"strict", restrictedPod, api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
		// Baseline and restricted controls both violated: PSA names the
		// baseline ones first.
		{"strict", privilegedPod, api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
		{"base", privilegedPod, api.LevelVersion{Level: api.LevelBaseline, Version: api.MajorMinorVersion(1, 30)}},
		{"base", badPod, api.LevelVersion{Level: api.LevelBaseline, Version: api.MajorMinorVersion(1, 30)}},
		// Baseline controls that restricted ones replace (hostPath under
		// restricted volume types, an added capability under unrestricted
		// capabilities, an unconfined seccomp profile): PSA names only the
		// restricted control, for everything it forbids.
		{"strict", replacedControlsPod, api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
	} {
		req := request(t, admissionv1.Create, tc.ns, tc.manifest)
		got := send(t, url, c, req)
		obj, err := decodeObject(req.Object.Raw, req.Kind, req.Namespace)
		if err != nil {
			t.Fatal(err)
		}
		pod := obj.Typed.(*corev1.Pod)
		want := psapolicy.AggregateCheckResults(eval.EvaluatePod(tc.lv, &pod.ObjectMeta, pss.WithAPIDefaults(&pod.Spec)))
		if got.Allowed != want.Allowed {
			t.Errorf("%s in %s: allowed=%v, Pod Security Admission says %v (%s)", req.Name, tc.ns, got.Allowed, want.Allowed, message(got))
			continue
		}
		if !want.Allowed {
			wantMsg := `pods "` + req.Name + `" is forbidden: violates kubestride policy "` + tc.lv.String() + `": ` + want.ForbiddenDetail()
			if diff := cmp.Diff(wantMsg, message(got)); diff != "" {
				t.Errorf("%s in %s: message (-PSA +kubestride):\n%s", req.Name, tc.ns, diff)
			}
			if got.Result.Code != 403 || got.Result.Reason != "Forbidden" {
				t.Errorf("%s: status %d %s, want 403 Forbidden", req.Name, got.Result.Code, got.Result.Reason)
			}
			if got.AuditAnnotations[AnnotationEnforcePolicy] != tc.lv.String() {
				t.Errorf("%s: audit annotations %v", req.Name, got.AuditAnnotations)
			}
		}
	}
}

// TestControllersEnforced: a Deployment is judged by its pod template at
// enforce, and named in the denial as the API server names it.
func TestControllersEnforced(t *testing.T) {
	s := testServer(t, "", namespace("strict", map[string]string{LabelEnforce: "restricted"}))
	url, c := tlsClient(t, s)
	got := send(t, url, c, request(t, admissionv1.Create, "strict", badDeployment))
	want := `deployments.apps "web" is forbidden: violates kubestride policy "restricted:latest": ` +
		`allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ` +
		`unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ` +
		`runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ` +
		`seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`
	if diff := cmp.Diff(want, message(got)); diff != "" {
		t.Errorf("denial (-want +got):\n%s", diff)
	}
	if n := len(got.Result.Details.Causes); n != 4 || got.Result.Details.Causes[0].Field != "spec.template.spec.containers[0].securityContext" && !strings.HasPrefix(got.Result.Details.Causes[0].Field, "spec.template.spec") {
		t.Errorf("causes = %+v", got.Result.Details.Causes)
	}
	// A CronJob's pod template is judged too.
	cron := `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          hostNetwork: true
          containers: [{name: job, image: job:1}]
`
	if got := send(t, url, c, request(t, admissionv1.Create, "strict", cron)); got.Allowed || !strings.Contains(message(got), `host namespaces (hostNetwork=true)`) {
		t.Errorf("CronJob: allowed=%v %q", got.Allowed, message(got))
	}
}

// TestWarnAndAudit: warn answers allowed with the warning kubectl prints,
// audit allowed with the audit annotation; a clean object gets neither.
func TestWarnAndAudit(t *testing.T) {
	s := testServer(t, "", namespace("w", map[string]string{LabelWarn: "baseline"}), namespace("a", map[string]string{LabelAudit: "baseline"}))
	url, c := tlsClient(t, s)
	w := send(t, url, c, request(t, admissionv1.Create, "w", privilegedPod))
	wantW := []string{`would violate kubestride policy "baseline:latest": host namespaces (hostPID=true), privileged (container "agent" must not set securityContext.privileged=true)`}
	if !w.Allowed || !cmp.Equal(wantW, w.Warnings) || w.AuditAnnotations[AnnotationAuditViolations] != "" {
		t.Errorf("warn: allowed=%v warnings=%q annotations=%v", w.Allowed, w.Warnings, w.AuditAnnotations)
	}
	a := send(t, url, c, request(t, admissionv1.Create, "a", privilegedPod))
	wantA := strings.TrimPrefix(wantW[0], "")
	if !a.Allowed || len(a.Warnings) != 0 || a.AuditAnnotations[AnnotationAuditViolations] != wantA {
		t.Errorf("audit: allowed=%v warnings=%q annotations=%v", a.Allowed, a.Warnings, a.AuditAnnotations)
	}
	clean := send(t, url, c, request(t, admissionv1.Create, "w", restrictedPod))
	if !clean.Allowed || len(clean.Warnings) != 0 || len(clean.AuditAnnotations) != 0 {
		t.Errorf("clean pod: %+v", clean)
	}
}

// TestPolicies: a configured policy adds checks counted at or above its
// minimum severity, and is the default of unlabelled namespaces; a label
// naming no policy is judged as restricted and says so.
func TestPolicies(t *testing.T) {
	cfg := `webhook:
  defaults: {enforce: restricted-plus, warn: restricted-plus}
  policies:
  - name: restricted-plus
    level: baseline
    checks: [host-path-writable, image-latest-tag, cpu-limit-missing]
    minSeverity: medium
`
	s := testServer(t, cfg, namespace("plain", nil), namespace("typo", map[string]string{LabelEnforce: "restricted-pls"}))
	url, c := tlsClient(t, s)
	pod := `apiVersion: v1
kind: Pod
metadata: {name: latest}
spec:
  containers: [{name: app, image: "nginx:latest"}]
`
	got := send(t, url, c, request(t, admissionv1.Create, "plain", pod))
	want := `pods "latest" is forbidden: violates kubestride policy "restricted-plus:latest": latest image tags (container "app" must set image "nginx:latest" to a fixed tag or digest, not "latest")`
	// cpu-limit-missing is low, below the policy's medium: not counted.
	if diff := cmp.Diff(want, message(got)); diff != "" {
		t.Errorf("denial (-want +got):\n%s", diff)
	}
	typo := send(t, url, c, request(t, admissionv1.Create, "typo", badPod))
	if typo.Allowed || !strings.Contains(message(typo), `violates kubestride policy "restricted:latest"`) {
		t.Errorf("unknown policy: allowed=%v %q", typo.Allowed, message(typo))
	}
	if e := typo.AuditAnnotations[AnnotationError]; !strings.Contains(e, `kubestride.io/enforce: no such policy "restricted-pls" (judged as restricted)`) {
		t.Errorf("unknown policy: error annotation %q", e)
	}
	// A check that relates objects cannot be a webhook policy's.
	bad := strings.Replace(cfg, "cpu-limit-missing", "namespace-default-deny-missing", 1)
	if _, err := newPoliciesFrom(t, bad); err == nil || !strings.Contains(err.Error(), "cannot be enforced at admission") {
		t.Errorf("a cross-object check: err = %v", err)
	}
}

// TestExampleConfig: the documented configuration's webhook section makes
// policies the webhook can enforce.
func TestExampleConfig(t *testing.T) {
	cfg, err := config.Load("../../docs/kubestride.example.yaml", check.Default())
	if err != nil {
		t.Fatal(err)
	}
	ps, err := newPolicies(cfg, check.Default())
	if err != nil {
		t.Fatal(err)
	}
	if p := ps.byName["restricted-plus"]; p == nil || len(p.checks) == 0 || ps.defaults[Warn].p != p {
		t.Errorf("restricted-plus = %+v", p)
	}
}

// TestPSSChecks: every Pod Security Standards control of the library has
// a check whose ID starts with pss-, which the baseline and restricted
// policies select by that prefix.
func TestPSSChecks(t *testing.T) {
	ps, err := newPoliciesFrom(t, "")
	if err != nil {
		t.Fatal(err)
	}
	ids := ps.byName["restricted"].pssIDs
	if len(ids) != len(psapolicy.DefaultChecks()) {
		t.Errorf("%d pss- checks, the library has %d controls: %v", len(ids), len(psapolicy.DefaultChecks()), ids)
	}
}

// TestAutomountAdvice: a policy with service-account-token-automount
// judges a pod with its ServiceAccount and the bindings naming it, read
// from the informers: a pod whose account calls no API is told to drop the
// token (medium, counted); one whose account is bound gets the low advice,
// below the policy's minimum; one whose account sets
// automountServiceAccountToken=false passes.
func TestAutomountAdvice(t *testing.T) {
	cfg := `webhook:
  defaults: {enforce: tokens}
  policies:
  - name: tokens
    level: privileged
    checks: [service-account-token-automount]
    minSeverity: medium
`
	no := false
	s := testServer(t, cfg, namespace("apps", nil),
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "bound", Namespace: "apps"}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "quiet", Namespace: "apps"}, AutomountServiceAccountToken: &no},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "bound-reads", Namespace: "apps"},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "reader"},
			Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "bound", Namespace: "apps"}}})
	url, c := tlsClient(t, s)
	pod := func(sa string) string {
		return strings.Replace(restrictedPod, "spec:\n", "spec:\n  serviceAccountName: "+sa+"\n", 1)
	}
	want := map[string]string{
		"default": `pods "good" is forbidden: violates kubestride policy "tokens:latest": automounted service account tokens (pod spec must set automountServiceAccountToken=false (service account "default" mounts its token))`,
		"bound":   "",
		"quiet":   "",
	}
	for sa, w := range want {
		got := send(t, url, c, request(t, admissionv1.Create, "apps", pod(sa)))
		if diff := cmp.Diff(w, message(got)); diff != "" {
			t.Errorf("service account %s: (-want +got):\n%s", sa, diff)
		}
	}
}
