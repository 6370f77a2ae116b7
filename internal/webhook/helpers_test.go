package webhook

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/check"
	_ "github.com/kubestride/kubestride/internal/checks" // the built-in catalogue
	"github.com/kubestride/kubestride/internal/config"
)

// testNow is the time the tests judge exemptions at.
var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// writeCert writes a self-signed certificate for 127.0.0.1 and its key
// into dir, with the serial number serial, and returns their paths.
func writeCert(t testing.TB, dir string, serial int64) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "kubestride-webhook"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	// Written beside and renamed, as a Secret volume swaps its files.
	for _, f := range []struct {
		path string
		data []byte
	}{
		{certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})},
		{keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})},
	} {
		if err := os.WriteFile(f.path+".new", f.data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(f.path+".new", f.path); err != nil {
			t.Fatal(err)
		}
		// A modification time of its own for each serial, whatever the
		// file system's granularity.
		mod := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(serial) * time.Minute)
		if err := os.Chtimes(f.path, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile
}

func namespace(name string, labels map[string]string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

// testServer builds a Server over a fake clientset holding objs, with the
// configuration cfgYAML, its informers started and synced.
func testServer(t testing.TB, cfgYAML string, objs ...runtime.Object) *Server {
	t.Helper()
	return testServerWith(t, cfgYAML, func(*Options) {}, objs...)
}

func testServerWith(t testing.TB, cfgYAML string, tweak func(*Options), objs ...runtime.Object) *Server {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgYAML), check.Default())
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	certFile, keyFile := writeCert(t, t.TempDir(), 1)
	opts := Options{
		Config: cfg, Client: fake.NewClientset(objs...), CertFile: certFile, KeyFile: keyFile,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return testNow },
	}
	tweak(&opts)
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s.cluster.start(ctx)
	if !s.cluster.waitForSync(ctx) {
		t.Fatal("informers did not sync")
	}
	s.ready.Store(true)
	return s
}

// tlsClient serves s over TLS with httptest and returns its URL and a
// client that trusts it.
func tlsClient(t testing.TB, s *Server) (string, *http.Client) {
	t.Helper()
	ts := httptest.NewUnstartedServer(s.Handler())
	// The server's own TLS configuration serves the certificate (httptest's
	// StartTLS would put its own first).
	ts.Listener = tls.NewListener(ts.Listener, s.TLSConfig())
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()
	t.Cleanup(ts.Close)
	return strings.Replace(ts.URL, "http://", "https://", 1), &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 10 * time.Second}
}

// request builds an AdmissionRequest for the object in manifest (YAML).
func request(t testing.TB, op admissionv1.Operation, ns, manifest string) *admissionv1.AdmissionRequest {
	t.Helper()
	raw, err := sigsyaml.YAMLToJSON([]byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		t.Fatal(err)
	}
	group, version := "", head.APIVersion
	if i := bytes.IndexByte([]byte(head.APIVersion), '/'); i >= 0 {
		group, version = head.APIVersion[:i], head.APIVersion[i+1:]
	}
	resources := map[string]string{"Pod": "pods", "Deployment": "deployments", "CronJob": "cronjobs", "ConfigMap": "configmaps", "Rollout": "rollouts", "DaemonSet": "daemonsets"}
	return &admissionv1.AdmissionRequest{
		UID:       types.UID("uid-" + head.Metadata.Name),
		Kind:      metav1.GroupVersionKind{Group: group, Version: version, Kind: head.Kind},
		Resource:  metav1.GroupVersionResource{Group: group, Version: version, Resource: resources[head.Kind]},
		Name:      head.Metadata.Name,
		Namespace: ns,
		Operation: op,
		UserInfo:  authUser("alice"),
		Object:    runtime.RawExtension{Raw: raw},
	}
}

func authUser(name string, groups ...string) authenticationv1.UserInfo {
	return authenticationv1.UserInfo{Username: name, Groups: append(groups, "system:authenticated")}
}

// reviewBody encodes req as an AdmissionReview.
func reviewBody(t testing.TB, req *admissionv1.AdmissionRequest) []byte {
	t.Helper()
	b, err := json.Marshal(admissionv1.AdmissionReview{TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}, Request: req})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// send posts req to url/validate and returns the response.
func send(t testing.TB, url string, c *http.Client, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	t.Helper()
	resp, err := c.Post(url+"/validate", "application/json", bytes.NewReader(reviewBody(t, req)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if out.Response == nil || out.Response.UID != req.UID {
		t.Fatalf("response does not echo the UID %q: %s", req.UID, body)
	}
	return out.Response
}

// message returns a response's denial message, "" when allowed.
func message(r *admissionv1.AdmissionResponse) string {
	if r.Allowed || r.Result == nil {
		return ""
	}
	return r.Result.Message
}

func newPoliciesFrom(t testing.TB, cfgYAML string) (*policies, error) {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgYAML), check.Default())
	if err != nil {
		return nil, err
	}
	return newPolicies(cfg, check.Default())
}

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o600) }
