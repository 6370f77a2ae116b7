package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/image/imagetest"
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

func TestFixPinDigests(t *testing.T) {
	reg := imagetest.Start(t)
	appV1 := imagetest.Push(t, reg.Ref("app", ":v1"), imagetest.Image(t, imagetest.ImageOptions{}))
	tool := imagetest.Push(t, reg.Ref("tool", ":latest"), imagetest.Image(t, imagetest.ImageOptions{}))
	pinnedApp := reg.Ref("app", ":v1@"+appV1.String())
	pinnedTool := reg.Ref("tool", ":latest@"+tool.String())
	deploy := `# the deployment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: ns
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      initContainers:
      - name: init
        image: "` + reg.Ref("tool", "") + `" # no tag: latest
      containers:
      - name: app
        image: ` + reg.Ref("app", ":v1") + `
      - name: pinned
        image: ` + pinnedApp + `
`
	// A second document, with flow-style containers.
	pods := `apiVersion: v1
kind: Namespace
metadata: {name: ns}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec: {containers: [{name: a, image: '` + reg.Ref("app", ":v1") + `'}]}
`
	dir := writeFiles(t, map[string]string{"deploy.yaml": deploy, "pods.yaml": pods})
	wantDeploy := strings.Replace(strings.Replace(deploy, `"`+reg.Ref("tool", "")+`"`, `"`+pinnedTool+`"`, 1), "image: "+reg.Ref("app", ":v1")+"\n", "image: "+pinnedApp+"\n", 1)
	wantPods := strings.Replace(pods, "'"+reg.Ref("app", ":v1")+"'", "'"+pinnedApp+"'", 1)

	// --diff writes nothing and shows the pins.
	stdout, stderr, code := run(t, "", "fix", "--diff", "--pin-digests", "--check", "image-not-pinned,image-latest-tag", dir)
	if code != 0 {
		t.Fatalf("--diff: exit %d, stderr %s", code, stderr)
	}
	for _, s := range []string{"-        image: " + reg.Ref("app", ":v1"), "+        image: " + pinnedApp, `+        image: "` + pinnedTool + `" # no tag: latest`, "+spec: {containers: [{name: a, image: '" + pinnedApp + "'}]}"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("diff lacks %q:\n%s", s, stdout)
		}
	}
	if readFile(t, filepath.Join(dir, "deploy.yaml")) != deploy || readFile(t, filepath.Join(dir, "pods.yaml")) != pods {
		t.Fatal("--diff changed a file")
	}

	stdout, stderr, code = run(t, "", "fix", "--pin-digests", "--check", "image-not-pinned,image-latest-tag", dir)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if got := readFile(t, filepath.Join(dir, "deploy.yaml")); got != wantDeploy {
		t.Errorf("deploy.yaml:\n%s\nwant:\n%s", got, wantDeploy)
	}
	if got := readFile(t, filepath.Join(dir, "pods.yaml")); got != wantPods {
		t.Errorf("pods.yaml:\n%s\nwant:\n%s", got, wantPods)
	}
	for _, s := range []string{`Deployment ns/d: init container "init": image=` + pinnedTool + " (image-not-pinned)", "2 files changed"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}
	// A re-scan shows no image finding left.
	stdout, _, _ = run(t, "", "scan", "--format", "json", dir)
	for _, f := range decodeReport(t, stdout).Findings {
		if f.ID == "image-not-pinned" || f.ID == "image-latest-tag" {
			t.Errorf("after the fix: %s on %s: %s", f.ID, f.Resource.Name, f.Message)
		}
	}
}

func TestFixPinDigestsUnreachable(t *testing.T) {
	reg := imagetest.Start(t)
	reg.Close()
	img := reg.Ref("app", ":v1")
	text := strings.Replace(fixPod, "image: nginx", "image: "+img, 1)
	dir := writeFiles(t, map[string]string{"pod.yaml": text})
	p := filepath.Join(dir, "pod.yaml")
	_, stderr, code := run(t, "", "fix", "--pin-digests", "--resolve-timeout", "5s", "--check", "image-not-pinned", p)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	want := "kubestride: " + p + `: Pod ns/p: container "app": image "` + img + `" left as written: image "` + img + `": registry ` + reg.Host + " is unreachable"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	if readFile(t, p) != text {
		t.Error("the file changed")
	}
}

func TestFixPinDigestsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"fix", "--check", "image-not-pinned", "x.yaml"},
		{"fix", "--pin-digests", "--resolve-timeout", "0s", "x.yaml"},
	} {
		if _, stderr, code := run(t, "", args...); code != 2 || !strings.Contains(stderr, "pin") && !strings.Contains(stderr, "resolve-timeout") {
			t.Errorf("%v: exit %d, stderr %s", args, code, stderr)
		}
	}
	// Without the flag, the images are left alone and no registry is asked.
	reg := imagetest.Start(t)
	reg.Close()
	text := strings.Replace(fixPod, "image: nginx", "image: "+reg.Ref("app", ":v1"), 1)
	dir := writeFiles(t, map[string]string{"pod.yaml": text})
	if _, stderr, code := run(t, "", "fix", dir); code != 0 || strings.Contains(stderr, "unreachable") {
		t.Errorf("without --pin-digests: exit %d, stderr %s", code, stderr)
	}
	if strings.Contains(readFile(t, filepath.Join(dir, "pod.yaml")), "@sha256") {
		t.Error("an image was pinned without --pin-digests")
	}
}
