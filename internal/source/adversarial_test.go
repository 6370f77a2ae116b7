package source

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/object"
)

func privileged(p *corev1.Pod) bool {
	c := p.Spec.Containers
	return len(c) > 0 && c[0].SecurityContext != nil && c[0].SecurityContext.Privileged != nil && *c[0].SecurityContext.Privileged
}

func TestAdversarialManifests(t *testing.T) {
	for _, tc := range AdversarialManifests() {
		t.Run(tc.Name, func(t *testing.T) {
			objs, errs := decodeAll(t, "f.yaml", tc.Text)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			var pod *corev1.Pod
			for _, o := range objs {
				if p, ok := o.Typed.(*corev1.Pod); ok && p.Name == "p" {
					pod = p
				}
			}
			if pod == nil {
				t.Fatalf("no Pod \"p\" read from:\n%s\ngot %v", tc.Text, summarize(objs))
			}
			switch tc.Want {
			case "privileged":
				if !privileged(pod) {
					t.Errorf("the container is not read as privileged:\n%s", tc.Text)
				}
			case "hostPID":
				if !pod.Spec.HostPID {
					t.Errorf("hostPID is not read as true:\n%s", tc.Text)
				}
			default:
				t.Fatalf("unknown verdict %q", tc.Want)
			}
		})
	}
}

// TestKubectlRejects checks that what kubectl's reader rejects or turns into
// a value the API server rejects is an error here too, never a pass.
func TestKubectlRejects(t *testing.T) {
	for _, text := range []string{
		podHead + "spec:\n  hostPID: ! true\n  containers: [{name: a, image: b}]\n", // "!" keeps the string
		podHead + "spec:\n  hostPID: true\n  containers: [{name: \"a\\/b\", image: b}]\n",
		podHead + "spec:\n  ~: true\n  containers: [{name: a, image: b}]\n",
		podHead + "spec:\n  hostPID: !!binary \"not base64!\"\n",
		"apiVersion: v1\nkind: 5\nmetadata: {name: p}\n",
	} {
		objs, errs := decodeAll(t, "f.yaml", text)
		if len(errs) != 1 || len(objs) != 0 {
			t.Errorf("objects %v, errors %v, want one error for:\n%s", summarize(objs), errs, text)
		}
	}
}

// TestDuplicateKeysReported checks that a key set twice is reported even
// where it decides nothing, and that the last value is the one read.
func TestDuplicateKeysReported(t *testing.T) {
	text := podHead + "spec:\n  hostPID: true\n  hostPID: false\n  containers: [{name: a, image: b}]\n"
	objs, errs := decodeAll(t, "f.yaml", text)
	if len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("objects %v, errors %v", summarize(objs), errs)
	}
	if objs[0].Typed.(*corev1.Pod).Spec.HostPID {
		t.Error("hostPID read as true; kubectl reads the last value, false")
	}
	want := object.IgnoredField{Path: "spec.hostPID", Duplicate: true}
	if len(objs[0].Ignored) != 1 || objs[0].Ignored[0] != want {
		t.Errorf("Ignored = %v, want [%v]", objs[0].Ignored, want)
	}
}

// TestDocumentSplitting checks that every document is read, whatever line
// breaks and document markers separate them, and that a broken one costs
// only itself.
func TestDocumentSplitting(t *testing.T) {
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	pod := podHead + "spec:\n  hostPID: true\n  containers: [{name: a, image: b}]\n"
	tests := []struct {
		name, text  string
		wantPodLine int
		wantErr     string
	}{
		{"CR-only line ends", strings.ReplaceAll(cm+"---\n"+pod, "\n", "\r"), 5, ""},
		{"NEL line ends", strings.ReplaceAll(cm+"---\n"+pod, "\n", "\u0085"), 5, ""},
		{"LS line ends", strings.ReplaceAll(cm+"---\n"+pod, "\n", "\u2028"), 5, ""},
		{"a bare document after ...", cm + "...\n" + pod, 5, ""},
		{"directives after ...", cm + "...\n%YAML 1.1\n---\n" + pod, 7, ""},
		{"invalid UTF-8 in the document before", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"c\xff\"}\n---\n" + pod, 5, "f.yaml:3: a byte that is not UTF-8 (0xff): not YAML or JSON text; the document is not read"},
		{"a NUL in the document before", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"c\x00\"}\n---\n" + pod, 5, "f.yaml:3: a NUL byte: not YAML or JSON text; the document is not read"},
		{"UTF-16 with a byte order mark", utf16LE(cm + "---\n" + pod), 5, ""},
		{"a JSON stream", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}}\n" + podJSON, 2, ""},
		{"JSON, then YAML", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}}\n---\n" + pod, 3, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, errs := decodeAll(t, "f.yaml", tc.text)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if tc.wantErr == "" && len(errs) > 0 || tc.wantErr != "" && (len(errs) != 1 || got[0] != tc.wantErr) {
				t.Errorf("errors = %q, want %q", got, tc.wantErr)
			}
			for _, o := range objs {
				if p, ok := o.Typed.(*corev1.Pod); ok {
					if !p.Spec.HostPID {
						t.Error("the pod's hostPID is not read")
					}
					if o.Origin.Line != tc.wantPodLine {
						t.Errorf("pod at line %d, want %d", o.Origin.Line, tc.wantPodLine)
					}
					return
				}
			}
			t.Errorf("the pod is not read; objects %v", summarize(objs))
		})
	}
}

const podJSON = `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
 "spec": {"hostPID": true, "containers": [{"name": "a", "image": "b"}]}}
`

// TestJSONKeysSetTwice checks that a JSON document is read as the API server
// reads the text kubectl sends it: an object set twice is merged into, not
// replaced, so the first one's fields stay.
func TestJSONKeysSetTwice(t *testing.T) {
	text := `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
 "spec": {"hostPID": true, "containers": [{"name": "a", "image": "b"}]},
 "spec": {"containers": [{"name": "a", "image": "b"}]}}`
	objs, errs := decodeAll(t, "f.json", text)
	if len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("objects %v, errors %v", summarize(objs), errs)
	}
	if !objs[0].Typed.(*corev1.Pod).Spec.HostPID {
		t.Error("hostPID from the first spec is lost")
	}
	if len(objs[0].Ignored) != 1 || objs[0].Ignored[0] != (object.IgnoredField{Path: "spec", Duplicate: true}) {
		t.Errorf("Ignored = %v, want spec set twice", objs[0].Ignored)
	}
}

func utf16LE(s string) string {
	out := []byte{0xff, 0xfe}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return string(out)
}

// TestHostileInputs checks that every bomb, flood and cycle gives its error
// and leaves the privileged pod after it read.
func TestHostileInputs(t *testing.T) {
	for _, h := range HostileInputs() {
		t.Run(h.Name, func(t *testing.T) {
			objs, errs := decodeAll(t, "f.yaml", h.Text)
			found := false
			for _, e := range errs {
				found = found || strings.Contains(e.Message, h.Err)
			}
			if !found {
				t.Errorf("no error mentions %q; errors: %v", h.Err, errs[:min(len(errs), 3)])
			}
			if len(errs) > maxErrorsPerFile+1 {
				t.Errorf("%d errors kept, want at most %d", len(errs), maxErrorsPerFile+1)
			}
			survived := false
			for _, o := range objs {
				survived = survived || o.Kind == "Pod" && o.Name() == "survivor"
			}
			if !survived {
				t.Error("the pod after the hostile input was not read")
			}
		})
	}
}

// TestJSONStringEscaping checks the fast path's JSON strings against
// encoding/json's decoder for every control character and a few others.
func TestJSONStringEscaping(t *testing.T) {
	var b strings.Builder
	for r := rune(0); r < 0x100; r++ {
		b.WriteRune(r)
	}
	b.WriteString("\u2028\u2029\U000e0001\ufeff\"\\\xff")
	s := b.String()
	data := appendJSONString(nil, s)
	var got string
	if err := jsonUnmarshal(data, &got); err != nil {
		t.Fatalf("invalid JSON %q: %v", data, err)
	}
	if want := strings.ToValidUTF8(s, "\ufffd"); got != want {
		t.Errorf("round trip = %q, want %q", got, want)
	}
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// TestFileTimeout checks that a file that takes too long to read is cut
// with an error at the first document not read, and that the next input is
// still read.
func TestFileTimeout(t *testing.T) {
	dir := t.TempDir()
	slow := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(slow, []byte(strings.Repeat("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n", 3)), 0o644); err != nil {
		t.Fatal(err)
	}
	next := filepath.Join(dir, "b.yaml")
	if err := os.WriteFile(next, []byte(podHead+"spec: {containers: [{name: a, image: b}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	errs := Stream(context.Background(), []string{slow, next}, Options{FileTimeout: time.Nanosecond}, nil, func(o *object.Object, _ struct{}) {
		kinds = append(kinds, o.Kind)
	})
	if len(errs) != 1 || errs[0].Line != 4 || !strings.Contains(errs[0].Message, "took longer than 1ns; the documents from this line on are not read") {
		t.Errorf("errors = %v, want one at line 4", errs)
	}
	if want := []string{"ConfigMap", "Pod"}; !slices.Equal(kinds, want) {
		t.Errorf("objects = %v, want %v", kinds, want)
	}
}

// TestLFSplitting checks that the fast search for LF splits every fixture,
// as written and with CRLF breaks, as the search for every YAML break does.
func TestLFSplitting(t *testing.T) {
	n := 0
	for _, f := range manifestFiles(t, "../checks/testdata") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range [][]byte{data, bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))} {
			if !lfBreaks(text) {
				t.Fatalf("%s: not taken for LF breaks", f)
			}
			want := slices.Collect(splitWith(text, nextLine))
			got := slices.Collect(documents(text))
			if !slices.EqualFunc(want, got, func(a, b rawDocument) bool { return bytes.Equal(a.text, b.text) && a.line == b.line }) {
				t.Errorf("%s: documents differ", f)
			}
			n++
		}
	}
	if lfBreaks([]byte("a\rb\n")) || lfBreaks([]byte("a\u2028b")) {
		t.Error("lfBreaks takes text with other breaks")
	}
	t.Logf("%d texts", n)
}

// TestOriginSource checks that an object says whether it came from a file
// or from standard input.
func TestOriginSource(t *testing.T) {
	for file, want := range map[string]object.Source{"f.yaml": object.FromFile, object.StdinName: object.FromStdin} {
		objs, errs := decodeAll(t, file, podHead+"spec: {containers: [{name: a, image: b}]}\n")
		if len(errs) > 0 || len(objs) != 1 {
			t.Fatalf("objects %v, errors %v", summarize(objs), errs)
		}
		if got := objs[0].Origin.Source; got != want {
			t.Errorf("%s: Origin.Source = %q, want %q", file, got, want)
		}
	}
}

func TestMayAlias(t *testing.T) {
	for text, want := range map[string]bool{
		"a: *b\n": true, "- *x": true, "[*a, *b]": true, "{k: *v}": true, "*a: 1": true,
		"verbs: [\"*\"]": false, "schedule: \"*/5 * * * *\"": false, "a: b*c": false, "a: '*'": false, "a*": false, "": false,
	} {
		if got := mayAlias([]byte(text)); got != want {
			t.Errorf("mayAlias(%q) = %v, want %v", text, got, want)
		}
	}
}
