package testcluster

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Versions of the binaries hack/cluster-bins.sh builds.
const (
	KubernetesVersion = "v1.37.2"
	EtcdVersion       = "v3.7.3"
)

// User is a static-token identity of the test cluster.
type User struct {
	Name   string
	Groups []string
}

// Options configure Start.
type Options struct {
	// Users are the identities besides the administrator.
	Users []User
	// Log receives the control plane's output; nil discards it.
	Log *os.File
	// AuditPolicy, when set, is an audit.k8s.io/v1 Policy (YAML): the API
	// server writes its audit log to Cluster.AuditLog.
	AuditPolicy string
	// AuditWebhook, when set, is a kubeconfig file's content naming the
	// audit webhook the API server sends its event batches to (it needs
	// AuditPolicy too). Batches are sent at least every second.
	AuditWebhook string
	// APIServerArgs are further kube-apiserver flags (files they name are
	// written by the caller beforehand).
	APIServerArgs []string
}

// Cluster is a running control plane.
type Cluster struct {
	// Dir holds the cluster's state, certificates and kubeconfig.
	Dir string
	// Host is the API server's URL.
	Host string
	// Kubeconfig is a kubeconfig file with a context per identity: "admin"
	// (the current one) and one named after each user.
	Kubeconfig string
	// AuditLog is the API server's audit log file, when Options.AuditPolicy
	// was set.
	AuditLog string

	caFile string
	tokens map[string]string
	// clientCA signs the client certificates of CertConfig.
	clientCA    *x509.Certificate
	clientCAKey *ecdsa.PrivateKey
	etcd        *exec.Cmd
	api         *exec.Cmd
	waitAPI     chan error
}

// BinDir returns the folder holding kube-apiserver and etcd.
func BinDir() (string, error) {
	for _, env := range []string{"KUBESTRIDE_CLUSTER_BINS", "KUBEBUILDER_ASSETS"} {
		if d := os.Getenv(env); d != "" {
			return d, nil
		}
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the cluster binaries: %w", err)
		}
		cache = filepath.Join(home, ".cache")
	}
	d := filepath.Join(cache, "kubestride", "k8s-"+KubernetesVersion+"-etcd-"+EtcdVersion)
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(d, b)); err != nil {
			return "", fmt.Errorf("no %s in %s: run hack/cluster-bins.sh (or set KUBESTRIDE_CLUSTER_BINS)", b, d)
		}
	}
	return d, nil
}

// Start starts etcd and kube-apiserver and waits until the API server is
// ready.
func Start(opts Options) (c *Cluster, err error) {
	bins, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "kubestride-cluster-")
	if err != nil {
		return nil, err
	}
	started := &Cluster{Dir: dir, tokens: map[string]string{}}
	c = started
	defer func() {
		// On an error c is nil (each return sets it): stop what was
		// started through the pointer kept aside.
		if err != nil {
			started.Stop()
		}
	}()
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	c.etcd = exec.Command(filepath.Join(bins, "etcd"),
		"--name=default", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=default="+peerURL, "--unsafe-no-fsync", "--log-level=error")
	c.etcd.Stdout, c.etcd.Stderr = opts.Log, opts.Log
	// Both processes die with the test process, even when it panics.
	c.etcd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := c.etcd.Start(); err != nil {
		return nil, fmt.Errorf("start etcd: %w", err)
	}
	if err := waitHTTP(etcdURL+"/health", nil, 60*time.Second); err != nil {
		return nil, fmt.Errorf("etcd did not become healthy: %w", err)
	}

	keyFile := filepath.Join(dir, "sa.key")
	if err := writeKey(keyFile); err != nil {
		return nil, err
	}
	clientCAFile := filepath.Join(dir, "client-ca.crt")
	if err := c.writeClientCA(clientCAFile); err != nil {
		return nil, err
	}
	users := append([]User{{Name: "admin", Groups: []string{"system:masters"}}}, opts.Users...)
	var csv strings.Builder
	for i, u := range users {
		tok := token()
		c.tokens[u.Name] = tok
		fmt.Fprintf(&csv, "%s,%s,uid-%d,\"%s\"\n", tok, u.Name, i, strings.Join(u.Groups, ","))
	}
	tokenFile := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(csv.String()), 0o600); err != nil {
		return nil, err
	}
	certDir := filepath.Join(dir, "certs")
	c.Host = fmt.Sprintf("https://127.0.0.1:%d", ports[2])
	args, err := c.auditArgs(opts)
	if err != nil {
		return nil, err
	}
	args = append(args, opts.APIServerArgs...)
	c.api = exec.Command(filepath.Join(bins, "kube-apiserver"), append([]string{
		"--etcd-servers=" + etcdURL,
		"--cert-dir=" + certDir,
		fmt.Sprintf("--secure-port=%d", ports[2]),
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none",
		"--service-cluster-ip-range=10.0.0.0/24",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + keyFile,
		"--service-account-signing-key-file=" + keyFile,
		"--token-auth-file=" + tokenFile,
		"--client-ca-file=" + clientCAFile,
		"--authorization-mode=RBAC",
		"--allow-privileged=true",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
	}, args...)...)
	c.api.Stdout, c.api.Stderr = opts.Log, opts.Log
	c.api.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := c.api.Start(); err != nil {
		return nil, fmt.Errorf("start kube-apiserver: %w", err)
	}
	c.waitAPI = make(chan error, 1)
	go func() { c.waitAPI <- c.api.Wait() }()
	c.caFile = filepath.Join(certDir, "apiserver.crt")
	if err := c.waitReady(90 * time.Second); err != nil {
		return nil, err
	}
	if err := c.writeKubeconfig(users); err != nil {
		return nil, err
	}
	return c, nil
}

// auditArgs writes the audit policy and webhook configuration of opts in
// the cluster's folder and returns the flags that name them.
func (c *Cluster) auditArgs(opts Options) ([]string, error) {
	if opts.AuditPolicy == "" {
		if opts.AuditWebhook != "" {
			return nil, errors.New("an audit webhook needs an audit policy")
		}
		return nil, nil
	}
	policy := filepath.Join(c.Dir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(opts.AuditPolicy), 0o600); err != nil {
		return nil, err
	}
	c.AuditLog = filepath.Join(c.Dir, "audit.log")
	args := []string{
		"--audit-policy-file=" + policy,
		"--audit-log-path=" + c.AuditLog,
		// Events are written as they happen, so a test can read them
		// back as soon as its request returned.
		"--audit-log-mode=blocking",
	}
	if opts.AuditWebhook != "" {
		hook := filepath.Join(c.Dir, "audit-webhook.kubeconfig")
		if err := os.WriteFile(hook, []byte(opts.AuditWebhook), 0o600); err != nil {
			return nil, err
		}
		args = append(args,
			"--audit-webhook-config-file="+hook,
			"--audit-webhook-mode=batch",
			"--audit-webhook-batch-max-wait=1s",
			"--audit-webhook-initial-backoff=1s",
		)
	}
	return args, nil
}

func (c *Cluster) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-c.waitAPI:
			return fmt.Errorf("kube-apiserver exited before it was ready: %v", err)
		default:
		}
		if _, err := os.Stat(c.caFile); err == nil {
			cfg := c.Config("admin")
			rt, err := rest.TransportFor(cfg)
			if err == nil && waitHTTP(c.Host+"/readyz", rt, time.Second) == nil {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("kube-apiserver was not ready in time")
}

// Config returns a client configuration for a user ("admin" or one given in
// Options.Users).
func (c *Cluster) Config(user string) *rest.Config {
	return &rest.Config{
		Host:            c.Host,
		BearerToken:     c.tokens[user],
		TLSClientConfig: rest.TLSClientConfig{CAFile: c.caFile},
		QPS:             1000,
		Burst:           2000,
		WarningHandler:  rest.NoWarnings{},
	}
}

// CertConfig returns a client configuration that authenticates as user,
// member of groups, with a client certificate the cluster's client CA signs:
// any identity a test makes up, with its own credential (a request made with
// it may impersonate, which an impersonated one may not).
func (c *Cluster) CertConfig(user string, groups []string) (*rest.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: user, Organization: groups},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.clientCA, &key.PublicKey, c.clientCAKey)
	if err != nil {
		return nil, fmt.Errorf("sign a client certificate for %s: %w", user, err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	cfg := c.Config("")
	cfg.BearerToken = ""
	cfg.CertData = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	cfg.KeyData = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	return cfg, nil
}

// writeClientCA makes the CA that signs CertConfig's certificates and
// writes its certificate to file, for --client-ca-file.
func (c *Cluster) writeClientCA(file string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "kubestride-testcluster-client-ca"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("make the client CA: %w", err)
	}
	if c.clientCA, err = x509.ParseCertificate(der); err != nil {
		return err
	}
	c.clientCAKey = key
	return os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

// Client returns a clientset for a user.
func (c *Cluster) Client(user string) (kubernetes.Interface, error) {
	return kubernetes.NewForConfig(c.Config(user))
}

func (c *Cluster) writeKubeconfig(users []User) error {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["test"] = &clientcmdapi.Cluster{Server: c.Host, CertificateAuthority: c.caFile}
	for _, u := range users {
		kc.AuthInfos[u.Name] = &clientcmdapi.AuthInfo{Token: c.tokens[u.Name]}
		kc.Contexts[u.Name] = &clientcmdapi.Context{Cluster: "test", AuthInfo: u.Name}
	}
	kc.CurrentContext = "admin"
	c.Kubeconfig = filepath.Join(c.Dir, "kubeconfig")
	return clientcmd.WriteToFile(*kc, c.Kubeconfig)
}

// Namespace creates a namespace with labels, and its default
// ServiceAccount (there is no controller manager to create it).
func (c *Cluster) Namespace(ctx context.Context, name string, labels map[string]string) error {
	cs, err := c.Client("admin")
	if err != nil {
		return err
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	if _, err := cs.CoreV1().ServiceAccounts(name).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create default service account in %s: %w", name, err)
	}
	return nil
}

// PIDs returns the process IDs of the API server and etcd, whose command
// lines (/proc/PID/cmdline) hold the flags Start gave them.
func (c *Cluster) PIDs() (apiserver, etcd int) {
	return c.api.Process.Pid, c.etcd.Process.Pid
}

// Stop stops the API server, then etcd, and removes the cluster's files.
func (c *Cluster) Stop() {
	if c.api != nil && c.api.Process != nil {
		_ = c.api.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.waitAPI:
		case <-time.After(20 * time.Second):
			_ = c.api.Process.Kill()
			<-c.waitAPI
		}
	}
	if c.etcd != nil && c.etcd.Process != nil {
		_ = c.etcd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = c.etcd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = c.etcd.Process.Kill()
			<-done
		}
	}
	if c.Dir != "" {
		_ = os.RemoveAll(c.Dir)
	}
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func waitHTTP(url string, rt http.RoundTripper, timeout time.Duration) error {
	client := &http.Client{Transport: rt, Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	var last error
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("%s: %s", url, resp.Status)
		}
		last = err
		if time.Now().After(deadline) {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func writeKey(file string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	block := &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}
	return os.WriteFile(file, pem.EncodeToMemory(block), 0o600)
}

func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Kubectl runs the kubectl that hack/cluster-bins.sh builds beside the
// control plane's binaries, as user (a context of Kubeconfig), with stdin
// as its input, and returns what it printed on stdout and stderr. err is
// kubectl's exit status, when it failed.
func (c *Cluster) Kubectl(ctx context.Context, user string, stdin []byte, args ...string) (stdout, stderr string, err error) {
	bins, err := BinDir()
	if err != nil {
		return "", "", err
	}
	kubectl := filepath.Join(bins, "kubectl")
	if _, err := os.Stat(kubectl); err != nil {
		return "", "", fmt.Errorf("no kubectl in %s: run hack/cluster-bins.sh", bins)
	}
	cmd := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig=" + c.Kubeconfig, "--context=" + user}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}
