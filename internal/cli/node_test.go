package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/golden"
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
