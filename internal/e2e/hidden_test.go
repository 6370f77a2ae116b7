package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// TestHiddenWorkloadsAreFound creates a Deployment with the ReplicaSet and
// pods its controllers would make (the harness runs no controller manager),
// then objects that claim those controllers without being their product:
// a privileged hostPID pod with a forged ownerReference to the ReplicaSet,
// a pod claiming that ReplicaSet from another namespace, a ReplicaSet
// claiming the Deployment, and one of the genuine pods given a privileged
// ephemeral container. Each must be scanned on its own and found; the
// genuine pods are still counted on the Deployment.
func TestHiddenWorkloadsAreFound(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	const ns, other = "e2e-hidden", "e2e-hidden-other"
	for _, n := range []string{ns, other} {
		if err := testcluster.Shared.Namespace(ctx, n, nil); err != nil {
			t.Fatal(err)
		}
	}
	labels := map[string]string{"app": "web"}
	dep := must(cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Annotations: map[string]string{"deployment.kubernetes.io/revision": "1"}},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: podSpec(false)},
		},
	}, metav1.CreateOptions{}))

	// The ReplicaSet the Deployment controller makes: the Deployment's
	// template as stored, with the pod-template-hash label.
	hashed := map[string]string{"app": "web", "pod-template-hash": "7c9d"}
	tmpl := *dep.Spec.Template.DeepCopy()
	tmpl.Labels = hashed
	rs := must(cs.AppsV1().ReplicaSets(ns).Create(ctx, &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web-7c9d", Labels: hashed, Annotations: map[string]string{"deployment.kubernetes.io/revision": "1"},
			OwnerReferences: []metav1.OwnerReference{*controllerRef("Deployment", dep.Name, dep.UID)}},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr[int32](3), Selector: &metav1.LabelSelector{MatchLabels: hashed}, Template: tmpl},
	}, metav1.CreateOptions{}))
	rsRef := controllerRef("ReplicaSet", rs.Name, rs.UID)

	// The pods the ReplicaSet controller makes: its template as stored.
	fromTemplate := func(namespace, name string, spec corev1.PodSpec) *corev1.Pod {
		return must(cs.CoreV1().Pods(namespace).Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: hashed, OwnerReferences: []metav1.OwnerReference{*rsRef}},
			Spec:       spec,
		}, metav1.CreateOptions{}))
	}
	for _, name := range []string{"web-7c9d-a", "web-7c9d-b"} {
		fromTemplate(ns, name, *rs.Spec.Template.Spec.DeepCopy())
	}

	// A privileged hostPID pod made by hand, claiming the ReplicaSet with
	// its labels copied.
	evil := *rs.Spec.Template.Spec.DeepCopy()
	evil.HostPID = true
	evil.Containers[0].SecurityContext.Privileged = ptr(true)
	fromTemplate(ns, "web-7c9d-x1", evil)

	// A pod in another namespace claiming the ReplicaSet, spec and all.
	sneaky := *rs.Spec.Template.Spec.DeepCopy()
	sneaky.Containers[0].SecurityContext.Privileged = ptr(true)
	fromTemplate(other, "web-7c9d-y2", sneaky)

	// A genuine pod given a privileged ephemeral container, as kubectl
	// debug --profile=sysadmin does.
	dbg := fromTemplate(ns, "web-7c9d-c", *rs.Spec.Template.Spec.DeepCopy())
	dbg.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
		Name: "debugger", Image: "registry.example.com/debug:1.0", Stdin: true, TTY: true,
		SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)},
	}}}
	must(cs.CoreV1().Pods(ns).UpdateEphemeralContainers(ctx, dbg.Name, dbg, metav1.UpdateOptions{}))

	// A ReplicaSet made by hand, claiming the Deployment.
	forged := *dep.Spec.Template.DeepCopy()
	forged.Labels = map[string]string{"app": "web", "pod-template-hash": "66f1"}
	forged.Spec.HostNetwork = true
	forged.Spec.Containers[0].SecurityContext.Privileged = ptr(true)
	must(cs.AppsV1().ReplicaSets(ns).Create(ctx, &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web-66f1", Labels: forged.Labels, OwnerReferences: []metav1.OwnerReference{*controllerRef("Deployment", dep.Name, dep.UID)}},
		Spec:       appsv1.ReplicaSetSpec{Replicas: ptr[int32](1), Selector: &metav1.LabelSelector{MatchLabels: forged.Labels}, Template: forged},
	}, metav1.CreateOptions{}))

	r, stderr, code := kubestride(t, "scan", "--cluster", "--kubeconfig", testcluster.Shared.Kubeconfig, "-f", "json")
	if code != report.ExitFindings {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, report.ExitFindings, stderr)
	}
	if len(r.Coverage.Gaps) != 0 {
		t.Fatalf("gaps: %+v", r.Coverage.Gaps)
	}
	type key struct{ id, kind, ns, name string }
	found := map[key]report.Finding{}
	for _, f := range r.Findings {
		if f.Resource.Namespace == ns || f.Resource.Namespace == other {
			found[key{string(f.ID), f.Resource.Kind, f.Resource.Namespace, f.Resource.Name}] = f
		}
	}
	for _, want := range []struct {
		key
		field   string // the finding's field, or a prefix of it
		message string // a part of the message
	}{
		{key{"pss-privileged", "Pod", ns, "web-7c9d-x1"}, "spec.containers[0].securityContext.privileged", ""},
		{key{"pss-host-namespaces", "Pod", ns, "web-7c9d-x1"}, "spec.hostPID", ""},
		{key{"owner-reference-mismatch", "Pod", ns, "web-7c9d-x1"}, "spec.", `claim ReplicaSet "web-7c9d" (uid ` + string(rs.UID) + `) as its controller: different pod spec`},
		{key{"pss-privileged", "Pod", other, "web-7c9d-y2"}, "spec.containers[0].securityContext.privileged", ""},
		{key{"owner-reference-mismatch", "Pod", other, "web-7c9d-y2"}, "metadata.namespace", `claim ReplicaSet "web-7c9d"`},
		{key{"pss-privileged", "Pod", ns, "web-7c9d-c"}, "spec.ephemeralContainers[0].securityContext.privileged", ""},
		{key{"pss-privileged", "ReplicaSet", ns, "web-66f1"}, "spec.template.spec.containers[0].securityContext.privileged", ""},
		{key{"pss-host-namespaces", "ReplicaSet", ns, "web-66f1"}, "spec.template.spec.hostNetwork", ""},
		{key{"owner-reference-mismatch", "ReplicaSet", ns, "web-66f1"}, "spec.template.spec.", `claim Deployment "web"`},
	} {
		f, ok := found[want.key]
		if ok && want.id == "owner-reference-mismatch" {
			t.Logf("%s %s on %s %s/%s: %s: %s", f.Severity, want.id, want.kind, want.ns, want.name, f.Field, f.Message)
		}
		switch {
		case !ok:
			t.Errorf("no %s finding on %s %s/%s", want.id, want.kind, want.ns, want.name)
		case !strings.HasPrefix(f.Field, want.field) || !strings.Contains(f.Message, want.message):
			t.Errorf("%s on %s %s/%s: field %q, message %q; want field %q, message with %q", want.id, want.kind, want.ns, want.name, f.Field, f.Message, want.field, want.message)
		}
	}
	if f, ok := found[key{"owner-reference-mismatch", "Pod", ns, "web-7c9d-c"}]; ok {
		t.Errorf("the pod with an ephemeral container is its ReplicaSet's product, yet: %s", f.Message)
	}
	var onDeployment int
	for k, f := range found {
		switch {
		case k.name == "web-7c9d-a" || k.name == "web-7c9d-b" || k.name == "web-7c9d":
			t.Errorf("finding %s on %s %s: the Deployment's own ReplicaSet and pods must be reported on it", k.id, k.kind, k.name)
		case k.kind == "Deployment" && k.name == "web":
			onDeployment++
			if f.Resource.Pods != 2 {
				t.Errorf("%s on Deployment web counts %d pods, want the 2 genuine ones", k.id, f.Resource.Pods)
			}
		}
	}
	if onDeployment == 0 {
		t.Error("no finding on Deployment web")
	}
	if got := r.Coverage.Listed["pods"]; got < 5 {
		t.Errorf("coverage lists %d pods, want every pod listed (at least 5)", got)
	}
}

// hostileProxy serves the API server through a reverse proxy that lets
// rewrite change each request and edit each JSON list response (its
// "metadata" object) before the client sees it.
func hostileProxy(t *testing.T, rewrite func(r *http.Request), edit func(r *http.Request, meta map[string]any)) string {
	t.Helper()
	target, err := url.Parse(testcluster.Shared.Host)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := rest.TransportFor(testcluster.Shared.Config("admin"))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = rt
	director := proxy.Director
	proxy.Director = func(r *http.Request) {
		director(r)
		r.Header.Del("Accept-Encoding") // responses the proxy can read
		if r.Method == http.MethodGet && r.URL.Query().Has("limit") {
			rewrite(r)
		}
	}
	proxy.ModifyResponse = func(resp *http.Response) error {
		r := resp.Request
		if r.Method != http.MethodGet || !r.URL.Query().Has("limit") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		var obj map[string]any
		if err := json.Unmarshal(body, &obj); err == nil {
			if meta, ok := obj["metadata"].(map[string]any); ok && resp.StatusCode == http.StatusOK {
				edit(r, meta)
				body, _ = json.Marshal(obj)
			}
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewTLSServer(proxy)
	t.Cleanup(srv.Close)

	kc := clientcmdapi.NewConfig()
	kc.Clusters["hostile"] = &clientcmdapi.Cluster{Server: srv.URL, InsecureSkipTLSVerify: true}
	kc.AuthInfos["anyone"] = &clientcmdapi.AuthInfo{}
	kc.Contexts["hostile"] = &clientcmdapi.Context{Cluster: "hostile", AuthInfo: "anyone"}
	kc.CurrentContext = "hostile"
	file := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, file); err != nil {
		t.Fatal(err)
	}
	return file
}

// jsonOnly asks for JSON instead of protobuf, so that the proxy can edit
// the answer; a request for a Table is left alone.
func jsonOnly(r *http.Request) {
	if !strings.Contains(r.Header.Get("Accept"), "as=Table") {
		r.Header.Set("Accept", "application/json")
	}
}

// TestHostileServerGaps scans through a proxy that answers in ways a
// compromised or broken API server (or aggregated API, or middlebox) could:
// what cannot be read is a gap and the exit code is 2, never a silent
// "nothing there" or a scan that never ends.
func TestHostileServerGaps(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	const ns = "e2e-hostile"
	if err := testcluster.Shared.Namespace(ctx, ns, nil); err != nil {
		t.Fatal(err)
	}
	const secretValue = "e2e-hostile-secret-value-8c1f0b"
	must(cs.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		StringData: map[string]string{"password": secretValue},
	}, metav1.CreateOptions{}))

	gaps := func(r *report.Report) map[string]object.Gap {
		out := map[string]object.Gap{}
		for _, g := range r.Coverage.Gaps {
			out[g.Resource] = g
		}
		return out
	}

	t.Run("table request ignored for secrets", func(t *testing.T) {
		kc := hostileProxy(t, func(r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/secrets") {
				r.Header.Set("Accept", "application/json") // as=Table ignored: a SecretList, data and all
			}
		}, func(*http.Request, map[string]any) {})
		r, stderr, code := kubestride(t, "scan", "--cluster", "--kubeconfig", kc, "-f", "json")
		if code != report.ExitError {
			t.Errorf("exit code = %d, want %d; stderr:\n%s", code, report.ExitError, stderr)
		}
		g := gaps(r)
		if s, ok := g["secrets"]; !ok || s.Reason != "wrong-kind" || !strings.Contains(s.Message, "SecretList") {
			t.Errorf("secrets gap = %+v, want wrong-kind naming the SecretList", s)
		}
		if len(g) != 1 {
			t.Errorf("gaps %+v, want secrets only", r.Coverage.Gaps)
		}
		if r.Coverage.Listed["secrets"] != 0 {
			t.Errorf("%d Secrets listed from a response of the wrong kind", r.Coverage.Listed["secrets"])
		}
		raw, _ := json.Marshal(r)
		if bytes.Contains(raw, []byte(secretValue)) || strings.Contains(stderr, secretValue) {
			t.Error("the report or stderr prints a Secret's value")
		}
	})

	t.Run("the same continue token again", func(t *testing.T) {
		kc := hostileProxy(t, func(r *http.Request) {
			jsonOnly(r)
			q := r.URL.Query()
			q.Del("continue") // the server would refuse the made-up token
			r.URL.RawQuery = q.Encode()
		}, func(_ *http.Request, meta map[string]any) { meta["continue"] = "again" })
		start := time.Now()
		r, stderr, code := kubestride(t, "scan", "--cluster", "--kubeconfig", kc, "-f", "json")
		if d := time.Since(start); d > time.Minute {
			t.Errorf("the scan took %v", d)
		}
		if code != report.ExitError {
			t.Errorf("exit code = %d, want %d; stderr:\n%s", code, report.ExitError, stderr)
		}
		g := gaps(r)
		for _, res := range []string{"pods", "secrets", "deployments.apps", "clusterroles.rbac.authorization.k8s.io"} {
			if s := g[res]; s.Reason != "paging" || !s.Partial || !strings.Contains(s.Message, "returned before") {
				t.Errorf("%s gap = %+v, want paging: a continue token returned before", res, s)
			}
		}
		if !strings.Contains(stderr, "pods: paging (partly read)") {
			t.Errorf("stderr does not name the gap:\n%s", stderr)
		}
	})

	t.Run("new continue tokens without end", func(t *testing.T) {
		var n atomic.Int64
		kc := hostileProxy(t, func(r *http.Request) {
			jsonOnly(r)
			q := r.URL.Query()
			q.Del("continue")
			r.URL.RawQuery = q.Encode()
		}, func(_ *http.Request, meta map[string]any) { meta["continue"] = fmt.Sprintf("page-%d", n.Add(1)) })
		start := time.Now()
		r, stderr, code := kubestride(t, "scan", "--cluster", "--kubeconfig", kc, "-f", "json", "--scan-timeout", "3s")
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("the scan took %v with --scan-timeout 3s", d)
		}
		if code != report.ExitError {
			t.Errorf("exit code = %d, want %d; stderr:\n%s", code, report.ExitError, stderr)
		}
		g := gaps(r)
		for _, res := range []string{"pods", "configmaps", "roles.rbac.authorization.k8s.io"} {
			if s := g[res]; s.Reason != "scan-timeout" || !strings.Contains(s.Message, "3s") {
				t.Errorf("%s gap = %+v, want scan-timeout", res, s)
			}
		}
		_, _, code = kubestride(t, "scan", "--cluster", "--kubeconfig", kc, "-f", "json", "--scan-timeout", "3s", "--allow-partial")
		if code == report.ExitError {
			t.Errorf("--allow-partial: exit code = %d, want 0 or 1", code)
		}
	})
}
