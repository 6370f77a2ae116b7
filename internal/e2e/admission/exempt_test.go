package admission

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	nodev1 "k8s.io/api/node/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/google/go-cmp/cmp"
)

const privilegedDenial = `violates kubestride policy "baseline:latest": privileged (container "agent" must not set securityContext.privileged=true)`

// denied is kubectl's line for a pod the webhook registered as id refused
// by privilegedDenial.
func denied(id, pod string) string {
	return `Error from server (Forbidden): error when creating "STDIN": admission webhook "` + hookName(id) +
		`" denied the request: pods "` + pod + `" is forbidden: ` + privilegedDenial
}

// withRuntimeClass returns privilegedPod(name) run with runtime class rc.
func withRuntimeClass(name, rc string) string {
	return strings.Replace(privilegedPod(name), "spec:\n", "spec:\n  runtimeClassName: "+rc+"\n", 1)
}

// annotated returns privilegedPod(name) with the suppression annotation of
// pss-privileged set to value.
func annotated(name, value string) string {
	return strings.Replace(privilegedPod(name), "metadata: {name: "+name+"}",
		"metadata:\n  name: "+name+"\n  annotations: {kubestride.io/ignore.pss-privileged: \""+value+"\"}", 1)
}

// TestExemptions: a privileged pod that baseline refuses is admitted in an
// exempt namespace, from an exempt user or group, with an exempt runtime
// class, and with a suppression annotation giving a reason and a future
// expiry; an annotation that expired does not exempt it and the warning
// says so, nor does any annotation when the configuration forbids them. In
// a dry-run namespace it is admitted with a warning, counted in /metrics.
func TestExemptions(t *testing.T) {
	grantUsers(t)
	const id = "exempt"
	baseline := map[string]string{"kubestride.io/enforce": "baseline"}
	namespace(t, "adm-exempt", id, baseline)
	namespace(t, "adm-exempt-ns1", id, baseline)
	namespace(t, "adm-dry", id, baseline)
	namespace(t, "adm-dry-label", id, map[string]string{"kubestride.io/enforce": "baseline", "kubestride.io/dry-run": "true"})
	ctx := context.Background()
	for _, rc := range []string{"kata", "runc"} {
		if _, err := admin(t).NodeV1().RuntimeClasses().Create(ctx, &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: rc}, Handler: rc}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	h := startWebhook(t, fmt.Sprintf(`webhook:
  exempt:
    namespaces: ["adm-exempt-ns*"]
    usernames: [%s]
    groups: [%s]
    runtimeClasses: [kata]
  dryRunNamespaces: [adm-dry]
`, userExempt, groupExempt))
	h.register(t, id, admissionregistrationv1.Fail, "adm-exempt")
	now := time.Now().UTC()
	future := now.AddDate(0, 0, 30).Format(time.DateOnly)
	past := now.AddDate(0, 0, -1).Format(time.DateOnly)

	for _, tc := range []struct {
		name, user, ns, manifest string
		// wantErr: refused, with these lines on stderr.
		wantErr bool
		stderr  []string
	}{
		{name: "namespace", user: userPlain, ns: "adm-exempt-ns1", manifest: privilegedPod("by-namespace")},
		{name: "user", user: userExempt, ns: "adm-exempt", manifest: privilegedPod("by-user")},
		{name: "group", user: userPlatform, ns: "adm-exempt", manifest: privilegedPod("by-group")},
		{name: "no exemption", user: userPlain, ns: "adm-exempt", manifest: privilegedPod("by-nobody"),
			wantErr: true, stderr: []string{denied(id, "by-nobody")}},
		{name: "runtimeClass", user: userPlain, ns: "adm-exempt", manifest: withRuntimeClass("by-kata", "kata")},
		{name: "other runtimeClass", user: userPlain, ns: "adm-exempt", manifest: withRuntimeClass("by-runc", "runc"),
			wantErr: true, stderr: []string{denied(id, "by-runc")}},
		{name: "annotation", user: userPlain, ns: "adm-exempt", manifest: annotated("by-annotation", "node agent (SEC-7); expires "+future)},
		{name: "expired annotation", user: userPlain, ns: "adm-exempt", manifest: annotated("expired", "node agent (SEC-7); expires "+past),
			wantErr: true, stderr: []string{
				`Warning: annotation kubestride.io/ignore.pss-privileged expired on ` + past + ` and no longer exempts Pod "expired"`,
				denied(id, "expired"),
			}},
		{name: "dry-run namespace", user: userPlain, ns: "adm-dry", manifest: privilegedPod("dry"),
			stderr: []string{`Warning: dry run: ` + privilegedDenial}},
		{name: "dry-run label", user: userPlain, ns: "adm-dry-label", manifest: privilegedPod("dry"),
			stderr: []string{`Warning: dry run: ` + privilegedDenial}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := mustPod(t, tc.manifest).Name
			out, errOut := kubectl(t, tc.user, tc.manifest, tc.wantErr, "apply", "-n", tc.ns, "-f", "-")
			var wantOut []string
			if !tc.wantErr {
				wantOut = []string{"pod/" + name + " created"}
			}
			if diff := cmp.Diff(wantOut, lines(out)); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.stderr, lines(errOut)); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if got := exists(t, "Pod", tc.ns, name); got == tc.wantErr {
				t.Errorf("pod %s/%s exists: %v, want %v", tc.ns, name, got, !tc.wantErr)
			}
		})
	}

	t.Run("metrics", func(t *testing.T) {
		m := h.metrics(t)
		for _, want := range []string{
			`kubestride_webhook_dry_run_denials_total{policy="baseline:latest"} 2`,
			`kubestride_webhook_exemptions_total{by="group"} 1`,
			`kubestride_webhook_exemptions_total{by="namespace"} 1`,
			`kubestride_webhook_exemptions_total{by="runtimeClass"} 1`,
			`kubestride_webhook_exemptions_total{by="user"} 1`,
		} {
			if !strings.Contains(m, "\n"+want+"\n") {
				t.Errorf("/metrics has no line %s:\n%s", want, metricLines(m, "kubestride_webhook_dry_run", "kubestride_webhook_exemptions"))
			}
		}
	})

	// With annotations forbidden, the annotation that exempted above
	// exempts nothing, and the warning says why.
	t.Run("annotations forbidden", func(t *testing.T) {
		const id = "noself"
		namespace(t, "adm-noself", id, baseline)
		h := startWebhook(t, "webhook:\n  forbidAnnotationExemptions: true\n")
		h.register(t, id, admissionregistrationv1.Fail, "adm-noself")
		out, errOut := kubectl(t, userPlain, annotated("self", "node agent (SEC-7); expires "+future), true, "apply", "-n", "adm-noself", "-f", "-")
		if out != "" {
			t.Errorf("stdout: %s", out)
		}
		want := []string{
			`Warning: annotation kubestride.io/ignore.pss-privileged does not exempt Pod "self": the webhook's configuration forbids exemption by annotation`,
			denied(id, "self"),
		}
		if diff := cmp.Diff(want, lines(errOut)); diff != "" {
			t.Errorf("stderr (-want +got):\n%s", diff)
		}
	})
}

// metricLines returns the lines of a /metrics page that start with one of
// prefixes.
func metricLines(page string, prefixes ...string) string {
	var out []string
	for _, l := range lines(page) {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}
