package audit

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/auditserve"
	_ "github.com/kubestride/kubestride/internal/checks"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/servecert"
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
	caPEM, certFile, keyFile, err := servecert.WriteLoopback(dir, "kubestride-auditlog-serve")
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
