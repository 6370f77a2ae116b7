package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/host/pkitest"
	"github.com/kubestride/kubestride/internal/report"
)

// TestNodeAuditdRules pins the rules printed for the kubeadm fixture node:
// its binaries where it has none (the default place), /etc/kubernetes,
// /var/lib/kubelet and the data directory its etcd flags name.
func TestNodeAuditdRules(t *testing.T) {
	chdirRoot(t)
	out, stderr, code := run(t, "", "node", "auditd-rules", "--root", "internal/nodefs/testdata/kubeadm")
	if code != report.ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, rule := range []string{"-w /usr/bin/kubelet -p wa", "-w /etc/kubernetes -p wa", "-w /var/lib/kubelet -p wa", "-w /var/lib/etcd -p wa"} {
		if !strings.Contains(out, rule+" ") {
			t.Errorf("rules lack %q:\n%s", rule, out)
		}
	}
	golden.Check(t, filepath.Join("internal", "cli", "testdata", "node", "auditd-rules.golden"), []byte(out))
}

// TestNodeVerify: every mismatch, missing and unlisted file is reported
// (exit 1); a list that matches exits 0; a malformed list exits 2.
func TestNodeVerify(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		return hex.EncodeToString(sum[:])
	}
	kubelet := write("usr/bin/kubelet", "kubelet v1.37.2")
	kubeadm := write("usr/bin/kubeadm", "kubeadm v1.37.2")
	write("usr/bin/kubectl", "kubectl, tampered")
	write("usr/bin/backdoor", "not listed")
	kubectl := hex.EncodeToString(func() []byte { s := sha256.Sum256([]byte("kubectl v1.37.2")); return s[:] }())
	list := filepath.Join(t.TempDir(), "SHA256SUMS")
	sums := kubelet + "  /usr/bin/kubelet\n" + kubeadm + "  /usr/bin/kubeadm\n" + kubectl + "  /usr/bin/kubectl\n" + kubelet + "  /usr/bin/kube-proxy\n"
	if err := os.WriteFile(list, []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := run(t, "", "node", "verify", list, "--root", root)
	if code != report.ExitFindings {
		t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, report.ExitFindings, out, stderr)
	}
	for _, line := range []string{
		"MISMATCH  /usr/bin/kubectl: sha256 ",
		"MISSING   /usr/bin/kube-proxy",
		"UNLISTED  /usr/bin/backdoor",
		"2 of 4 listed files match; 1 mismatched, 1 missing, 1 unlisted, 0 errors",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}

	good := filepath.Join(t.TempDir(), "SHA256SUMS")
	if err := os.WriteFile(good, []byte(kubelet+"  /usr/bin/kubelet\n"+kubeadm+"  /usr/bin/kubeadm\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "usr/bin/kubectl")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "usr/bin/backdoor")); err != nil {
		t.Fatal(err)
	}
	if out, _, code := run(t, "", "node", "verify", good, "--root", root); code != report.ExitOK {
		t.Errorf("a matching list: exit %d, want 0:\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "SHA256SUMS")
	if err := os.WriteFile(bad, []byte("not a sum line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, code := run(t, "", "node", "verify", bad, "--root", root); code != report.ExitError || !strings.Contains(out, "line 1") {
		t.Errorf("a malformed list: exit %d, want 2, naming line 1:\n%s", code, out)
	}
}

func TestNodeUsageErrors(t *testing.T) {
	chdirRoot(t)
	for _, args := range [][]string{
		{"node", "--root", "no/such/dir"},
		{"node", "extra-argument"},
		{"node", "verify"},
		{"node", "verify", "no-such-list"},
	} {
		if _, stderr, code := run(t, "", args...); code != report.ExitError || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, stderr)
		}
	}
}

// TestNodeAuditPolicy: the policy printed is an audit Policy that the
// node command's audit-policy checks pass, read from a node as the
// kube-apiserver's --audit-policy-file.
func TestNodeAuditPolicy(t *testing.T) {
	out, _, code := run(t, "", "node", "audit-policy")
	if code != report.ExitOK || !strings.Contains(out, "kind: Policy") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	root := t.TempDir()
	manifest := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.37.2\n    command: [kube-apiserver, --audit-policy-file=/etc/kubernetes/audit/policy.yaml]\n"
	for name, content := range map[string]string{"etc/kubernetes/manifests/kube-apiserver.yaml": manifest, "etc/kubernetes/audit/policy.yaml": out} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, id := range nodeCheckIDs(check.Default()) {
		if strings.HasPrefix(id, "audit-policy-") {
			ids = append(ids, "--check", id)
		}
	}
	if len(ids) < 8 {
		t.Fatalf("audit-policy checks: %v", ids)
	}
	rep, stderr, code := run(t, "", append([]string{"node", "--root", root, "-f", "json"}, ids...)...)
	if code != report.ExitOK {
		t.Fatalf("the recommended policy: exit %d; stderr:\n%s\n%s", code, stderr, rep)
	}
	if r := decodeReport(t, rep); len(r.Findings) != 0 || len(r.Errors) != 0 {
		t.Errorf("the recommended policy: findings %+v, errors %+v", r.Findings, r.Errors)
	}
}

// nodeTree copies the fixture tree name to a new directory and writes into
// it a kubeadm PKI generated now (as of the tests' fixed time) and the
// file modes a node would have: hardened ones, or loose ones for weak.
func nodeTree(t testing.TB, name string, pki pkitest.Options, weak bool) string {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("internal", "cli", "testdata", "node", name))); err != nil {
		t.Fatal(err)
	}
	pki.Now = nodeTestNow
	for p, data := range pkitest.Kubeadm(t, pki) {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".key") {
			mode = 0o600
			if weak && strings.HasSuffix(p, "/ca.key") {
				mode = 0o644
			}
		}
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, mode); err != nil {
			t.Fatal(err)
		}
	}
	etcdMode, confMode := os.FileMode(0o700), os.FileMode(0o600)
	if weak {
		etcdMode, confMode = 0o755, 0o644
	}
	if err := os.MkdirAll(filepath.Join(root, "var/lib/etcd"), etcdMode); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"var/lib/etcd", "etc/kubernetes/enc/enc.yaml"} {
		mode := confMode
		if p == "var/lib/etcd" {
			mode = etcdMode
		}
		if err := os.Chmod(filepath.Join(root, p), mode); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// nodeTestNow is the time the fixture trees' certificates are made at and
// judged at: the tests' fixed time (see run).
var nodeTestNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// TestNodeFixtureTrees audits a weak and a hardened kubeadm node, each
// with a PKI made at test time, against golden reports: the weak one has
// an expired API server certificate, a front-proxy client certificate that
// expires in ten days,
// weak keys, one CA for the cluster, etcd and the front proxy, and loose
// file modes; the hardened one raises nothing high or critical. The
// encryption key written in the weak tree's configuration never appears.
func TestNodeFixtureTrees(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("the fixture trees' files must be owned by root, as a node's are: run as root")
	}
	chdirRoot(t)
	trees := []struct {
		name string
		pki  pkitest.Options
		weak bool
		code int
	}{
		{"weak", pkitest.Options{WeakKeys: true, SharedCA: true, Expired: []string{"apiserver"}, Expiring: []string{"front-proxy-client"}, WeakSA: true}, true, report.ExitFindings},
		{"hardened", pkitest.Options{}, false, report.ExitOK},
	}
	for _, tc := range trees {
		t.Run(tc.name, func(t *testing.T) {
			root := nodeTree(t, tc.name, tc.pki, tc.weak)
			out, stderr, code := run(t, "", "node", "--root", root, "-f", "json")
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			r := decodeReport(t, out)
			if len(r.Errors) > 0 {
				t.Errorf("errors: %+v", r.Errors)
			}
			if strings.Contains(out, "c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ") {
				t.Error("the report prints the encryption key of the configuration")
			}
			if !tc.weak {
				for _, f := range r.Findings {
					if f.Severity >= check.High {
						t.Errorf("the hardened node: %s finding %s: %s", f.Severity, f.ID, f.Message)
					}
				}
			}
			// From the tree itself, so that the paths shown, and the
			// table's columns, do not depend on where it is.
			goldenFile, _ := filepath.Abs(filepath.Join("internal", "cli", "testdata", "node", tc.name+".table.golden"))
			t.Chdir(root)
			table, _, _ := run(t, "", "node", "--root", ".", "-f", "table", "--color", "never")
			golden.Check(t, goldenFile, []byte(table))
		})
	}
}

// TestNodeExemption: a configuration exemption of kind "file" suppresses a
// finding about a node's file, named by its path as read.
func TestNodeExemption(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("the fixture trees' files must be owned by root, as a node's are: run as root")
	}
	chdirRoot(t)
	root := nodeTree(t, "weak", pkitest.Options{}, true)
	cfg := filepath.Join(t.TempDir(), "kubestride.yaml")
	if err := os.WriteFile(cfg, []byte("exemptions:\n- kind: file\n  name: "+filepath.Join(root, "etc/kubernetes/pki/ca.key")+"\n  checks: [pki-private-key-permissions]\n  reason: accepted for the test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, _ := run(t, "", "node", "--root", root, "--config", cfg, "-f", "json", "--check", "pki-private-key-permissions")
	r := decodeReport(t, out)
	suppressed := map[string]bool{}
	for _, f := range r.Findings {
		suppressed[f.Location.File] = f.Suppressed != nil
	}
	if len(r.Findings) != 2 || !suppressed[filepath.Join(root, "etc/kubernetes/pki/ca.key")] || suppressed[filepath.Join(root, "etc/kubernetes/pki/etcd/ca.key")] {
		t.Errorf("findings %+v (suppressed by file: %v), want ca.key suppressed and etcd/ca.key not; stderr:\n%s", r.Findings, suppressed, stderr)
	}
}
