package admission

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/host/pkitest"
	"github.com/kubestride/kubestride/internal/testcluster"
	"github.com/kubestride/kubestride/internal/webhook"
)

// hookLabel scopes a webhook configuration to the namespaces that carry it,
// with the configuration's id as value.
const hookLabel = "e2e.kubestride.io/webhook"

// hookName is the name of the webhook a configuration id registers (three
// dot-separated segments, as the API server requires); the API server files
// the webhook's audit annotations under it.
func hookName(id string) string { return id + ".e2e.kubestride.io" }

func admin(t testing.TB) kubernetes.Interface {
	t.Helper()
	cs, err := testcluster.Shared.Client("admin")
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// namespace creates a namespace judged by the webhook registered as id
// (none when id is empty), with labels, and its default ServiceAccount.
func namespace(t testing.TB, name, id string, labels map[string]string) {
	t.Helper()
	all := map[string]string{}
	for k, v := range labels {
		all[k] = v
	}
	if id != "" {
		all[hookLabel] = id
	}
	if err := testcluster.Shared.Namespace(context.Background(), name, all); err != nil {
		t.Fatal(err)
	}
}

var grantOnce sync.Once

// grantUsers lets the test users (usersGroup) manage pods and Deployments
// in every namespace (the built-in edit role is aggregated by the
// controller manager, which the test cluster does not run).
func grantUsers(t testing.TB) {
	t.Helper()
	var err error
	grantOnce.Do(func() {
		ctx := context.Background()
		rbac := admin(t).RbacV1()
		if _, err = rbac.ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: "e2e-workloads"},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "create", "update", "patch", "delete"}},
				{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: []string{"get", "list", "create", "update", "patch", "delete"}},
			},
		}, metav1.CreateOptions{}); err != nil {
			return
		}
		_, err = rbac.ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "e2e-workloads"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "e2e-workloads"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: usersGroup}},
		}, metav1.CreateOptions{})
	})
	if err != nil {
		t.Fatalf("grant the test users pods and Deployments: %v", err)
	}
}

// pki is a CA and a serving certificate for 127.0.0.1 it signs, written to
// files.
type pki struct {
	caPEM             []byte
	certFile, keyFile string
}

func newPKI(t testing.TB) pki {
	t.Helper()
	now := time.Now()
	ca := pkitest.New(t, nil, "kubestride-e2e-webhook-ca", pkitest.Key(t, "webhook-ca", "p256"), true, now.Add(-time.Hour), now.Add(24*time.Hour))
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "kubestride-webhook"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := pki{caPEM: ca.PEM(), certFile: filepath.Join(dir, "tls.crt"), keyFile: filepath.Join(dir, "tls.key")}
	if err := os.WriteFile(p.certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.keyFile, pkitest.KeyPEM(t, key, true), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// hook is a webhook server running in process.
type hook struct {
	srv  *webhook.Server
	pki  pki
	stop context.CancelFunc
	done chan error
}

// startWebhook runs a webhook with the configuration cfgYAML on loopback
// and waits until its informers have synced; it is stopped when the test
// ends, if the test did not stop it.
func startWebhook(t testing.TB, cfgYAML string) *hook {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgYAML), check.Default())
	if err != nil {
		t.Fatalf("configuration: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := newPKI(t)
	srv, err := webhook.New(webhook.Options{
		Client: admin(t), CertFile: p.certFile, KeyFile: p.keyFile, Listener: ln, Config: cfg,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &hook{srv: srv, pki: p, stop: cancel, done: make(chan error, 1)}
	go func() { h.done <- srv.Run(ctx) }()
	t.Cleanup(func() { h.shutdown(t) })
	select {
	case <-srv.Started():
	case err := <-h.done:
		t.Fatalf("webhook did not start: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !srv.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("webhook informers did not sync in 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return h
}

// shutdown stops the webhook and waits until Run returned; once stopped,
// it does nothing.
func (h *hook) shutdown(t testing.TB) {
	t.Helper()
	if h.done == nil {
		return
	}
	h.stop()
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("webhook Run: %v", err)
		}
	case <-time.After(40 * time.Second):
		t.Errorf("webhook Run did not return after its context ended")
	}
	h.done = nil
}

// url is the webhook's review endpoint.
func (h *hook) url() string { return "https://" + h.srv.Addr().String() + "/validate" }

// metrics returns the webhook's /metrics page, read over HTTPS as
// Prometheus would.
func (h *hook) metrics(t testing.TB) string {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(h.pki.caPEM)
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get("https://" + h.srv.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %s %v", resp.Status, err)
	}
	return string(b)
}

// register registers the webhook as id with failurePolicy, for pods and
// Deployments in the namespaces labelled hookLabel=id, and waits until the
// API server calls it: a dry-run privileged pod in probe (a namespace of
// id enforcing baseline) is denied by it. The configuration is deleted
// when the test ends.
func (h *hook) register(t testing.TB, id string, fp admissionregistrationv1.FailurePolicyType, probe string) {
	t.Helper()
	ctx := context.Background()
	url := h.url()
	none := admissionregistrationv1.SideEffectClassNone
	scope := admissionregistrationv1.NamespacedScope
	timeout := int32(10)
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: id},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:         hookName(id),
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: h.pki.caPEM},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
				Rule: admissionregistrationv1.Rule{
					APIGroups: []string{"", "apps"}, APIVersions: []string{"v1"},
					Resources: []string{"pods", "deployments"}, Scope: &scope,
				},
			}},
			FailurePolicy:           &fp,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{hookLabel: id}},
			TimeoutSeconds:          &timeout,
		}},
	}
	cs := admin(t)
	if _, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, vwc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(context.Background(), id, metav1.DeleteOptions{})
	})
	want := `admission webhook "` + hookName(id) + `" denied the request`
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := cs.CoreV1().Pods(probe).Create(ctx, mustPod(t, privilegedPod("probe")), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil && strings.Contains(err.Error(), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook %s: not called by the API server after 30s (last answer to the probe: %v)", id, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func mustPod(t testing.TB, manifest string) *corev1.Pod {
	t.Helper()
	var p corev1.Pod
	if err := sigsyaml.UnmarshalStrict([]byte(manifest), &p); err != nil {
		t.Fatalf("pod manifest: %v\n%s", err, manifest)
	}
	return &p
}

func mustDeployment(t testing.TB, manifest string) *appsv1.Deployment {
	t.Helper()
	var d appsv1.Deployment
	if err := sigsyaml.UnmarshalStrict([]byte(manifest), &d); err != nil {
		t.Fatalf("deployment manifest: %v\n%s", err, manifest)
	}
	return &d
}

// kubectl runs kubectl as user with stdin, and returns stdout and stderr;
// wantErr says whether kubectl should fail.
func kubectl(t testing.TB, user string, stdin string, wantErr bool, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var in []byte
	if stdin != "" {
		in = []byte(stdin)
	}
	out, errOut, err := testcluster.Shared.Kubectl(ctx, user, in, args...)
	if (err != nil) != wantErr {
		t.Fatalf("kubectl %s as %s: err=%v, want error %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), user, err, wantErr, out, errOut)
	}
	return out, errOut
}

// exists reports whether a pod or Deployment was created.
func exists(t testing.TB, kind, ns, name string) bool {
	t.Helper()
	cs := admin(t)
	var err error
	switch kind {
	case "Pod":
		_, err = cs.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
	case "Deployment":
		_, err = cs.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
	default:
		t.Fatalf("exists: kind %s", kind)
	}
	if apierrors.IsNotFound(err) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// The manifests the tests apply.

// badPod violates restricted (four controls), not baseline.
func badPod(name string) string {
	return `apiVersion: v1
kind: Pod
metadata: {name: ` + name + `}
spec:
  containers:
  - name: app
    image: nginx:1.27
`
}

// goodPod passes restricted.
func goodPod(name string) string {
	return `apiVersion: v1
kind: Pod
metadata: {name: ` + name + `}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: app:1.0
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`
}

// privilegedPod violates baseline by one control: privileged.
func privilegedPod(name string) string {
	return `apiVersion: v1
kind: Pod
metadata: {name: ` + name + `}
spec:
  containers:
  - name: agent
    image: agent:1.0
    securityContext: {privileged: true}
`
}

func badDeployment(name string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ` + name + `}
spec:
  replicas: 2
  selector: {matchLabels: {app: ` + name + `}}
  template:
    metadata: {labels: {app: ` + name + `}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`
}

func goodDeployment(name string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ` + name + `}
spec:
  replicas: 2
  selector: {matchLabels: {app: ` + name + `}}
  template:
    metadata: {labels: {app: ` + name + `}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        image: app:1.0
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`
}

// The detail of the restricted denial of badPod and badDeployment, in Pod
// Security Admission's words.
const restrictedDetail = `allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ` +
	`unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ` +
	`runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ` +
	`seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`

// stream joins manifests into one YAML stream.
func stream(manifests ...string) string { return strings.Join(manifests, "---\n") }
