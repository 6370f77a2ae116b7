package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixPod = `apiVersion: v1
kind: Pod
metadata:
  name: p # the pod
  namespace: ns
spec:
  containers:
  - name: app
    image: nginx
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFixInPlace(t *testing.T) {
	dir := writeFiles(t, map[string]string{"app/pod.yaml": fixPod, "notes.txt": "{{ not yaml"})
	stdout, stderr, code := run(t, "", "fix", "--check", "pss-allow-privilege-escalation", dir)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	got := readFile(t, filepath.Join(dir, "app/pod.yaml"))
	want := fixPod + "    securityContext:\n      allowPrivilegeEscalation: false\n"
	if got != want {
		t.Errorf("file after fix:\n%s\nwant:\n%s", got, want)
	}
	for _, s := range []string{"pod.yaml: 1 change, findings 1 -> 0", `Pod ns/p: container "app": securityContext.allowPrivilegeEscalation=false (pss-allow-privilege-escalation)`, "1 file changed"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}
	if readFile(t, filepath.Join(dir, "notes.txt")) != "{{ not yaml" {
		t.Error("a file that is not YAML was touched")
	}
	// A second run has nothing left to do.
	stdout, _, code = run(t, "", "fix", "--check", "pss-allow-privilege-escalation", dir)
	if code != 0 || !strings.Contains(stdout, "0 files changed") {
		t.Errorf("second run: exit %d, stdout %s", code, stdout)
	}
}

func TestFixDiffAndDryRunWriteNothing(t *testing.T) {
	dir := writeFiles(t, map[string]string{"pod.yaml": fixPod})
	p := filepath.Join(dir, "pod.yaml")
	stdout, stderr, code := run(t, "", "fix", "--diff", "--check", "service-account-token-automount", p)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if !strings.Contains(stdout, "--- a/"+p) || !strings.Contains(stdout, "+  automountServiceAccountToken: false") {
		t.Errorf("diff:\n%s", stdout)
	}
	if !strings.Contains(stderr, "1 file to change") {
		t.Errorf("stderr: %s", stderr)
	}
	if _, _, code := run(t, "", "fix", "--dry-run", p); code != 0 {
		t.Errorf("dry run: exit %d", code)
	}
	if readFile(t, p) != fixPod {
		t.Error("--diff or --dry-run changed the file")
	}
}

func TestFixRefusesTemplatesAndBadYAML(t *testing.T) {
	tmpl := strings.Replace(fixPod, "nginx", "{{ .Values.image }}", 1)
	bad := strings.Replace(fixPod, "nginx", "[nginx", 1)
	dir := writeFiles(t, map[string]string{"chart/templates/pod.yaml": tmpl, "bad.yaml": bad, "good.yaml": fixPod})
	_, stderr, code := run(t, "", "fix", dir)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	for _, s := range []string{filepath.Join(dir, "chart/templates/pod.yaml") + ": a template", filepath.Join(dir, "bad.yaml") + ":9"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	if readFile(t, filepath.Join(dir, "chart/templates/pod.yaml")) != tmpl || readFile(t, filepath.Join(dir, "bad.yaml")) != bad {
		t.Error("a refused file was touched")
	}
	if readFile(t, filepath.Join(dir, "good.yaml")) == fixPod {
		t.Error("the good file beside them was not fixed")
	}
}

func TestFixUsage(t *testing.T) {
	for _, args := range [][]string{
		{"fix"},
		{"fix", "--dry-run", "--diff", "x.yaml"},
		{"fix", "--check", "pss-privileged", "x.yaml"},
		{"fix", "-"},
	} {
		if _, _, code := run(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
