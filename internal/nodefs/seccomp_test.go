package nodefs

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestReadSeccompProfiles(t *testing.T) {
	root := copyTree(t, "testdata/seccomp")
	res, err := Read(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	n := res.Node
	if !n.SeccompRead || n.SeccompDir != "/var/lib/kubelet/seccomp" {
		t.Errorf("SeccompRead = %v, SeccompDir = %q, want the default directory read", n.SeccompRead, n.SeccompDir)
	}
	var got []string
	for _, p := range n.SeccompProfiles {
		got = append(got, p.Name+" "+p.DefaultAction)
	}
	slices.Sort(got)
	want := []string{
		"profiles/allow-but-mount.json SCMP_ACT_ALLOW",
		"profiles/audit.json SCMP_ACT_LOG",
		"runtime-default.json SCMP_ACT_ERRNO",
	}
	if !slices.Equal(got, want) {
		t.Errorf("profiles = %q, want %q", got, want)
	}
	if p, ok := n.SeccompProfile("profiles/../runtime-default.json"); !ok || !p.Blocks() || p.Line != 2 || p.Rules != 4 || p.Names != 78 {
		t.Errorf("runtime-default.json = %+v, %v; want a blocking profile of 4 rules naming 78 calls, found by its cleaned name", p, ok)
	}
	if p, _ := n.SeccompProfile("profiles/audit.json"); p.Blocks() || p.Path != "/var/lib/kubelet/seccomp/profiles/audit.json" || p.Line != 2 {
		t.Errorf("audit.json = %+v, want a non-blocking profile at line 2", p)
	}
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, strings.TrimPrefix(e.File, root)+":"+strconv.Itoa(e.Line)+": "+e.Message)
	}
	slices.Sort(errs)
	wantErrs := []string{
		"/var/lib/kubelet/seccomp/profiles/bad-field.json:3: seccomp profile: field syscalls: object where a list is expected",
		"/var/lib/kubelet/seccomp/profiles/broken.json:8: seccomp profile: not JSON: invalid character ']' looking for beginning of value",
	}
	if !slices.Equal(errs, wantErrs) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(errs, "\n"), strings.Join(wantErrs, "\n"))
	}
}

func TestReadSeccompRootDir(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"etc/systemd/system/kubelet.service":   "[Service]\nExecStart=/usr/bin/kubelet --root-dir=/data/kubelet --config=/data/kubelet/config.yaml\n",
		"data/kubelet/config.yaml":             "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
		"data/kubelet/seccomp/log.json":        `{"defaultAction":"SCMP_ACT_LOG"}`,
		"data/kubelet/seccomp/.hidden/x.json":  `not a profile`,
		"var/lib/kubelet/seccomp/ignored.json": `{"defaultAction":"SCMP_ACT_ALLOW"}`,
	}
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Read(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	n := res.Node
	if n.SeccompDir != "/data/kubelet/seccomp" || len(n.SeccompProfiles) != 1 || n.SeccompProfiles[0].Name != "log.json" {
		t.Errorf("SeccompDir = %q, profiles = %+v; want log.json under --root-dir", n.SeccompDir, n.SeccompProfiles)
	}
}

func TestReadSeccompMissingDir(t *testing.T) {
	root := copyTree(t, "testdata/kubeadm")
	writePKI(t, root)
	res, err := Read(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	if res.Node.SeccompRead || len(res.Node.SeccompProfiles) != 0 {
		t.Errorf("SeccompRead = %v, profiles %v; want nothing read", res.Node.SeccompRead, res.Node.SeccompProfiles)
	}
}
