package admission

import (
	"fmt"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/google/go-cmp/cmp"
)

// TestFailurePolicy: with the webhook stopped, the API server refuses a
// create in a namespace of a configuration with failurePolicy Fail, saying
// it could not call the webhook, and admits one, even a pod the webhook
// would deny, in a namespace of a configuration with Ignore.
func TestFailurePolicy(t *testing.T) {
	grantUsers(t)
	baseline := map[string]string{"kubestride.io/enforce": "baseline"}
	namespace(t, "adm-fail", "fail", baseline)
	namespace(t, "adm-ignore", "ignore", baseline)
	h := startWebhook(t, "")
	// Both answer while the webhook runs: the probe is denied through each.
	h.register(t, "fail", admissionregistrationv1.Fail, "adm-fail")
	h.register(t, "ignore", admissionregistrationv1.Ignore, "adm-ignore")
	addr := h.srv.Addr().String()
	h.shutdown(t)

	out, errOut := kubectl(t, userPlain, goodPod("after"), true, "apply", "-n", "adm-fail", "-f", "-")
	if out != "" {
		t.Errorf("Fail: stdout: %s", out)
	}
	want := fmt.Sprintf(`Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "fail.e2e.kubestride.io": `+
		`failed to call webhook: Post "https://%s/validate?timeout=10s": dial tcp %s: connect: connection refused`, addr, addr)
	if diff := cmp.Diff([]string{want}, lines(errOut)); diff != "" {
		t.Errorf("Fail: stderr (-want +got):\n%s", diff)
	}
	if exists(t, "Pod", "adm-fail", "after") {
		t.Error("Fail: the pod was created with the webhook stopped")
	}

	out, errOut = kubectl(t, userPlain, privilegedPod("after"), false, "apply", "-n", "adm-ignore", "-f", "-")
	if diff := cmp.Diff([]string{"pod/after created"}, lines(out)); diff != "" {
		t.Errorf("Ignore: stdout (-want +got):\n%s", diff)
	}
	if errOut != "" {
		t.Errorf("Ignore: stderr: %s", errOut)
	}
	if !exists(t, "Pod", "adm-ignore", "after") {
		t.Error("Ignore: the pod was not created")
	}
}
