package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/source"
)

// corpus generates o into a temporary directory and returns each file's
// content by name.
func corpus(t *testing.T, o options) map[string][]byte {
	t.Helper()
	o.out = t.TempDir()
	if _, err := generate(o); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(o.out)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(o.out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}

// decode reads data with kubestride's loader and fails the test on any error.
func decode(t *testing.T, name string, data []byte) []*object.Object {
	t.Helper()
	var objs []*object.Object
	for _, e := range source.Decode(name, data, func(o *object.Object) { objs = append(objs, o) }) {
		t.Errorf("%s: %v", name, e)
	}
	return objs
}

func TestSameSeedSameCorpus(t *testing.T) {
	a := corpus(t, options{files: 40, seed: 7})
	b := corpus(t, options{files: 40, seed: 7})
	c := corpus(t, options{files: 40, seed: 8})
	if len(a) != 40 {
		t.Fatalf("%d files written, want 40", len(a))
	}
	differ := 0
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs with seed 7", name)
		}
		if !bytes.Equal(data, c[name]) {
			differ++
		}
	}
	if differ == 0 {
		t.Error("seeds 7 and 8 wrote the same corpus")
	}
}

func TestSingleDocsWritesExactlyThatMany(t *testing.T) {
	for _, n := range []int{1, 2, 997} {
		files := corpus(t, options{single: n, seed: 3})
		if len(files) != 1 || files["all.yaml"] == nil {
			t.Fatalf("--single-docs %d wrote %d files, want all.yaml only", n, len(files))
		}
		if got := len(decode(t, "all.yaml", files["all.yaml"])); got != n {
			t.Errorf("--single-docs %d: all.yaml holds %d documents", n, got)
		}
	}
}

// TestEveryDocumentDecodes: every document is a built-in kind that
// kubestride's loader decodes strictly, the bundles use every kind, and both
// insecure and hardened settings occur.
func TestEveryDocumentDecodes(t *testing.T) {
	known := []string{"ClusterRole", "ClusterRoleBinding", "ConfigMap", "CronJob", "DaemonSet", "Deployment",
		"HorizontalPodAutoscaler", "Job", "NetworkPolicy", "Pod", "PodDisruptionBudget", "ResourceQuota",
		"Role", "RoleBinding", "Secret", "Service", "ServiceAccount", "StatefulSet"}
	files := corpus(t, options{files: 400, seed: 2})
	if len(files) != 400 || files["app-00000.yaml"] == nil || files["app-00399.yaml"] == nil {
		t.Fatalf("wrote %d files, want app-00000.yaml to app-00399.yaml", len(files))
	}
	kinds := map[string]int{}
	docs := 0
	var all strings.Builder
	for name, data := range files {
		all.Write(data)
		for _, o := range decode(t, name, data) {
			docs++
			kinds[o.Kind]++
			if o.Typed == nil || !slices.Contains(known, o.Kind) {
				t.Errorf("%s:%d: %s %s is not a known built-in kind", name, o.Origin.Line, o.APIVersion, o.Kind)
			}
			for _, f := range o.Ignored {
				t.Errorf("%s:%d: %s has an ignored field %v", name, o.Origin.Line, o.Kind, f)
			}
		}
	}
	for _, k := range known {
		if kinds[k] == 0 {
			t.Errorf("no %s among %d documents", k, docs)
		}
	}
	if per := float64(docs) / float64(len(files)); per < 2.8 || per > 3.8 {
		t.Errorf("%.2f documents a file, want about 3.3", per)
	}
	text := all.String()
	for _, s := range []string{"privileged: true", "hostPath:", "hostNetwork: true", "runAsUser: 0",
		"- SYS_ADMIN", ":latest\n", `"*"`, "value: s3cr3t-token-123",
		"@sha256:", "readOnlyRootFilesystem: true", "- ALL", "type: RuntimeDefault"} {
		if !strings.Contains(text, s) {
			t.Errorf("no %q in the corpus", s)
		}
	}
}

func TestScalars(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"nginx:1.25", "nginx:1.25"},
		{"system:authenticated", "system:authenticated"},
		{"/var/log", "/var/log"},
		{"50m", `"50m"`},
		{"10", `"10"`},
		{"true", `"true"`},
		{"No", `"No"`},
		{"~", `"~"`},
		{"key:", `"key:"`},
		{"*/5 * * * *", `"*/5 * * * *"`},
		{"", `""`},
		{"a\nb\"c\\", `"a\nb\"c\\"`},
		{8080, "8080"},
		{false, "false"},
		{nil, "null"},
	} {
		if got := scalar(tc.in); got != tc.want {
			t.Errorf("scalar(%#v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestToYAML(t *testing.T) {
	doc := m("kind", "Pod", "spec", m("containers", L(m("name", "a", "args", L("x")), m("name", "b")),
		"volumes", L(m("name", "tmp", "emptyDir", M{})), "tolerations", L()))
	want := `kind: Pod
spec:
  containers:
  - name: a
    args:
    - x
  - name: b
  volumes:
  - name: tmp
    emptyDir: {}
  tolerations: []
`
	if got := toYAML(doc); got != want {
		t.Errorf("toYAML:\n%s\nwant:\n%s", got, want)
	}
}
