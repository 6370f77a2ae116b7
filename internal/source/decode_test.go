package source

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/object"
)

func decodeAll(t *testing.T, file, text string) ([]*object.Object, []object.Error) {
	t.Helper()
	var objs []*object.Object
	errs := Decode(file, []byte(text), func(o *object.Object) { objs = append(objs, o) })
	return objs, errs
}

type summary struct {
	Kind, Name, Namespace string
	Doc, Line             int
	Typed                 bool
}

func summarize(objs []*object.Object) []summary {
	var out []summary
	for _, o := range objs {
		out = append(out, summary{o.Kind, o.Name(), o.Namespace(), o.Origin.Doc, o.Origin.Line, o.Typed != nil})
	}
	return out
}

func TestDecodeDocuments(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		want     []summary
		wantErrs []object.Error
	}{
		{
			name: "multi-document YAML with comments and empty documents",
			text: "# leading comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ci\n  namespace: payments\n",
			want: []summary{
				{"Namespace", "payments", "", 1, 3, true},
				{"ServiceAccount", "ci", "payments", 4, 11, true},
			},
		},
		{
			name: "JSON document",
			text: "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"ConfigMap\",\n\t\"metadata\": {\"name\": \"cfg\"}\n}\n",
			want: []summary{{"ConfigMap", "cfg", "", 1, 1, true}},
		},
		{
			name: "List kinds expand to their items",
			text: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: b}\n",
			want: []summary{{"ServiceAccount", "a", "", 1, 4, true}, {"ServiceAccount", "b", "", 1, 7, true}},
		},
		{
			name: "custom resources are kept untyped",
			text: "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: ns\nspec: {anything: [1, 2]}\n",
			want: []summary{{"Widget", "w", "ns", 1, 1, false}},
		},
		{
			name:     "a broken document does not stop the next one",
			text:     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
			want:     []summary{{"ConfigMap", "b", "", 2, 5, true}},
			wantErrs: []object.Error{{File: "f.yaml", Line: 3, Doc: 1, Message: "invalid YAML: did not find expected ',' or '}'"}},
		},
		{
			name: "documents without kind or apiVersion",
			text: "metadata: {name: x}\n---\napiVersion: v1\nmetadata: {name: y}\n---\nkind: Pod\nmetadata: {name: z}\n---\n- a\n- b\n",
			wantErrs: []object.Error{
				{File: "f.yaml", Line: 1, Doc: 1, Message: "document has no apiVersion and no kind", NotObject: true},
				{File: "f.yaml", Line: 3, Doc: 2, Message: `document with apiVersion "v1" has no kind`},
				{File: "f.yaml", Line: 6, Doc: 3, Message: "Pod has no apiVersion"},
				{File: "f.yaml", Line: 9, Doc: 4, Message: "document is not a Kubernetes object (a list, not a mapping)", NotObject: true},
			},
		},
		{
			name:     "wrong field type names the field and its line",
			text:     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: z\n    securityContext:\n      runAsUser: root\n",
			wantErrs: []object.Error{{File: "f.yaml", Line: 11, Doc: 1, Message: `Pod "p": field spec.containers.securityContext.runAsUser: an integer is required, not a string`}},
		},
		{
			name:     "a line indented left of an indented document is not silently dropped",
			text:     "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\ndata: {k: v}\n",
			wantErrs: []object.Error{{File: "f.yaml", Line: 4, Doc: 1, Message: "invalid YAML: this line is indented less than the document's first line (column 3), so the parser would drop it and everything after it"}},
		},
		{
			name: "an indented document is fine on its own",
			text: "  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  # a comment\n",
			want: []summary{{"ConfigMap", "a", "", 1, 1, true}},
		},
		{
			name:     "binary input",
			text:     "\x00\x01\x02kind: Pod",
			wantErrs: []object.Error{{File: "f.yaml", Line: 1, Doc: 1, Message: "a NUL byte: not YAML or JSON text; the document is not read"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, errs := decodeAll(t, "f.yaml", tc.text)
			if diff := cmp.Diff(tc.want, summarize(objs)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantErrs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestYAML11Scalars(t *testing.T) {
	// kubectl reads manifests with YAML 1.1 rules; the loader must agree.
	text := `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {"on": "yes", quoted: "no"}
spec:
  hostNetwork: yes
  hostPID: on
  hostIPC: "false"
  containers:
  - name: c
    image: x
    securityContext:
      privileged: Yes
      runAsUser: 0777
      runAsGroup: 1_000
`
	objs, errs := decodeAll(t, "f.yaml", text)
	if len(errs) > 0 && !strings.Contains(errs[0].Message, "hostIPC") {
		t.Fatalf("unexpected errors: %v", errs)
	}
	if len(errs) != 1 {
		t.Fatalf("want one error for the quoted boolean, got %v", errs)
	}
	if len(objs) != 0 {
		t.Fatalf("a document with a type error must not be emitted")
	}
	objs, errs = decodeAll(t, "f.yaml", strings.Replace(text, `hostIPC: "false"`, "hostIPC: off", 1))
	if len(errs) != 0 || len(objs) != 1 {
		t.Fatalf("Decode = %d objects, %v", len(objs), errs)
	}
	pod := objs[0].Typed.(*corev1.Pod)
	sc := pod.Spec.Containers[0].SecurityContext
	if !pod.Spec.HostNetwork || !pod.Spec.HostPID || pod.Spec.HostIPC || !*sc.Privileged || *sc.RunAsUser != 0o777 || *sc.RunAsGroup != 1000 {
		t.Errorf("YAML 1.1 scalars misread: %+v %+v", pod.Spec, sc)
	}
	if got := pod.Labels; got["on"] != "yes" || got["quoted"] != "no" {
		t.Errorf("labels = %v", got)
	}
}

func TestAnchorsAndMergeKeys(t *testing.T) {
	text := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels: &labels {app: web, tier: front}
spec:
  selector: {matchLabels: *labels}
  template:
    metadata:
      labels:
        <<: *labels
        tier: back
    spec:
      containers:
      - &c {name: a, image: x}
      - <<: *c
        name: b
`
	objs, errs := decodeAll(t, "f.yaml", text)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := objs[0].Typed.(*appsv1.Deployment)
	if diff := cmp.Diff(map[string]string{"app": "web", "tier": "back"}, d.Spec.Template.Labels); diff != "" {
		t.Errorf("merged labels (-want +got):\n%s", diff)
	}
	if got := d.Spec.Template.Spec.Containers; len(got) != 2 || got[1].Name != "b" || got[1].Image != "x" {
		t.Errorf("containers = %+v", got)
	}
}

func TestLines(t *testing.T) {
	text := `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  annotations:
    app.kubernetes.io/name: web
spec:
  template:
    spec:
      containers:
      - name: a
        image: x
      - name: b
        image: z
        securityContext:
          privileged: true
`
	objs, errs := decodeAll(t, "f.yaml", "# header\n"+text)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	o := objs[0]
	for path, want := range map[string]int{
		"spec.template.spec.containers[1].securityContext.privileged": 18,
		"spec.template.spec.containers[1].securityContext.runAsUser":  17, // unset: nearest parent
		"spec.template.spec.containers[0].image":                      14,
		`metadata.annotations["app.kubernetes.io/name"]`:              8,
		"spec.template.spec.volumes":                                  11, // unset: the pod spec
		"status":                                                      3,  // unset at the top: the object
	} {
		if got := o.Line(path); got != want {
			t.Errorf("Line(%q) = %d, want %d", path, got, want)
		}
	}
	kept := o.Lines.Keep("metadata.name")
	if got := kept.Line("metadata.name"); got != 6 {
		t.Errorf("Keep: Line(metadata.name) = %d, want 6", got)
	}
	if got := kept.Line("spec.template"); got != 0 {
		t.Errorf("Keep: Line(spec.template) = %d, want 0 (not kept)", got)
	}
}

func TestIgnoredFields(t *testing.T) {
	text := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    readOnlyRootFilesystem: true
  containers:
  - name: a
    image: x
    securityContext:
      privileged: false
      privileged: true
    imagePullPolicyy: Always
`
	objs, errs := decodeAll(t, "f.yaml", text)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []object.IgnoredField{
		{Path: "spec.securityContext.readOnlyRootFilesystem"},
		{Path: "spec.containers[0].securityContext.privileged", Duplicate: true},
		{Path: "spec.containers[0].imagePullPolicyy"},
	}
	if diff := cmp.Diff(want, objs[0].Ignored); diff != "" {
		t.Errorf("Ignored (-want +got):\n%s", diff)
	}
}

func TestHostileInput(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		_ = i
		bomb += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = name
	}
	deep := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"
	tests := []struct {
		name, text, wantMsg string
	}{
		{"alias bomb", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n" + bomb, "document expands YAML aliases"},
		{"deep nesting", deep, "deeper than"},
		{"self-referencing alias", "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x, self: *m}\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := decodeAll(t, "f.yaml", tc.text)
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want exactly one", errs)
			}
			if !strings.Contains(errs[0].Message, tc.wantMsg) {
				t.Errorf("error = %q, want it to mention %q", errs[0].Message, tc.wantMsg)
			}
		})
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sa := func(name string) string {
		return "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: " + name + "}\n"
	}
	write("b.yaml", sa("b"))
	write("a.yml", sa("a"))
	write("sub/c.json", `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"c"}}`)
	write("README.md", "not scanned")
	write(".git/x.yaml", sa("hidden"))
	// A symlink loop back to the root, and a dangling manifest link.
	if err := os.Symlink(dir, filepath.Join(dir, "sub", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "missing.yaml"), filepath.Join(dir, "dangling.yaml")); err != nil {
		t.Fatal(err)
	}
	var names []string
	errs := Load(t.Context(), []string{dir, filepath.Join(dir, "nope.yaml"), "-"}, strings.NewReader(sa("stdin")), func(o *object.Object) {
		names = append(names, o.Name()+"@"+strings.TrimPrefix(o.Origin.File, dir))
	})
	want := []string{"a@/a.yml", "b@/b.yaml", "c@/sub/c.json", "stdin@<stdin>"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, strings.TrimPrefix(e.File, dir)+": "+e.Message)
	}
	wantErrs := []string{
		"/dangling.yaml: no such file or directory",
		"/sub/loop: directory already scanned (a symlink loop or a repeated path); skipped",
		"/nope.yaml: no such file or directory",
	}
	if diff := cmp.Diff(wantErrs, msgs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// The bounds FuzzDecode holds every input to.
const (
	maxFuzzInput = 64 << 10
	fuzzMemory   = 256 << 20
	fuzzTime     = 5 * time.Second
)

// FuzzDecode feeds the loader arbitrary input: it must never crash, hang
// or blow up, every object it emits must have metadata and a kind, and every
// error a file and a message.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: b}]}\n",
		"apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}]\n",
		"a: &a [1]\nb: *a\n",
		"{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"data\": {\"k\": \"v\"}}",
		"---\n---\n",
		"apiVersion: v1\nkind: Pod\nmetadata:\n  <<: {name: x}\n",
		"\xff\xfe",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	for _, h := range HostileInputs() {
		if len(h.Text) <= maxFuzzInput {
			f.Add([]byte(h.Text))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		// Bounded in memory and time: what one input of at most 64 KiB
		// may cost, with room for a loaded machine. An alias or merge-key
		// bomb that escaped the budget costs orders of magnitude more.
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		defer func() {
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > fuzzMemory {
				t.Errorf("decoding %d bytes allocated %d MiB", len(data), alloc>>20)
			}
			if elapsed > fuzzTime {
				t.Errorf("decoding %d bytes took %v", len(data), elapsed)
			}
		}()
		var n int
		errs := Decode("fuzz.yaml", data, func(o *object.Object) {
			n++
			if o.Meta == nil || o.Kind == "" || o.APIVersion == "" {
				t.Fatalf("object without metadata or kind: %+v", o)
			}
			_ = o.Line("spec.containers[0].image")
		})
		for _, e := range errs {
			if e.File != "fuzz.yaml" || e.Message == "" {
				t.Fatalf("error without file or message: %+v", e)
			}
		}
	})
}

func TestDeprecatedVersions(t *testing.T) {
	text := `apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old, namespace: ns}
spec:
  template:
    spec:
      containers:
      - {name: app, image: nginx}
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: old}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: app, image: nginx}
`
	objs, errs := decodeAll(t, "f.yaml", text)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, ok := objs[0].Typed.(*appsv1.Deployment); !ok || objs[0].APIVersion != "extensions/v1beta1" {
		t.Errorf("extensions/v1beta1 Deployment decoded as %T (apiVersion %s), want *v1.Deployment keeping its apiVersion", objs[0].Typed, objs[0].APIVersion)
	}
	if got := fmt.Sprintf("%T", objs[1].Typed); got != "*v1.CronJob" || !strings.Contains(fmt.Sprintf("%v", reflect.TypeOf(objs[1].Typed).Elem().PkgPath()), "batch/v1") {
		t.Errorf("batch/v1beta1 CronJob decoded as %s", got)
	}
}
