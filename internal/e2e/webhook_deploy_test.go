package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/testcluster"
	"github.com/kubestride/kubestride/internal/webhook"
)

const (
	webhookNS      = "kubestride-webhook"
	webhookName    = "kubestride-webhook"
	webhookTLS     = "kubestride-webhook-tls"
	webhookSAUser  = "system:serviceaccount:kubestride-webhook:kubestride-webhook"
	webhookService = "kubestride-webhook.kubestride-webhook.svc"
)

// TestWebhookManifest applies deploy/kubestride-webhook.yaml to the API
// server with server-side apply and requires kubestride's own scan of it
// (and of the cert-manager objects, which need cert-manager's CRDs to be
// applied) to find nothing high or critical at restricted. Then it runs
// deploy/webhook-certs.sh against the cluster and requires the Secret's
// certificate to verify for the Service's name under the caBundle it set,
// and the caBundle to stay the same when it is run again; runs the webhook
// with the manifest's configuration, its certificate and the identity of
// its ServiceAccount, which must be enough for its informers to sync and
// no more than reading; and shows what failurePolicy Fail with the
// manifest's namespaceSelector does while no replica serves: a pod is
// refused in an ordinary namespace, and admitted in kube-system and in the
// webhook's own namespace, so the webhook can always be started again.
//
// The ValidatingWebhookConfiguration is deleted at the end: left
// registered, it would refuse the pods of later tests.
func TestWebhookManifest(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	file := filepath.Join("..", "..", "deploy", "kubestride-webhook.yaml")
	certManager := filepath.Join("..", "..", "deploy", "kubestride-webhook-cert-manager.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(context.Background(), webhookName, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("delete the ValidatingWebhookConfiguration: %v", err)
		}
	})
	if err := applyServerSide(ctx, testcluster.Shared.Config("admin"), data); err != nil {
		t.Fatalf("apply %s: %v", file, err)
	}

	r, stderr, code := kubestride(t, "scan", "-f", "json", "--fail-on", "high", file, certManager)
	if code != report.ExitOK || len(r.Errors) != 0 {
		for _, f := range r.Findings {
			if f.Severity >= 4 && f.Suppressed == nil {
				t.Errorf("%s %s on %s %s: %s", f.Severity, f.ID, f.Resource.Kind, f.Resource.Name, f.Message)
			}
		}
		t.Fatalf("scan of %s and %s: exit code %d, errors %v, want 0; stderr:\n%s", file, certManager, code, r.Errors, stderr)
	}
	var kinds []string
	for _, f := range r.Findings {
		kinds = append(kinds, f.Resource.Kind)
	}
	if !slices.Contains(kinds, "Deployment") {
		t.Errorf("the scan judged no Deployment (findings on %v): the manifest's pods were not scanned", kinds)
	}

	// The objects as the API server holds them.
	dep := must(cs.AppsV1().Deployments(webhookNS).Get(ctx, webhookName, metav1.GetOptions{}))
	if dep.Spec.Replicas == nil || *dep.Spec.Replicas < 2 {
		t.Errorf("deployment replicas = %v, want 2 or more", dep.Spec.Replicas)
	}
	pod := dep.Spec.Template.Spec
	c := pod.Containers[0]
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil || c.Lifecycle.PreStop.Sleep.Seconds <= 0 {
		t.Errorf("container %q: no preStop sleep, the endpoints would not drain before it stops", c.Name)
	}
	for name, p := range map[string]*corev1.Probe{"/readyz": c.ReadinessProbe, "/healthz": c.LivenessProbe} {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != name || p.HTTPGet.Scheme != corev1.URISchemeHTTPS {
			t.Errorf("probe of %s: %+v, want an HTTPS GET", name, p)
		}
	}
	if pod.Affinity == nil || pod.Affinity.PodAntiAffinity == nil || len(pod.TopologySpreadConstraints) == 0 {
		t.Error("no pod anti-affinity or topology spread: both replicas may run on one node")
	}
	must(cs.PolicyV1().PodDisruptionBudgets(webhookNS).Get(ctx, webhookName, metav1.GetOptions{}))
	svc := must(cs.CoreV1().Services(webhookNS).Get(ctx, webhookName, metav1.GetOptions{}))
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 443 || svc.Spec.Ports[0].TargetPort.StrVal != "https" ||
		len(c.Ports) != 1 || c.Ports[0].Name != "https" || c.Ports[0].ContainerPort != 8443 {
		t.Errorf("service ports %+v to container ports %+v, want 443 to https (8443)", svc.Spec.Ports, c.Ports)
	}
	vwc := must(cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, webhookName, metav1.GetOptions{}))
	for _, w := range vwc.Webhooks {
		if w.ClientConfig.Service == nil || w.ClientConfig.Service.Name != webhookName || w.ClientConfig.Service.Namespace != webhookNS ||
			w.ClientConfig.Service.Path == nil || *w.ClientConfig.Service.Path != "/validate" {
			t.Errorf("webhook %s calls %+v, want the Service's /validate", w.Name, w.ClientConfig)
		}
		if *w.SideEffects != admissionregistrationv1.SideEffectClassNone || w.TimeoutSeconds == nil || *w.MatchPolicy != admissionregistrationv1.Equivalent {
			t.Errorf("webhook %s: sideEffects %v, timeoutSeconds %v, matchPolicy %v", w.Name, *w.SideEffects, w.TimeoutSeconds, *w.MatchPolicy)
		}
	}
	if vwc.Annotations["cert-manager.io/inject-ca-from"] != webhookNS+"/"+webhookName {
		t.Errorf("no cert-manager.io/inject-ca-from naming the Certificate: %v", vwc.Annotations)
	}

	// Certificates without cert-manager.
	dir := t.TempDir()
	certs := func() {
		t.Helper()
		bins, err := testcluster.BinDir()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sh", filepath.Join("..", "..", "deploy", "webhook-certs.sh"), "-d", dir)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+testcluster.Shared.Kubeconfig, "PATH="+bins+string(os.PathListSeparator)+os.Getenv("PATH"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("webhook-certs.sh: %v\n%s", err, out)
		}
	}
	certs()
	secret := must(cs.CoreV1().Secrets(webhookNS).Get(ctx, webhookTLS, metav1.GetOptions{}))
	vwc = must(cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, webhookName, metav1.GetOptions{}))
	bundle := verifyServing(t, secret, vwc)
	certs()
	renewed := must(cs.CoreV1().Secrets(webhookNS).Get(ctx, webhookTLS, metav1.GetOptions{}))
	vwc = must(cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, webhookName, metav1.GetOptions{}))
	if again := verifyServing(t, renewed, vwc); string(again) != string(bundle) {
		t.Error("the caBundle changed when webhook-certs.sh ran again; it must keep its CA")
	}
	if string(renewed.Data[corev1.TLSCertKey]) == string(secret.Data[corev1.TLSCertKey]) {
		t.Error("webhook-certs.sh run again did not renew the serving certificate")
	}

	runAsServiceAccount(t, ctx, cs, renewed)
	failClosed(t, ctx, cs)
}

// verifyServing requires the Secret to be a TLS pair whose certificate
// verifies for the Service's name under the caBundle of every webhook of
// the configuration, and returns the caBundle.
func verifyServing(t *testing.T, secret *corev1.Secret, vwc *admissionregistrationv1.ValidatingWebhookConfiguration) []byte {
	t.Helper()
	if secret.Type != corev1.SecretTypeTLS {
		t.Fatalf("secret %s is of type %s, want %s", secret.Name, secret.Type, corev1.SecretTypeTLS)
	}
	pair, err := tls.X509KeyPair(secret.Data[corev1.TLSCertKey], secret.Data[corev1.TLSPrivateKeyKey])
	if err != nil {
		t.Fatalf("secret %s: %v", secret.Name, err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	var bundle []byte
	for _, w := range vwc.Webhooks {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(w.ClientConfig.CABundle) {
			t.Fatalf("webhook %s: the caBundle holds no certificate", w.Name)
		}
		for _, name := range []string{webhookService, webhookService + ".cluster.local"} {
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
				t.Errorf("webhook %s: the serving certificate does not verify for %s under the caBundle: %v", w.Name, name, err)
			}
		}
		bundle = w.ClientConfig.CABundle
	}
	return bundle
}

// runAsServiceAccount runs the webhook in-process with the ConfigMap's
// configuration, the Secret's certificate and the ServiceAccount's
// identity: its informers must sync, so the ClusterRole grants what they
// need, and the account may not read Secrets or pods nor write anything.
func runAsServiceAccount(t *testing.T, ctx context.Context, cs kubernetes.Interface, secret *corev1.Secret) {
	t.Helper()
	cm := must(cs.CoreV1().ConfigMaps(webhookNS).Get(ctx, webhookName, metav1.GetOptions{}))
	reg := check.Default()
	cfg, err := config.Parse([]byte(cm.Data["kubestride.yaml"]), reg)
	if err != nil {
		t.Fatalf("the ConfigMap's configuration: %v", err)
	}
	if len(cfg.Webhook.Policies) == 0 {
		t.Fatalf("the ConfigMap's configuration has no webhook policy: %+v", cfg.Webhook)
	}
	// The manifest's configuration must make the webhook read
	// ServiceAccounts and bindings too, so that the test covers every rule.
	if !slices.ContainsFunc(cfg.Webhook.Policies, func(p config.Policy) bool {
		return slices.Contains(p.Checks, "service-account-token-automount")
	}) {
		t.Fatal("no policy of the ConfigMap holds service-account-token-automount; the ServiceAccount and binding informers are not tried")
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := os.WriteFile(certFile, secret.Data[corev1.TLSCertKey], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, secret.Data[corev1.TLSPrivateKeyKey], 0o600); err != nil {
		t.Fatal(err)
	}
	rc := testcluster.Shared.Config("admin")
	rc.Impersonate = rest.ImpersonationConfig{UserName: webhookSAUser,
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + webhookNS, "system:authenticated"}}
	sa := must(kubernetes.NewForConfig(rc))

	for _, a := range []struct {
		attr  authorizationv1.ResourceAttributes
		allow bool
	}{
		{authorizationv1.ResourceAttributes{Verb: "watch", Resource: "namespaces"}, true},
		{authorizationv1.ResourceAttributes{Verb: "list", Resource: "limitranges"}, true},
		{authorizationv1.ResourceAttributes{Verb: "watch", Resource: "serviceaccounts"}, true},
		{authorizationv1.ResourceAttributes{Verb: "list", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}, true},
		{authorizationv1.ResourceAttributes{Verb: "list", Resource: "secrets"}, false},
		{authorizationv1.ResourceAttributes{Verb: "get", Resource: "secrets", Namespace: webhookNS, Name: webhookTLS}, false},
		{authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods"}, false},
		{authorizationv1.ResourceAttributes{Verb: "update", Resource: "namespaces"}, false},
		{authorizationv1.ResourceAttributes{Verb: "create", Resource: "serviceaccounts", Subresource: "token"}, false},
		{authorizationv1.ResourceAttributes{Verb: "list", Group: "rbac.authorization.k8s.io", Resource: "clusterroles"}, false},
	} {
		var got bool
		deadline := time.Now().Add(30 * time.Second)
		for {
			attr := a.attr
			sar := must(cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: webhookSAUser, Groups: rc.Impersonate.Groups, ResourceAttributes: &attr}}, metav1.CreateOptions{}))
			// The authorizer's cache may lag the ClusterRoleBinding just
			// applied: wait for an allowed answer, never for a denial.
			if got = sar.Status.Allowed; got == a.allow || !a.allow || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if got != a.allow {
			t.Errorf("service account may %s %s %s: %v, want %v", a.attr.Verb, a.attr.Group, a.attr.Resource, got, a.allow)
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := webhook.New(webhook.Options{Config: cfg, Registry: reg, Client: sa, CertFile: certFile, KeyFile: keyFile, Listener: ln})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("webhook run: %v", err)
		}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !srv.Ready() {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("the webhook stopped before its informers synced: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the webhook's informers did not sync within 60s with the ServiceAccount's permissions")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// failClosed shows failurePolicy Fail and the namespaceSelector at work
// while nothing serves the webhook's Service.
func failClosed(t *testing.T, ctx context.Context, cs kubernetes.Interface) {
	t.Helper()
	if err := testcluster.Shared.Namespace(ctx, "webhook-locked", nil); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{"kube-system", webhookNS} {
		_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	vwc := must(cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, webhookName, metav1.GetOptions{}))
	if fp := vwc.Webhooks[0].FailurePolicy; fp == nil || *fp != admissionregistrationv1.Fail {
		t.Fatalf("failurePolicy = %v, want Fail", fp)
	}
	no, yes := false, true
	restricted := func(name string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{
			AutomountServiceAccountToken: &no,
			SecurityContext:              &corev1.PodSecurityContext{RunAsNonRoot: &yes, SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1",
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &no, Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}}},
		}}
	}
	// The API server reads the configuration through an informer; the
	// refusal shows once it has. A pod that got through before is deleted
	// and tried again.
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := cs.CoreV1().Pods("webhook-locked").Create(ctx, restricted("refused"), metav1.CreateOptions{})
		if err != nil {
			if !strings.Contains(err.Error(), "failed calling webhook") || !strings.Contains(err.Error(), "validate.webhook.kubestride.io") {
				t.Fatalf("pod in an ordinary namespace: %v, want refused as the webhook could not be called", err)
			}
			break
		}
		_ = cs.CoreV1().Pods("webhook-locked").Delete(ctx, "refused", metav1.DeleteOptions{})
		if time.Now().After(deadline) {
			t.Fatal("a pod was admitted in an ordinary namespace while the webhook (failurePolicy Fail) could not be called")
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, ns := range []string{"kube-system", webhookNS} {
		if _, err := cs.CoreV1().Pods(ns).Create(ctx, restricted("admitted"), metav1.CreateOptions{}); err != nil {
			t.Errorf("pod in %s: %v, want admitted: the namespaceSelector must leave the namespace out", ns, err)
			continue
		}
		if err := cs.CoreV1().Pods(ns).Delete(ctx, "admitted", metav1.DeleteOptions{}); err != nil {
			t.Error(err)
		}
	}
}
