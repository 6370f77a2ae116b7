package audit

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/auditserve"
	_ "github.com/kubestride/kubestride/internal/checks"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// The burst of denials the incident makes, and the windows both the serve
// server and the report judge it with.
const (
	forbiddenThreshold = 10
	forbiddenWindow    = time.Minute
)

var (
	cluster *testcluster.Cluster
	// serve is the kubestride auditlog serve server the API server sends
	// its batches to; serveLog holds its log lines, serveURL its address
	// and serveClient trusts its certificate.
	serve       *auditserve.Server
	serveLog    = &syncBuffer{}
	serveURL    string
	serveClient *http.Client
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	if os.Getenv("KUBESTRIDE_SKIP_CLUSTER") != "" {
		fmt.Println("testcluster: KUBESTRIDE_SKIP_CLUSTER is set; tests that need a control plane were not run")
		return 0
	}
	dir, err := os.MkdirTemp("", "kubestride-auditserve-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	caPEM, certFile, keyFile, err := writeServingCert(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	serve, err = auditserve.New(auditserve.Options{
		CertFile: certFile, KeyFile: keyFile, Listener: ln,
		Logger:   slog.New(slog.NewJSONHandler(serveLog, nil)),
		Interval: 2 * time.Second,
		Detect:   auditlog.Options{ForbiddenThreshold: forbiddenThreshold, ForbiddenWindow: forbiddenWindow},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			fmt.Fprintf(os.Stderr, "auditlog serve: %v\n", err)
		}
	}()
	serveURL = "https://" + ln.Addr().String()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	serveClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}

	hook := clientcmdapi.NewConfig()
	hook.Clusters["kubestride"] = &clientcmdapi.Cluster{Server: serveURL + auditserve.Path, CertificateAuthorityData: caPEM}
	hook.AuthInfos["apiserver"] = &clientcmdapi.AuthInfo{}
	hook.Contexts["kubestride"] = &clientcmdapi.Context{Cluster: "kubestride", AuthInfo: "apiserver"}
	hook.CurrentContext = "kubestride"
	hookYAML, err := clientcmd.Write(*hook)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cluster, err = testcluster.Start(testcluster.Options{
		Users: []testcluster.User{
			{Name: "alice", Groups: []string{"shop-devs"}}, // reads the shop's secrets
			{Name: "bob", Groups: []string{"support"}},     // may impersonate alice
			{Name: "eve", Groups: []string{"platform"}},    // may bind cluster-admin
			{Name: "mallory"}, // may do nothing
		},
		AuditPolicy:  string(host.RecommendedAuditPolicy()),
		AuditWebhook: string(hookYAML),
		Log:          logFile(),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "testcluster: %v\n", err)
		return 1
	}
	defer cluster.Stop()
	return m.Run()
}

// logFile sends the control plane's output to a file named by
// KUBESTRIDE_CLUSTER_LOG, when set.
func logFile() *os.File {
	if p := os.Getenv("KUBESTRIDE_CLUSTER_LOG"); p != "" {
		if f, err := os.Create(p); err == nil {
			return f
		}
	}
	return nil
}

// writeServingCert writes a CA and a serving certificate for 127.0.0.1
// that it signed; it returns the CA's PEM.
func writeServingCert(dir string) (caPEM []byte, certFile, keyFile string, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", "", err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubestride-e2e-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, "", "", err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, "", "", err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", "", err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kubestride-auditlog-serve"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, "", "", err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, "", "", err
	}
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return nil, "", "", err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return nil, "", "", err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), certFile, keyFile, nil
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
