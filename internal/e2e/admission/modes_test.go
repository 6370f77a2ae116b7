package admission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// TestModes applies violating and compliant Pods and Deployments with
// kubectl in a namespace of each mode, restricted: enforce refuses the
// violating ones with a denial naming every violated control and field,
// warn creates them and kubectl prints the warning, audit creates them and
// the API server's audit log holds the webhook's audit annotation.
func TestModes(t *testing.T) {
	grantUsers(t)
	const id = "modes"
	namespace(t, "adm-enforce", id, map[string]string{"kubestride.io/enforce": "restricted"})
	namespace(t, "adm-warn", id, map[string]string{"kubestride.io/warn": "restricted"})
	namespace(t, auditNamespace, id, map[string]string{"kubestride.io/audit": "restricted"})
	h := startWebhook(t, "")
	h.register(t, id, admissionregistrationv1.Fail, "adm-enforce")
	objects := stream(badPod("bad"), goodPod("good"), badDeployment("bad"), goodDeployment("good"))

	t.Run("enforce", func(t *testing.T) {
		out, errOut := kubectl(t, userPlain, objects, true, "apply", "-n", "adm-enforce", "-f", "-")
		if diff := cmp.Diff([]string{"pod/good created", "deployment.apps/good created"}, lines(out)); diff != "" {
			t.Errorf("stdout (-want +got):\n%s", diff)
		}
		deny := `Error from server (Forbidden): error when creating "STDIN": admission webhook "modes.e2e.kubestride.io" denied the request: `
		want := []string{
			deny + `pods "bad" is forbidden: violates kubestride policy "restricted:latest": ` + restrictedDetail,
			deny + `deployments.apps "bad" is forbidden: violates kubestride policy "restricted:latest": ` + restrictedDetail,
		}
		if diff := cmp.Diff(want, lines(errOut)); diff != "" {
			t.Errorf("stderr (-want +got):\n%s", diff)
		}
		// The denial's status names each violated check and field, for
		// clients that read its causes.
		_, err := admin(t).AppsV1().Deployments("adm-enforce").Create(context.Background(), mustDeployment(t, badDeployment("causes")), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		var status apierrors.APIStatus
		if !errors.As(err, &status) || status.Status().Details == nil {
			t.Fatalf("create: %v, want a denial with details", err)
		}
		var causes []string
		for _, c := range status.Status().Details.Causes {
			causes = append(causes, fmt.Sprintf("%s %s: %s", c.Type, c.Field, c.Message))
		}
		// The container sets no securityContext: the fields are missing
		// under the container and the pod's securityContext.
		wantCauses := []string{
			`pss-allow-privilege-escalation spec.template.spec.containers[0]: container "app" must set securityContext.allowPrivilegeEscalation=false`,
			`pss-capabilities-restricted spec.template.spec.containers[0]: container "app" must set securityContext.capabilities.drop=["ALL"]`,
			`pss-run-as-non-root spec.template.spec.securityContext: pod or container "app" must set securityContext.runAsNonRoot=true`,
			`pss-seccomp-restricted spec.template.spec.securityContext: pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
		}
		if diff := cmp.Diff(wantCauses, causes); diff != "" {
			t.Errorf("causes (-want +got):\n%s", diff)
		}
		for _, o := range []struct{ kind, name string }{{"Pod", "bad"}, {"Deployment", "bad"}} {
			if exists(t, o.kind, "adm-enforce", o.name) {
				t.Errorf("%s %s was created in an enforce namespace", o.kind, o.name)
			}
		}
		for _, o := range []struct{ kind, name string }{{"Pod", "good"}, {"Deployment", "good"}} {
			if !exists(t, o.kind, "adm-enforce", o.name) {
				t.Errorf("compliant %s %s was not created", o.kind, o.name)
			}
		}
	})

	t.Run("warn", func(t *testing.T) {
		out, errOut := kubectl(t, userPlain, objects, false, "apply", "-n", "adm-warn", "-f", "-")
		want := []string{"pod/bad created", "pod/good created", "deployment.apps/bad created", "deployment.apps/good created"}
		if diff := cmp.Diff(want, lines(out)); diff != "" {
			t.Errorf("stdout (-want +got):\n%s", diff)
		}
		// The pod and the Deployment were warned in the same words, which
		// kubectl prints once.
		warning := `Warning: would violate kubestride policy "restricted:latest": ` + restrictedDetail
		if diff := cmp.Diff([]string{warning}, lines(errOut)); diff != "" {
			t.Errorf("stderr (-want +got):\n%s", diff)
		}
		m := h.metrics(t)
		for _, want := range []string{
			`kubestride_webhook_decisions_total{mode="warn",policy="restricted:latest",decision="deny"} 2`,
			`kubestride_webhook_decisions_total{mode="warn",policy="restricted:latest",decision="allow"} 2`,
		} {
			if !strings.Contains(m, "\n"+want+"\n") {
				t.Errorf("/metrics has no line %s:\n%s", want, metricLines(m, "kubestride_webhook_decisions"))
			}
		}
	})

	t.Run("audit", func(t *testing.T) {
		start := time.Now().Add(-time.Second)
		out, errOut := kubectl(t, userPlain, objects, false, "apply", "-n", auditNamespace, "-f", "-")
		want := []string{"pod/bad created", "pod/good created", "deployment.apps/bad created", "deployment.apps/good created"}
		if diff := cmp.Diff(want, lines(out)); diff != "" {
			t.Errorf("stdout (-want +got):\n%s", diff)
		}
		if errOut != "" {
			t.Errorf("stderr: %s", errOut)
		}
		violation := `would violate kubestride policy "restricted:latest": ` + restrictedDetail
		key := hookName(id) + "/audit-violations"
		wantAnn := map[string]map[string]string{
			"pods/bad":         {key: violation},
			"pods/good":        {},
			"deployments/bad":  {key: violation},
			"deployments/good": {},
		}
		got := auditAnnotations(t, auditNamespace, hookName(id)+"/", start, len(wantAnn))
		if diff := cmp.Diff(wantAnn, got); diff != "" {
			t.Errorf("the webhook's annotations of the audit log's create events (-want +got):\n%s", diff)
		}
	})
}

// auditAnnotations reads the API server's audit log with package auditlog
// until it holds n completed create events in namespace ns since start, and
// returns, by resource/name, the annotations of each whose key starts with
// prefix.
func auditAnnotations(t *testing.T, ns, prefix string, since time.Time, n int) map[string]map[string]string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := map[string]map[string]string{}
		in := auditlog.Input{
			Paths: []string{testcluster.Shared.AuditLog},
			Pre:   func(line []byte) bool { return strings.Contains(string(line), `"namespace":"`+ns+`"`) },
		}
		var decodeErr error
		_, errs, _ := in.Each(func(e *auditlog.Event, line []byte, _ auditlog.Position) bool {
			if e.Verb != "create" || e.Stage != "ResponseComplete" || e.ObjectRef == nil || e.Namespace() != ns || e.Time().Before(since) {
				return true
			}
			var raw struct {
				Annotations map[string]string `json:"annotations"`
			}
			if err := json.Unmarshal(line, &raw); err != nil {
				decodeErr = err
				return false
			}
			mine := map[string]string{}
			for k, v := range raw.Annotations {
				if strings.HasPrefix(k, prefix) {
					mine[k] = v
				}
			}
			got[e.Resource()+"/"+e.Name()] = mine
			return true
		})
		if decodeErr != nil {
			t.Fatalf("audit log: %v", decodeErr)
		}
		for _, e := range errs {
			t.Errorf("audit log: %v", e)
		}
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestConfiguredPolicy: a policy the configuration defines, the restricted
// Pod Security Standards plus kubestride checks at medium or above, is
// enforced through a namespace label, and is the warn default of an
// unlabelled namespace whose enforce default is baseline.
func TestConfiguredPolicy(t *testing.T) {
	grantUsers(t)
	const id = "policy"
	namespace(t, "adm-policy", id, map[string]string{"kubestride.io/enforce": "restricted-plus"})
	namespace(t, "adm-plain", id, nil)
	h := startWebhook(t, `webhook:
  defaults: {enforce: baseline, warn: restricted-plus}
  policies:
  - name: restricted-plus
    level: restricted
    checks: [host-path-writable, memory-limit-missing, cpu-limit-missing, service-account-token-automount, image-latest-tag]
    minSeverity: medium
`)
	h.register(t, id, admissionregistrationv1.Fail, "adm-plain")

	// plus passes restricted but runs a latest image without limits with
	// the default ServiceAccount's token; cpu-limit-missing is low, below
	// the policy's minimum, and not counted.
	plus := `apiVersion: v1
kind: Pod
metadata: {name: plus}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: nginx:latest
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`
	// host mounts a writable hostPath, which the Pod Security Standards
	// forbid as a volume and host-path-writable as a write to the node.
	host := `apiVersion: v1
kind: Pod
metadata: {name: host}
spec:
  automountServiceAccountToken: false
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: app:1.0
    resources: {limits: {memory: 64Mi}}
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    hostPath: {path: /srv/data}
`
	// tidy misses only a CPU limit, which the policy does not count.
	tidy := `apiVersion: v1
kind: Pod
metadata: {name: tidy}
spec:
  automountServiceAccountToken: false
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: app:1.0
    resources: {limits: {memory: 64Mi}}
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`
	plusDetail := `latest image tags (container "app" must set image "nginx:latest" to a fixed tag or digest, not "latest"), ` +
		`missing memory limits (container "app" must set resources.limits.memory), ` +
		`automounted service account tokens (pod spec must set automountServiceAccountToken=false (service account "default" mounts its token))`
	// A hostPath volume at restricted is named as Pod Security Admission
	// names it: by the restricted control that replaces the baseline one.
	hostDetail := `restricted volume types (volume "data" uses restricted volume type "hostPath"), ` +
		`writable hostPath volumes (container "app" must mount hostPath volume "data" at "/data" with readOnly: true)`

	t.Run("label", func(t *testing.T) {
		out, errOut := kubectl(t, userPlain, stream(plus, host, tidy), true, "apply", "-n", "adm-policy", "-f", "-")
		if diff := cmp.Diff([]string{"pod/tidy created"}, lines(out)); diff != "" {
			t.Errorf("stdout (-want +got):\n%s", diff)
		}
		deny := `Error from server (Forbidden): error when creating "STDIN": admission webhook "policy.e2e.kubestride.io" denied the request: `
		want := []string{
			deny + `pods "plus" is forbidden: violates kubestride policy "restricted-plus:latest": ` + plusDetail,
			deny + `pods "host" is forbidden: violates kubestride policy "restricted-plus:latest": ` + hostDetail,
		}
		if diff := cmp.Diff(want, lines(errOut)); diff != "" {
			t.Errorf("stderr (-want +got):\n%s", diff)
		}
	})

	t.Run("defaults", func(t *testing.T) {
		out, errOut := kubectl(t, userPlain, stream(plus, privilegedPod("agent"), tidy), true, "apply", "-n", "adm-plain", "-f", "-")
		if diff := cmp.Diff([]string{"pod/plus created", "pod/tidy created"}, lines(out)); diff != "" {
			t.Errorf("stdout (-want +got):\n%s", diff)
		}
		want := []string{
			`Warning: would violate kubestride policy "restricted-plus:latest": ` + plusDetail,
			`Error from server (Forbidden): error when creating "STDIN": admission webhook "policy.e2e.kubestride.io" denied the request: ` +
				`pods "agent" is forbidden: violates kubestride policy "baseline:latest": privileged (container "agent" must not set securityContext.privileged=true)`,
		}
		if diff := cmp.Diff(want, lines(errOut)); diff != "" {
			t.Errorf("stderr (-want +got):\n%s", diff)
		}
		if slices.Contains(lines(errOut), "pod/agent created") || exists(t, "Pod", "adm-plain", "agent") {
			t.Error("the privileged pod was created in a namespace whose default enforces baseline")
		}
	})
}
