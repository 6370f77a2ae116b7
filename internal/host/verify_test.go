package host_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/host"
)

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestVerify(t *testing.T) {
	fsys := fstest.MapFS{
		"usr/bin/kubelet": {Data: []byte("kubelet v1.37.2")},
		"usr/bin/kubeadm": {Data: []byte("kubeadm, replaced")},
		"usr/bin/crictl":  {Data: []byte("crictl")},
		"etc/kubernetes/manifests/kube-apiserver.yaml": {Data: []byte("apiserver")},
		"etc/kubernetes/manifests/etcd.yaml":           {Data: []byte("etcd")},
		"etc/kubernetes/manifests/backdoor.yaml":       {Data: []byte("evil")},
		"etc/kubernetes/manifests/sub/x.yaml":          {Data: []byte("in a subdirectory: not covered")},
		"etc/kubernetes/admin.conf":                    {Data: []byte("not covered: no file of etc/kubernetes is listed")},
		"var/lib/kubelet/config.yaml":                  {Data: []byte("config")},
		"var/lib/kubelet/pki":                          {Mode: fs.ModeDir | 0o755},
	}
	sums := sum("kubelet v1.37.2") + "  /usr/bin/kubelet\n" +
		sum("kubeadm v1.37.2") + " */usr/bin/kubeadm\n" +
		"SHA256 (usr/bin/crictl) = " + sum("crictl") + "\r\n" +
		"# manifests\n" +
		"\n" +
		sum("apiserver") + "  ./etc/kubernetes/manifests/kube-apiserver.yaml\n" +
		sum("etcd") + "  etc/kubernetes/manifests/etcd.yaml\n" +
		sum("etcd") + "  etc/kubernetes/manifests/etcd.yaml\n" +
		sum("other") + "  etc/kubernetes/manifests/etcd.yaml\n" +
		sum("scheduler") + "  /etc/kubernetes/manifests/kube-scheduler.yaml\n" +
		sum("config") + "  /var/lib/kubelet/config.yaml\n" +
		sum("x") + "  /var/lib/kubelet/pki\n" +
		sum("x")[:60] + "  /usr/bin/short\n" +
		"zz" + sum("x")[2:] + "  /usr/bin/nothex\n" +
		sum("x") + " /one/space\n" +
		sum("x") + "  ../../etc/shadow\n" +
		sum("x") + "  \n" +
		`\` + sum("x") + `  /usr/bin/a\qb` + "\n"
	got := host.Verify(fsys, []byte(sums))
	var errs []string
	for _, err := range got.Errors {
		errs = append(errs, err.Error())
	}
	got.Errors = nil
	want := host.VerifyReport{
		Listed:  8,
		Matched: 5,
		Mismatched: []host.VerifyEntry{
			{Path: "/usr/bin/kubeadm", Line: 2, Want: sum("kubeadm v1.37.2"), Got: sum("kubeadm, replaced")},
		},
		Missing: []host.VerifyEntry{
			{Path: "/etc/kubernetes/manifests/kube-scheduler.yaml", Line: 10, Want: sum("scheduler")},
		},
		Unlisted: []string{"/etc/kubernetes/manifests/backdoor.yaml"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report mismatch (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		"line 9: etc/kubernetes/manifests/etcd.yaml is listed on line 7 with another sum",
		"line 13: sum has 60 characters, want 64 hex digits (SHA-256)",
		"line 14: sum is not hexadecimal",
		`line 15: malformed line: want "<64 hex digits>  <path>" as sha256sum writes`,
		`line 16: path "../../etc/shadow" leaves the root`,
		"line 17: path is empty",
		`line 18: unknown escape \q in path`,
		"/var/lib/kubelet/pki (line 12): is a directory, not a file",
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
	if got.OK() {
		t.Error("OK with faults")
	}

	clean := host.Verify(fsys, []byte(sum("config")+"  var/lib/kubelet/config.yaml\n"))
	if !clean.OK() || clean.Matched != 1 {
		t.Errorf("clean report: %+v", clean)
	}
}

// bigFS holds one file, "big", of size zero bytes made up as it is read.
type bigFS struct{ size int64 }

func (b bigFS) Open(name string) (fs.File, error) {
	if name != "big" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &bigFile{left: b.size, size: b.size}, nil
}

type bigFile struct{ left, size int64 }

func (f *bigFile) Stat() (fs.FileInfo, error) { return bigInfo{f.size}, nil }
func (f *bigFile) Close() error               { return nil }
func (f *bigFile) Read(p []byte) (int, error) {
	if f.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > f.left {
		n = f.left
	}
	clear(p[:n])
	f.left -= n
	return int(n), nil
}

type bigInfo struct{ size int64 }

func (i bigInfo) Name() string       { return "big" }
func (i bigInfo) Size() int64        { return i.size }
func (i bigInfo) Mode() fs.FileMode  { return 0o644 }
func (i bigInfo) ModTime() time.Time { return time.Time{} }
func (i bigInfo) IsDir() bool        { return false }
func (i bigInfo) Sys() any           { return nil }

func TestVerifyStreams(t *testing.T) {
	const size = 256 << 20
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for left := size; left > 0; left -= len(buf) {
		h.Write(buf)
	}
	want := hex.EncodeToString(h.Sum(nil))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := host.Verify(bigFS{size}, []byte(want+"  big\n"))
	runtime.ReadMemStats(&after)
	if r.Matched != 1 || len(r.Errors) > 0 {
		t.Fatalf("report %+v", r)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("verifying a %d MiB file allocated %d bytes: not streamed", size>>20, alloc)
	}
}
