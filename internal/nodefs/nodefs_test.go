package nodefs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/host"
)

// copyTree copies the fixture tree dir into a new temporary directory.
func copyTree(t *testing.T, dir string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// writePKI writes a certificate or key at every node path the kubeadm
// fixture's flags name, and the other files they point at.
func writePKI(t *testing.T, root string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubernetes"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	crt := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	k := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	files := map[string][]byte{"etc/kubernetes/pki/sa.pub": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
		"etc/kubernetes/kubelet.conf": []byte("apiVersion: v1\nkind: Config\n")}
	for _, name := range []string{"ca", "apiserver", "apiserver-kubelet-client", "apiserver-etcd-client", "front-proxy-ca", "front-proxy-client", "etcd/ca", "etcd/server", "etcd/peer"} {
		files["etc/kubernetes/pki/"+name+".crt"] = crt
		files["etc/kubernetes/pki/"+name+".key"] = k
	}
	files["etc/kubernetes/pki/sa.key"] = k
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := fs.FileMode(0o644)
		if strings.HasSuffix(name, ".key") {
			mode = 0o600
		}
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "var/lib/etcd"), 0o700); err != nil {
		t.Fatal(err)
	}
}

func TestReadKubeadmTree(t *testing.T) {
	root := copyTree(t, "testdata/kubeadm")
	writePKI(t, root)
	res, err := Read(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	var kinds []string
	for _, o := range res.Objects {
		kinds = append(kinds, o.Kind+" "+strings.TrimPrefix(o.Origin.File, root))
	}
	want := []string{
		"KubeletConfiguration /var/lib/kubelet/config.yaml",
		"Pod /etc/kubernetes/manifests/etcd.yaml",
		"Pod /etc/kubernetes/manifests/kube-apiserver.yaml",
		"EncryptionConfiguration /etc/kubernetes/enc/enc.yaml",
		"Policy /etc/kubernetes/audit/policy.yaml",
	}
	if !slices.Equal(kinds, want) {
		t.Errorf("objects = %q, want %q", kinds, want)
	}

	// The kubelet's flags, each where the unit or environment file writes it.
	if len(res.Node.Components) != 1 || res.Node.Components[0].Name != host.Kubelet {
		t.Fatalf("components = %+v, want the kubelet", res.Node.Components)
	}
	kubelet := res.Node.Components[0]
	dropIn := filepath.Join(root, "etc/systemd/system/kubelet.service.d/10-kubeadm.conf")
	env := filepath.Join(root, "var/lib/kubelet/kubeadm-flags.env")
	for _, tc := range []struct {
		name, value, file string
		line              int
	}{
		{"bootstrap-kubeconfig", "/etc/kubernetes/bootstrap-kubelet.conf", dropIn, 3},
		{"config", "/var/lib/kubelet/config.yaml", dropIn, 4},
		{"container-runtime-endpoint", "unix:///var/run/containerd/containerd.sock", env, 1},
		{"read-only-port", "10255", env, 1},
	} {
		f, ok := kubelet.Flag(tc.name)
		if !ok || f.Value != tc.value || f.File != tc.file || f.Line != tc.line {
			t.Errorf("kubelet --%s = %+v (set: %v), want %q at %s:%d", tc.name, f, ok, tc.value, tc.file, tc.line)
		}
	}
	if kubelet.Source != dropIn {
		t.Errorf("kubelet source = %q, want the drop-in that runs it", kubelet.Source)
	}

	// File metadata, by node path, shown under the root.
	fi, ok := res.Node.Files["/etc/kubernetes/pki/ca.key"]
	if !ok || fi.Mode.Perm() != 0o600 || fi.Path != filepath.Join(root, "etc/kubernetes/pki/ca.key") || fi.UID != os.Getuid() {
		t.Errorf("Files[ca.key] = %+v (read: %v), want mode 0600 owned by uid %d", fi, ok, os.Getuid())
	}
	if fi := res.Node.Files["/var/lib/etcd"]; !fi.Mode.IsDir() || fi.Mode.Perm() != 0o700 {
		t.Errorf("Files[/var/lib/etcd] = %+v, want a directory of mode 0700", fi)
	}
	if !res.Node.AuditRulesRead {
		t.Error("the auditd rules were not read")
	}
}

func TestReadErrors(t *testing.T) {
	root := copyTree(t, "testdata/kubeadm")
	writePKI(t, root)
	apiserver := filepath.Join(root, "etc/kubernetes/manifests/kube-apiserver.yaml")
	// A flag that points at a missing file, one with a relative path, and
	// a configuration file that is a symbolic link out of the tree.
	data, _ := os.ReadFile(apiserver)
	data = []byte(strings.Replace(string(data), "--audit-policy-file=/etc/kubernetes/audit/policy.yaml", "--audit-policy-file=/etc/kubernetes/audit/missing.yaml", 1))
	data = []byte(strings.Replace(string(data), "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt", "--tls-cert-file=pki/apiserver.crt", 1))
	if err := os.WriteFile(apiserver, data, 0o644); err != nil {
		t.Fatal(err)
	}
	enc := filepath.Join(root, "etc/kubernetes/enc/enc.yaml")
	if err := os.Remove(enc); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", enc); err != nil {
		t.Fatal(err)
	}
	res, err := Read(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Errors {
		got = append(got, strings.ReplaceAll(e.File, root, "ROOT")+":"+strconv.Itoa(e.Line)+": "+strings.ReplaceAll(e.Message, root, "ROOT"))
	}
	want := []string{
		"ROOT/etc/kubernetes/manifests/kube-apiserver.yaml:21: kube-apiserver --encryption-provider-config: ROOT/etc/kubernetes/enc/enc.yaml: path escapes from parent",
		"ROOT/etc/kubernetes/manifests/kube-apiserver.yaml:22: kube-apiserver --audit-policy-file: ROOT/etc/kubernetes/audit/missing.yaml: no such file or directory",
		"ROOT/etc/kubernetes/manifests/kube-apiserver.yaml:43: kube-apiserver --tls-cert-file=pki/apiserver.crt: a relative path, read from the component's working directory, which kubestride cannot know",
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := Read(Options{Root: filepath.Join(root, "nothing")}); err == nil || !strings.Contains(err.Error(), "--root") {
		t.Errorf("Read of a missing root: error %v, want one naming --root", err)
	}
}

func TestReadProcesses(t *testing.T) {
	proc := t.TempDir()
	for pid, cmdline := range map[string]string{
		"812":  "/usr/local/bin/kube-apiserver\x00--anonymous-auth\x00false\x00--secure-port=6443\x00",
		"77":   "etcd\x00--data-dir=/var/lib/etcd\x00",
		"9":    "/bin/bash\x00-c\x00kube-apiserver\x00",
		"self": "kubestride\x00",
		"1000": "",
	} {
		if err := os.MkdirAll(filepath.Join(proc, pid), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proc, pid, "cmdline"), []byte(cmdline), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Read(Options{Root: t.TempDir(), Proc: true, ProcDir: proc})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Node.Components {
		got = append(got, c.String()+" "+c.Source+" anonymous-auth="+c.Value("anonymous-auth", "unset"))
	}
	want := []string{
		"etcd (process 77) " + filepath.Join(proc, "77/cmdline") + " anonymous-auth=unset",
		"kube-apiserver (process 812) " + filepath.Join(proc, "812/cmdline") + " anonymous-auth=true",
	}
	if !slices.Equal(got, want) {
		t.Errorf("components:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// /var/lib/etcd does not exist under the empty root.
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "etcd --data-dir") {
		t.Errorf("errors = %v, want the missing data dir", res.Errors)
	}
}

// TestReadNothing: a root that holds no node is an error that says so,
// never an audit that passes.
func TestReadNothing(t *testing.T) {
	root := t.TempDir()
	res, err := Read(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "no Kubernetes node to audit") || res.Errors[0].File != root {
		t.Errorf("errors = %+v, want one saying there is no node under %s", res.Errors, root)
	}
}

// TestReadProcessesUnderRoot: without ProcDir, the processes are read from
// proc under the root, as a pod that mounts the node's / at /host and its
// /proc at /host/proc sees them, and the files their flags name are read
// under the root too.
func TestReadProcessesUnderRoot(t *testing.T) {
	root := t.TempDir()
	for p, data := range map[string]string{
		"proc/4242/cmdline":  "/usr/local/bin/etcd\x00--data-dir=/var/lib/etcd\x00",
		"proc/4243/cmdline":  "/usr/bin/containerd\x00",
		"var/lib/etcd/.keep": "",
	} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Read(Options{Root: root, Proc: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 {
		t.Errorf("errors = %v, want none", res.Errors)
	}
	if len(res.Node.Components) != 1 {
		t.Fatalf("components = %v, want etcd (process 4242)", res.Node.Components)
	}
	c := res.Node.Components[0]
	if c.String() != "etcd (process 4242)" || c.Source != filepath.Join(root, "proc/4242/cmdline") {
		t.Errorf("component = %s from %s, want etcd (process 4242) from %s", c, c.Source, filepath.Join(root, "proc/4242/cmdline"))
	}
	if fi := res.Node.Files["/var/lib/etcd"]; fi.Missing || fi.Path != filepath.Join(root, "var/lib/etcd") || fi.Mode.Perm() != 0o700 {
		t.Errorf("data dir = %+v, want mode 700 at %s", fi, filepath.Join(root, "var/lib/etcd"))
	}
}

// TestPrivateKeyAsVerificationKey: the API server reads the public half of
// a private key given in --service-account-key-file (the test cluster gives
// the same file to both key flags); it is read as the private key it is,
// never an error.
func TestPrivateKeyAsVerificationKey(t *testing.T) {
	root := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cmdline := "kube-apiserver\x00--service-account-key-file=/srv/sa.key\x00--service-account-signing-key-file=/srv/sa.key\x00"
	for p, data := range map[string][]byte{
		"proc/31/cmdline": []byte(cmdline),
		"srv/sa.key":      pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}),
	} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Read(Options{Root: root, Proc: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 {
		t.Errorf("errors = %v, want none", res.Errors)
	}
	// Keys are known by their path on the node, as the flags name them.
	if len(res.Node.Keys) != 1 || res.Node.Keys[0].Path != "/srv/sa.key" || res.Node.Keys[0].Key.Algorithm != "ECDSA" {
		t.Errorf("keys = %+v, want the ECDSA key of /srv/sa.key", res.Node.Keys)
	}
	if len(res.Node.PublicKeys) != 0 {
		t.Errorf("public keys = %+v, want none (the file holds a private key only)", res.Node.PublicKeys)
	}
}
