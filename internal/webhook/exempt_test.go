package webhook

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/utils/ptr"
)

// annotated returns privilegedPod with an annotation exempting it from
// pss-privileged and pss-host-namespaces, with value.
func annotated(value string) string {
	return strings.Replace(privilegedPod, "metadata: {name: agent}",
		"metadata:\n  name: agent\n  annotations:\n    kubestride.io/ignore.pss-privileged: \""+value+"\"\n    kubestride.io/ignore.pss-host-namespaces: \""+value+"\"", 1)
}

// TestRequestExemptions: a request exempt by namespace, user, group or
// runtime class is allowed unjudged, and the audit annotation says why.
func TestRequestExemptions(t *testing.T) {
	cfg := `webhook:
  defaults: {enforce: baseline}
  exempt:
    namespaces: ["ops-*"]
    usernames: [system:serviceaccount:ci:deployer]
    groups: [platform-admins]
    runtimeClasses: [kata]
`
	s := testServer(t, cfg, namespace("ops-monitoring", nil), namespace("apps", nil))
	url, c := tlsClient(t, s)
	kata := strings.Replace(privilegedPod, "  hostPID: true", "  hostPID: true\n  runtimeClassName: kata", 1)
	for _, tc := range []struct {
		name, ns, manifest, user string
		groups                   []string
		by                       string
	}{
		{"namespace", "ops-monitoring", privilegedPod, "alice", nil, "namespace"},
		{"user", "apps", privilegedPod, "system:serviceaccount:ci:deployer", nil, "user"},
		{"group", "apps", privilegedPod, "bob", []string{"platform-admins"}, "group"},
		{"runtimeClass", "apps", kata, "alice", nil, "runtimeClass"},
		{"none", "apps", privilegedPod, "alice", []string{"developers"}, ""},
	} {
		req := request(t, admissionv1.Create, tc.ns, tc.manifest)
		req.UserInfo = authUser(tc.user, tc.groups...)
		got := send(t, url, c, req)
		if got.Allowed != (tc.by != "") || got.AuditAnnotations[AnnotationExempt] != tc.by {
			t.Errorf("%s: allowed=%v exempt=%q, want exempt=%q", tc.name, got.Allowed, got.AuditAnnotations[AnnotationExempt], tc.by)
		}
	}
	for _, by := range []string{"namespace", "user", "group", "runtimeClass"} {
		if n := s.metrics.exemptions.value(labelValues{by}); n != 1 {
			t.Errorf("exemptions{by=%q} = %d, want 1", by, n)
		}
	}
}

// TestAnnotationExemptions: the suppression annotation exempts a workload
// until its expiry date; from that day on the workload is judged and the
// warning says the exemption expired; with forbidAnnotationExemptions the
// annotation exempts nothing and the warning says so. An expired exemption
// of the configuration is named the same way.
func TestAnnotationExemptions(t *testing.T) {
	ns := namespace("apps", map[string]string{LabelEnforce: "baseline"})
	s := testServer(t, "", ns)
	url, c := tlsClient(t, s)

	live := send(t, url, c, request(t, admissionv1.Create, "apps", annotated("node agent (SEC-7); expires 2027-01-31")))
	if !live.Allowed || len(live.Warnings) != 0 {
		t.Errorf("exempt until 2027: allowed=%v warnings=%q %s", live.Allowed, live.Warnings, message(live))
	}
	expired := send(t, url, c, request(t, admissionv1.Create, "apps", annotated("node agent (SEC-7); expires 2026-11-27")))
	wantWarnings := []string{
		`annotation kubestride.io/ignore.pss-host-namespaces expired on 2026-11-27 and no longer exempts Pod "agent"`,
		`annotation kubestride.io/ignore.pss-privileged expired on 2026-11-27 and no longer exempts Pod "agent"`,
	}
	if expired.Allowed || !strings.Contains(message(expired), "privileged (container") {
		t.Errorf("expired: allowed=%v %q", expired.Allowed, message(expired))
	}
	if diff := cmp.Diff(wantWarnings, expired.Warnings); diff != "" {
		t.Errorf("expired: warnings (-want +got):\n%s", diff)
	}

	strict := testServer(t, "webhook: {forbidAnnotationExemptions: true}\n", ns)
	url, c = tlsClient(t, strict)
	forbidden := send(t, url, c, request(t, admissionv1.Create, "apps", annotated("node agent (SEC-7)")))
	wantWarnings = []string{
		`annotation kubestride.io/ignore.pss-host-namespaces does not exempt Pod "agent": the webhook's configuration forbids exemption by annotation`,
		`annotation kubestride.io/ignore.pss-privileged does not exempt Pod "agent": the webhook's configuration forbids exemption by annotation`,
	}
	if forbidden.Allowed {
		t.Errorf("self-exemption forbidden: allowed")
	}
	if diff := cmp.Diff(wantWarnings, forbidden.Warnings); diff != "" {
		t.Errorf("self-exemption forbidden: warnings (-want +got):\n%s", diff)
	}

	cfg := `exemptions:
- namespace: apps
  name: agent
  checks: [pss-privileged, pss-host-namespaces]
  reason: node agent (SEC-7)
  expires: 2026-11-01
`
	byConfig := testServer(t, cfg, ns)
	url, c = tlsClient(t, byConfig)
	got := send(t, url, c, request(t, admissionv1.Create, "apps", privilegedPod))
	wantWarnings = []string{
		`exemption of check pss-host-namespaces expired on 2026-11-01 and no longer exempts Pod "agent" (reason was: node agent (SEC-7))`,
		`exemption of check pss-privileged expired on 2026-11-01 and no longer exempts Pod "agent" (reason was: node agent (SEC-7))`,
	}
	if got.Allowed {
		t.Errorf("expired configured exemption: allowed")
	}
	if diff := cmp.Diff(wantWarnings, got.Warnings); diff != "" {
		t.Errorf("expired configured exemption: warnings (-want +got):\n%s", diff)
	}
}

// TestDryRun: in a dry-run namespace (by configuration or label) what
// enforce would deny is allowed with a warning and counted; a request that
// is itself a dry run gets the verdict a real one would, and is not
// counted as a decision.
func TestDryRun(t *testing.T) {
	cfg := "webhook:\n  dryRunNamespaces: [\"staging-*\"]\n"
	s := testServer(t, cfg,
		namespace("staging-1", map[string]string{LabelEnforce: "baseline"}),
		namespace("trial", map[string]string{LabelEnforce: "baseline", LabelDryRun: "true"}),
		namespace("prod", map[string]string{LabelEnforce: "baseline"}))
	url, c := tlsClient(t, s)
	want := `dry run: violates kubestride policy "baseline:latest": host namespaces (hostPID=true), privileged (container "agent" must not set securityContext.privileged=true)`
	for _, ns := range []string{"staging-1", "trial"} {
		got := send(t, url, c, request(t, admissionv1.Create, ns, privilegedPod))
		if !got.Allowed || !cmp.Equal([]string{want}, got.Warnings) {
			t.Errorf("%s: allowed=%v warnings=%q", ns, got.Allowed, got.Warnings)
		}
	}
	if n := s.metrics.dryRun.value(labelValues{"baseline:latest"}); n != 2 {
		t.Errorf("dry-run denials = %d, want 2", n)
	}
	req := request(t, admissionv1.Create, "prod", privilegedPod)
	req.DryRun = ptr.To(true)
	if got := send(t, url, c, req); got.Allowed {
		t.Error("a dry-run request is allowed where a real one is denied")
	}
	if n := s.metrics.decisions.value(labelValues{"enforce", "baseline:latest", "deny"}); n != 2 {
		t.Errorf("enforce denials = %d, want the 2 of the dry-run namespaces alone", n)
	}
	if n := s.metrics.requests.value(labelValues{"CREATE", "Pod", "true", "denied"}); n != 1 {
		t.Errorf("dry-run requests denied = %d, want 1", n)
	}
}
