package source

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	yaml "go.yaml.in/yaml/v3"
	sigsjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/psatestdata"
)

// pathResult is what either path makes of one document.
type pathResult struct {
	JSON       string
	Lines      []string
	APIVersion string
	Kind       string
	Line       int
}

func sortedLines(entries []object.LineEntry) []string {
	e := slices.Clone(entries)
	slices.SortFunc(e, func(a, b object.LineEntry) int {
		if c := cmp.Compare(a.Hash, b.Hash); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
	out := make([]string, len(e))
	for i, x := range e {
		out[i] = fmt.Sprintf("%016x:%d", x.Hash, x.Line)
	}
	return out
}

const testLineBase = 10

// fastPath runs the fast path on one document.
func fastPath(text []byte) (pathResult, bool) {
	var c converter
	c.reset(testLineBase)
	r, _, ok := c.fastDocument(text)
	if !ok {
		return pathResult{}, false
	}
	return pathResult{string(c.buf), sortedLines(c.lines.Entries), r.apiVersion, r.kind, r.line}, true
}

// nodePath reads one document as the slow path does, up to the JSON text
// and line index: the JSON from sigs.k8s.io/yaml (the reader kubectl uses),
// the lines from yaml.v3's parse tree. It fails when the document is not a
// mapping or does not convert.
func nodePath(text []byte) (pathResult, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(text, &root); err != nil {
		return pathResult{}, err
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return pathResult{}, fmt.Errorf("empty document")
	}
	n := deref(root.Content[0])
	if n.Kind != yaml.MappingNode {
		return pathResult{}, fmt.Errorf("not a mapping")
	}
	data, err := sigsyaml.YAMLToJSON(text)
	if err != nil {
		return pathResult{}, err
	}
	var head struct {
		APIVersion any            `json:"apiVersion"`
		Kind       any            `json:"kind"`
		Items      map[string]any `json:"-"`
	}
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(data, &head); err != nil {
		return pathResult{}, err
	}
	var c converter
	c.reset(testLineBase)
	c.index(n)
	str := func(v any) string { s, _ := v.(string); return s }
	return pathResult{string(data), sortedLines(c.lines.Entries), str(head.APIVersion), str(head.Kind), root.Content[0].Line}, nil
}

// canonicalJSON decodes JSON text to a value in which equal numbers are
// equal whatever their notation, for comparing two writers' JSON.
func canonicalJSON(text string) (any, error) {
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	var norm func(any) any
	norm = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				v[k] = norm(x)
			}
		case []any:
			for i, x := range v {
				v[i] = norm(x)
			}
		case json.Number:
			f, _, err := big.ParseFloat(string(v), 10, 256, big.ToNearestEven)
			if err != nil {
				return "bad number " + string(v)
			}
			return "number " + f.Text('g', 80)
		}
		return v
	}
	return norm(v), nil
}

// compareFast reports whether the fast path took text, and fails t when it
// did and its result differs from what kubectl's reader makes of it.
func compareFast(t testing.TB, name string, text []byte) bool {
	t.Helper()
	got, ok := fastPath(text)
	if !ok {
		return false
	}
	want, err := nodePath(text)
	if err != nil {
		t.Errorf("%s: the fast path read a document that kubectl's reader rejects (%v):\n%s", name, err, text)
		return true
	}
	gotJSON, err := canonicalJSON(got.JSON)
	if err != nil {
		t.Errorf("%s: the fast path wrote invalid JSON (%v): %s\ndocument:\n%s", name, err, got.JSON, text)
		return true
	}
	wantJSON, err := canonicalJSON(want.JSON)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if diff := gocmp.Diff(wantJSON, gotJSON); diff != "" {
		t.Errorf("%s: the fast path reads the document otherwise than kubectl (-kubectl +fast):\n%s\ndocument:\n%s", name, diff, text)
	}
	got.JSON, want.JSON = "", ""
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("%s: fast path differs (-slow +fast):\n%s\ndocument:\n%s", name, diff, text)
	}
	return true
}

// decoded is what decoding one document gives, for comparison.
type decoded struct {
	Objects []summary
	Lines   []*object.LineIndex
	Ignored [][]object.IgnoredField
	Errors  []object.Error
}

func decodeWith(decode func(document, []byte, func(*object.Object)) []object.Error, d document, text []byte) decoded {
	var out decoded
	out.Errors = decode(d, text, func(o *object.Object) {
		out.Objects = append(out.Objects, summarize([]*object.Object{o})...)
		out.Lines = append(out.Lines, o.Lines)
		out.Ignored = append(out.Ignored, o.Ignored)
	})
	return out
}

// compareDecode fails t when decoding text gives other objects or errors
// with the fast path than without it.
func compareDecode(t testing.TB, name string, d document, text []byte) {
	t.Helper()
	want := decodeWith(document.decodeYAML, d, text)
	got := decodeWith(func(d document, text []byte, emit func(*object.Object)) []object.Error {
		var errs errorList
		d.decode(text, emit, &errs)
		return errs.done(d.file)
	}, d, text)
	if diff := gocmp.Diff(want, got, gocmp.AllowUnexported(object.LineIndex{})); diff != "" {
		t.Errorf("%s: decoding differs (-yaml.v3 +fast):\n%s", name, diff)
	}
}

// documentsOf splits a file as Decode does.
func documentsOf(data []byte) []rawDocument {
	return splitDocuments(transcode(data))
}

func manifestFiles(t testing.TB, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && hasManifestExt(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestFastPathDifferential(t *testing.T) {
	psa, err := psatestdata.Root()
	if err != nil {
		t.Fatal(err)
	}
	corpora := []struct {
		name, dir string
		optional  bool
		minFast   float64 // the least fraction of documents that must take the fast path
	}{
		{"checks testdata", "../checks/testdata", false, 0},
		{"examples", "../../examples", false, 0},
		{"pod-security-admission fixtures", psa, false, 0.95},
		{"bench corpora", "../../bench/out", true, 0},
	}
	for _, corpus := range corpora {
		t.Run(corpus.name, func(t *testing.T) {
			if _, err := os.Stat(corpus.dir); err != nil && corpus.optional {
				t.Skipf("%s: %v", corpus.dir, err)
			}
			files := manifestFiles(t, corpus.dir)
			if len(files) == 0 {
				t.Fatalf("no manifests under %s", corpus.dir)
			}
			docs, fast := 0, 0
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for i, doc := range documentsOf(data) {
					docs++
					name := fmt.Sprintf("%s doc %d", f, i+1)
					if compareFast(t, name, doc.text) {
						fast++
						if !corpus.optional {
							compareDecode(t, name, document{file: f, doc: i + 1, line: doc.line}, doc.text)
						}
					}
				}
			}
			frac := float64(fast) / float64(max(docs, 1))
			t.Logf("%s: %d of %d documents (%.1f%%) took the fast path", corpus.name, fast, docs, 100*frac)
			if frac < corpus.minFast {
				t.Errorf("%s: only %.1f%% of documents took the fast path, want at least %.0f%%", corpus.name, 100*frac, 100*corpus.minFast)
			}
		})
	}
}

const (
	either = iota // equal to the yaml.v3 path when taken
	takes         // must be taken, and equal
	bails         // must not be taken
)

const caseHead = "apiVersion: v1\nkind: ConfigMap\n"

// fastCases are tricky documents for the fast path, each with whether the
// fast path must take it.
var fastCases = []struct {
	name string
	text string
	want int
}{
	{"comments everywhere", "# top\n---  # marker\n# after\napiVersion: v1 # c\n  # indented comment\nkind: ConfigMap\n\n# between\ndata: # c\n  # c\n  a: b # c\n# c\n  c: d\n# end\n", takes},
	{"trailing comment after value", caseHead + "data:\n  key: value # comment\n", takes},
	{"hash inside a word", caseHead + "data:\n  url: http://x#y\n", takes},
	{"hash inside quotes", caseHead + "data:\n  a: \"x # y\"\n  b: 'x # y'\n", takes},
	{"single-quote escape", caseHead + "data:\n  a: 'it''s'\n  'k''s': ''\n", takes},
	{"double-quote escapes", caseHead + "data:\n  a: \"\\u00e9\\t\"\n  b: \"\\x41\\U0001F600\\N\\_\\L\\P\\ \\\\\\\"\\/\"\n  c: \"\\0\\a\\b\\e\\f\\v\\r\\n\"\n", bails}, // \/ is not a YAML escape
	{"double-quote escapes known", caseHead + "data:\n  a: \"\\u00e9\\t\"\n  b: \"\\x41\\U0001F600\\N\\_\\L\\P\\ \\\\\\\"\"\n  c: \"\\0\\a\\b\\e\\f\\v\\r\\n\"\n  \"k\\tx\": 1\n", takes},
	{"unknown escape", caseHead + "data:\n  a: \"\\q\"\n", bails},
	{"surrogate escape", caseHead + "data:\n  a: \"\\ud800\"\n", bails},
	{"YAML 1.1 booleans", caseHead + "on: yes\noff: No\nx: [on, off, Y, n]\n", takes},
	{"YAML 1.1 boolean keys that collide", caseHead + "on: yes\ny: n\n", bails},
	{"octal, underscores, hex, binary, floats", caseHead + "a: 0777\nb: 1_000\nc: 0x1F\nd: 0b101\ne: -0b11\nf: 1e3\ng: .5\nh: -1.5\ni: +12\nj: 007\nk: 0o17\nl: 12345678901234567890\nm: 1.2.3\n", takes},
	{"numbers as keys", caseHead + "1: a\n0x10: b\n1.5: c\n", takes},
	{"null keys, which kubectl rejects", caseHead + "~: d\n", bails},
	{"infinite keys", caseHead + ".inf: f\n", bails},
	{"keys beyond int64", caseHead + "12345678901234567890: f\n", bails},
	{"infinity value", caseHead + "a: .inf\n", bails},
	{"NaN value", caseHead + "a: .NaN\n", bails},
	{"timestamps stay strings", caseHead + "t: 2001-12-14\nu: 2001-12-14t21:59:43.10-05:00\n", takes},
	{"empty values", caseHead + "a:\nb: \nc: ~\nd: null\ne: ''\nf: \"\"\ng:   # c\n", takes},
	{"sequence items of mappings and scalars", caseHead + "s:\n- a\n- b: 1\n  c: 2\n- \"q\"\n- 'r': 3\n- [x]\n- {y: z}\n-\n- # c\n-   d: 4\n    e: 5\n", takes},
	{"null item then nested block", caseHead + "s:\n-\n  a: 1\n-\n\n  # c\n  - x\n  - y\n-\n", takes},
	{"nested sequences", caseHead + "s:\n- - a\n  - b\n", bails},
	{"nested sequence after dash line", caseHead + "s:\n-\n  - a\n  -\n    - b\n", takes},
	{"k8s-style and indented sequences", caseHead + "a:\n- x\n- y\nb:\n  - x\n  - y\nc:\n    - p: 1\n      q:\n      - r\n      s: 2\n    - t\nd: 1\n", takes},
	{"sequence then less indented key", caseHead + "a:\n  b:\n  - x\n  c: 1\nd: 2\n", takes},
	{"literal block scalars", caseHead + "data:\n  clip: |\n    line 1\n      more\n\n    line 3\n\n\n  strip: |-\n    x\n\n  keep: |+\n    x\n\n\n  last: |\n    end", takes},
	{"keep chomping at end", caseHead + "data:\n  keep: |+\n    x\n\n  \n", takes},
	{"folded block scalars", caseHead + "data:\n  f: >\n    a\n    b\n\n    c\n      indented\n    d\n  g: >-\n    a\n\n\n    b\n  h: >+\n    x\n\n", takes},
	{"block scalar with leading blank lines", caseHead + "data:\n  a: |\n\n    x\n  b: |\n   \n    y\n", takes},
	{"block scalar with a leading line more indented", caseHead + "data:\n  b: |\n      \n    y\n", either},
	{"empty block scalar with a blank line", caseHead + "data:\n  a: |+\n      \n  b: 1\n", takes},
	{"block scalar header comment", caseHead + "data:\n  a: | # comment\n    x\n  b: |-  # c\n    y\n", takes},
	{"block scalar in a sequence", caseHead + "s:\n- |\n  a\n  b\n- >-\n  c\n- x: |\n    d\n  y: 1\n", takes},
	{"block scalar content like comments", caseHead + "data:\n  a: |\n    # not a comment\n    x\n  # a comment\n  b: |\n    y\n", takes},
	{"empty block scalar", caseHead + "data:\n  a: |\n  b: >-\n", takes},
	{"block scalar at the end", caseHead + "data:\n  a: |", takes},
	{"block scalar with tab content", caseHead + "data:\n  a: |\n    x\n    \ty\t\n", takes},
	{"block scalar starting with a tab", caseHead + "data:\n  a: |\n    \tx\n", bails},
	{"block scalar with an indentation indicator", caseHead + "data:\n  a: |2\n     x\n", bails},
	{"key with trailing space before the colon", caseHead + "data:\n  key  : value\n", takes},
	{"key:value is a scalar", caseHead + "data:\n  key:value\n", bails},
	{"key:value as a value", caseHead + "data:\n  a: key:value\n", takes},
	{"a: b: c", caseHead + "a: b: c\n", bails},
	{"duplicate keys", caseHead + "data:\n  a: 1\n  a: 2\nkind: Secret\n", bails},
	{"unicode keys", caseHead + "data:\n  ключ: значение\n  \"日本\": 語\n", takes},
	{"CRLF line endings", strings.ReplaceAll(caseHead+"data:\n  a: b # c\n  c: |\n    x\n\n    y\n  d:\n  - e\n", "\n", "\r\n"), takes},
	{"lone CR", caseHead + "data:\n  a: b\r  c: d\n", bails},
	{"no trailing newline", caseHead + "data:\n  a: b", takes},
	{"multi-line plain scalar", caseHead + "data:\n  a: b\n    c\n", bails},
	{"multi-line plain scalar in a sequence", caseHead + "s:\n- a\n  b\n", bails},
	{"multi-line plain scalar after a comment", caseHead + "data:\n  a: b\n  # c\n    d\n", bails},
	{"multi-line quoted scalar", caseHead + "data:\n  a: \"b\n    c\"\n", bails},
	{"flow collections", caseHead + "a: []\nb: {}\nc: [NET_ADMIN, \"SYS_TIME\", 'x', 1, true]\nd: {cpu: 500m, memory: 256Mi}\ne: [[a, b], {c: d}, []]\nf: {\"g\": [1, 2], h : i}\ng: [ a b , c ]\nh: {\"x\":y}\n", takes},
	{"multi-line flow", caseHead + "a: [b,\n  c]\n", bails},
	{"flow with a pair", caseHead + "a: [b: c]\n", bails},
	{"flow trailing comma", caseHead + "a: [b, ]\n", bails},
	{"flow empty value", caseHead + "a: {b: }\n", bails},
	{"flow plain with a colon", caseHead + "a: [http://x, {d:e: f}, g:h]\n", takes},
	{"flow plain ending with a colon", caseHead + "a: [b:, c]\n", bails},
	{"flow key without value", caseHead + "a: {b}\n", bails},
	{"anchor and alias", caseHead + "a: &x 1\nb: *x\n", bails},
	{"tag", caseHead + "a: !!str 1\n", bails},
	{"merge key", caseHead + "a:\n  <<: {b: 1}\n", bails},
	{"complex key", caseHead + "? a\n: b\n", bails},
	{"tab indentation", caseHead + "data:\n\ta: b\n", bails},
	{"tab after a value", caseHead + "data:\n  a: b\t\n", bails},
	{"tab in quotes", caseHead + "data:\n  a: \"b\tc\"\n", takes},
	{"document end marker", caseHead + "...\n", bails},
	{"directive", "%YAML 1.1\n---\n" + caseHead, bails},
	{"content after the document marker", "--- a: b\n" + caseHead, bails},
	{"root sequence", "- a\n- b\n", bails},
	{"root scalar", "hello\n", bails},
	{"JSON document", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}\n", bails},
	{"only comments", "# nothing\n", bails},
	{"a List", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n", bails},
	{"indented root", "  apiVersion: v1\n  kind: ConfigMap\n", takes},
	{"less indented line after the root", "  apiVersion: v1\n kind: ConfigMap\n", bails},
	{"over-indented key", caseHead + "data:\n  a: 1\n   b: 2\n", bails},
	{"quoted apiVersion and kind", "\"apiVersion\": 'v1'\n'kind': \"Config\\u004dap\"\n", takes},
	{"apiVersion as a block scalar", "apiVersion: |\n  v1\nkind: ConfigMap\n", takes},
	{"numeric apiVersion", "apiVersion: 1.0\nkind: 0x1\n", bails},
	{"apiVersion not a scalar", "apiVersion: [v1]\nkind: {a: b}\n", takes},
	{"apiVersion set twice", "apiVersion: v1\napiVersion: v2\nkind: ConfigMap\n", bails},
	{"long key", caseHead + strings.Repeat("k", 1100) + ": v\n", bails},
	{"nesting at the depth limit", caseHead + nested(maxDepth), takes},
	{"nesting beyond the depth limit", caseHead + nested(maxDepth+1), bails},
	{"indicators starting plain scalars", caseHead + "a: -1\nb: ?x\nc: :x\nd: x-\n-e: f\n", takes},
	{"indicator that cannot start a scalar", caseHead + "a: @x\n", bails},
	{"sequence entry as a value", caseHead + "a: - b\n", bails},
	{"control character", caseHead + "a: \"\x07\"\n", bails},
	{"NEL", caseHead + "a: b\u0085c\n", bails},
	{"byte order mark", caseHead + "a: \ufeffb\n", bails},
}

// nested gives keys nested n deep, the last one null at depth n.
func nested(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	return b.String()
}

func TestFastPathCases(t *testing.T) {
	for _, tc := range fastCases {
		t.Run(tc.name, func(t *testing.T) {
			took := compareFast(t, tc.name, []byte(tc.text))
			switch {
			case tc.want == takes && !took:
				t.Errorf("the fast path did not take the document:\n%s", tc.text)
			case tc.want == bails && took:
				t.Errorf("the fast path took a document it must leave to yaml.v3:\n%s", tc.text)
			}
		})
	}
}

// TestFastPathErrors checks that documents on the fast path report the same
// errors as on the yaml.v3 path.
func TestFastPathErrors(t *testing.T) {
	texts := []string{
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    securityContext:\n      runAsUser: root\n",
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: \"yes\"\n",
		"apiVersion: example.com/v1\nkind: Widget\nmetadata: []\n",
		"apiVersion: v1\nmetadata: {name: y}\n",
		"kind: Pod\n",
		"metadata: {name: x}\n",
		"apiVersion: a/b/c\nkind: Pod\n",
	}
	for i, text := range texts {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if _, ok := fastPath([]byte(text)); !ok {
				t.Fatalf("the fast path did not take the document:\n%s", text)
			}
			compareDecode(t, "document", document{file: "f.yaml", doc: 2, line: 7}, []byte(text))
		})
	}
}

func TestPlainIsString(t *testing.T) {
	words := []string{
		"", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", ".nan", ".NaN", ".NAN",
		".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "0", "00", "-0", "+0",
		"0777", "0o17", "0x1F", "0X1f", "0b101", "-0b101", "1_000", "1e3", "1E+3", "-1.5e-3", ".5", "5.", "1.2.3",
		"500m", "256Mi", "2001-12-14", "12345678901234567890", "123456789012345678901234567890", "-", "+", ".",
		"a", "NaN", "Inf", "nil", "v1", "1-2", "0xg", "0b2", "1_", "_1", "-_1", "0x_1", "1__2", "0.", "-.5",
		"1e", "e3", "+1", "--1", "1+1", "0e0", "0xe", "0Xe", "0o8", "0O7", "ab12", "12ab", "1d",
	}
	for _, s := range words {
		if plainIsString(s) {
			if v, ok := resolvePlain(s).(string); !ok || v != s {
				t.Errorf("plainIsString(%q) = true, but resolvePlain gives %#v", s, resolvePlain(s))
			}
		}
		if isDecimal(s) {
			if v, ok := resolvePlain(s).(int64); !ok || fmt.Sprint(v) != s {
				t.Errorf("isDecimal(%q) = true, but resolvePlain gives %#v", s, resolvePlain(s))
			}
		}
	}
}

func FuzzFastPath(f *testing.F) {
	seeds := []string{
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {a: b}\nspec:\n  containers:\n  - name: a\n    image: x # c\n    args: [\"--x\", 'y']\n    command:\n      - sh\n",
		"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    x\n\n  b: >-\n    y\n    z\n  c: |+\n    w\n\n",
		"---\n# c\napiVersion: v1\nkind: Secret\nstringData:\n  \"k\": \"\\u00e9\"\n  'l': 'it''s'\n",
		"a:\n-\n  b: 1\n- - c\n-\n  - d\nx: 0777\ny: on\nz: 2001-12-14\n",
		"a: b\r\nc:\r\n- d\r\n",
		"a: b\n  c\n",
		"a: [b, {c: d}, [e]]\nf: {}\ng: []\n",
	}
	for _, tc := range fastCases {
		seeds = append(seeds, tc.text)
	}
	g := &yamlGen{r: rand.New(rand.NewSource(2))}
	for i := 0; i < 50; i++ {
		seeds = append(seeds, g.document())
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compareFast(t, "fuzz", data)
	})
}

// benchmarkInput is many documents of the kinds the fast path reads.
func benchmarkInput(b *testing.B) []byte {
	psa, err := psatestdata.Root()
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for _, f := range manifestFiles(b, psa) {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		buf.WriteString("---\n")
		buf.Write(data)
		if !bytes.HasSuffix(data, []byte("\n")) {
			buf.WriteByte('\n')
		}
	}
	buf.WriteString(`---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app.kubernetes.io/name: web
  annotations:
    description: "the storefront"
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: ghcr.io/acme/web:1.2.3
        args: ["--port=8080", "--log-level=info"]
        ports:
        - name: http
          containerPort: 8080
          protocol: TCP
        env:
        - name: MODE
          value: production
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
        securityContext:
          runAsNonRoot: true
          allowPrivilegeEscalation: false
          capabilities:
            drop: [ALL]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  app.properties: |
    mode=production
    port=8080
    # a comment in the file
    feature.flags=a,b,c
`)
	return buf.Bytes()
}

// BenchmarkDecode compares decoding with the fast path (falling back to
// yaml.v3 where it must) against the yaml.v3 path alone.
func BenchmarkDecode(b *testing.B) {
	data := benchmarkInput(b)
	docs := splitDocuments(data)
	fastDocs := 0
	for _, doc := range docs {
		if _, ok := fastPath(doc.text); ok {
			fastDocs++
		}
	}
	b.Logf("%d documents, %d on the fast path", len(docs), fastDocs)
	for _, bc := range []struct {
		name   string
		decode func(document, []byte, func(*object.Object)) []object.Error
	}{
		{"fast", func(d document, text []byte, emit func(*object.Object)) []object.Error {
			var errs errorList
			d.decode(text, emit, &errs)
			return errs.errs
		}},
		{"slow", document.decodeYAML},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for i, doc := range docs {
					d := document{file: "bench.yaml", doc: i + 1, line: doc.line}
					bc.decode(d, doc.text, func(*object.Object) { n++ })
				}
				if n == 0 {
					b.Fatal("no objects")
				}
			}
		})
	}
}

// yamlGen writes random documents in (and near) the fast path's subset.
type yamlGen struct {
	r *rand.Rand
	b strings.Builder
}

var (
	genKeys = []string{"a", "b", "apiVersion", "kind", "name", "on", "y", "1", "0x1F", "1.5", "~", "null", "a b", "x:y",
		"'q'", "\"d\\tq\"", "\"a\"", "'it''s'", "ключ", "-k", "?k", "k#", "a[b]", "a,b", "k ", "\"<<\"", "\"a\" "}
	genBadKeys = []string{"items", "<<", "&a", "!t", "? x", "[a]", "{a: b}", "- a", "a: b", "*a", "%a", "\"a\nb\"", "k\t"}
	genScalars = []string{"x", "hello world", "yes", "No", "on", "0777", "1_000", "0x1F", "0b11", "-0b11", "1e3", ".5", "-1.5",
		"12345678901234567890", "2001-12-14", "~", "null", "500m", "256Mi", "http://x#y", "a #c", "a:b", "\"q\"", "'s'",
		"'it''s'", "\"\\u00e9\\t\\x41\"", "\"a # b\"", "-1", "?x", ":x", "[]", "{}", "[a, b]", "[ a , 'b' , \"c\" ]",
		"{a: 1, b: [c]}", "{\"a\":b}", "[x:y]", "ü", "日本", "[[[]]]", "[-a]", "x,y", "x]", "\"a\tb\"", "-.5", "+1", "0", "007"}
	genBadScalars = []string{".inf", ".nan", "a: b", "\"\\/\"", "-", "[a: b]", "[a, ]", "*a", "&a x", "!!str x", "@x", "`x`",
		"%x", "x\t", "a\tb", "{a: }", "[-]", ",x", "'a", "\"a", "[a", "{a", "- a", "| x"}
	genLines = []string{"", "line", "  indented", "# hash", "trailing  ", "a: b", "- x", "   ", "x", "x\ty", " \ttab"}
)

func (g *yamlGen) pick(list []string) string { return list[g.r.Intn(len(list))] }

func (g *yamlGen) key() string {
	if g.r.Intn(40) == 0 {
		return g.pick(genBadKeys)
	}
	return g.pick(genKeys)
}

func (g *yamlGen) scalar() string {
	if g.r.Intn(30) == 0 {
		return g.pick(genBadScalars)
	}
	return g.pick(genScalars)
}

func (g *yamlGen) spaces(max int) string { return strings.Repeat(" ", g.r.Intn(max+1)) }

func (g *yamlGen) comment() {
	switch g.r.Intn(8) {
	case 0:
		g.b.WriteString(g.spaces(6) + "# comment\n")
	case 1:
		g.b.WriteString(g.spaces(3) + "\n")
	}
}

// value writes the rest of a line after "key:" or "- ", and any block
// under it; indent is the column of the enclosing collection.
func (g *yamlGen) value(indent, depth int) {
	n := g.r.Intn(10)
	if depth > 4 {
		n = g.r.Intn(4)
	}
	switch n {
	case 0:
		if g.r.Intn(3) == 0 {
			g.b.WriteString(g.spaces(2) + "# c")
		}
		g.b.WriteString("\n")
	case 1, 2, 3:
		g.b.WriteString(" " + g.spaces(1) + g.scalar())
		if g.r.Intn(5) == 0 {
			g.b.WriteString(" # c")
		}
		g.b.WriteString("\n")
	case 4:
		header := g.pick([]string{"|", "|-", "|+", ">", ">-", ">+", "| # c", ">- # c"})
		if g.r.Intn(30) == 0 {
			header = "|2"
		}
		g.b.WriteString(" " + header + "\n")
		content := indent + 1 + g.r.Intn(3)
		for i := g.r.Intn(5); i >= 0; i-- {
			switch g.r.Intn(6) {
			case 0:
				g.b.WriteString(g.spaces(content+2) + "\n")
			case 1:
				g.b.WriteString(strings.Repeat(" ", content+1+g.r.Intn(3)) + g.pick(genLines) + "\n")
			default:
				g.b.WriteString(strings.Repeat(" ", content) + g.pick(genLines) + "\n")
			}
		}
	case 5, 6:
		g.b.WriteString("\n")
		g.comment()
		g.mapping(indent+1+g.r.Intn(3), depth+1)
	default:
		g.b.WriteString("\n")
		g.comment()
		seq := indent + g.r.Intn(3)
		if g.r.Intn(2) == 0 {
			seq = indent
		}
		g.sequence(seq, depth+1)
	}
}

func (g *yamlGen) mapping(indent, depth int) {
	for i := 1 + g.r.Intn(4); i > 0; i-- {
		g.b.WriteString(strings.Repeat(" ", indent) + g.key() + g.spaces(1) + ":")
		g.value(indent, depth)
		g.comment()
	}
}

func (g *yamlGen) sequence(indent, depth int) {
	for i := 1 + g.r.Intn(3); i > 0; i-- {
		g.b.WriteString(strings.Repeat(" ", indent) + "-")
		switch g.r.Intn(4) {
		case 0: // a compact mapping
			col := indent + 1 + g.r.Intn(2)
			g.b.WriteString(strings.Repeat(" ", col-indent) + g.key() + ":")
			g.value(col, depth+1)
			if g.r.Intn(2) == 0 {
				g.mapping(col, depth+1)
			}
		default:
			g.value(indent, depth)
		}
		g.comment()
	}
}

// mutate changes one random byte, line or indentation of text.
func (g *yamlGen) mutate(text string) string {
	lines := strings.SplitAfter(text, "\n")
	i := g.r.Intn(len(lines))
	l := lines[i]
	switch g.r.Intn(6) {
	case 0:
		lines[i] = " " + l
	case 1:
		lines[i] = strings.TrimPrefix(l, " ")
	case 2:
		lines = append(lines[:i], lines[i+1:]...)
	case 3:
		if len(l) > 0 {
			j := g.r.Intn(len(l))
			lines[i] = l[:j] + string(" :-#'\"|>[]{},\t\n"[g.r.Intn(15)]) + l[j:]
		}
	case 4:
		lines = append(lines[:i], append([]string{lines[g.r.Intn(len(lines))]}, lines[i:]...)...)
	case 5:
		if len(l) > 0 {
			j := g.r.Intn(len(l))
			lines[i] = l[:j] + l[j+1:]
		}
	}
	return strings.Join(lines, "")
}

func (g *yamlGen) document() string {
	g.b.Reset()
	if g.r.Intn(4) == 0 {
		g.b.WriteString("# head\n---\n")
	}
	g.mapping(0, 0)
	text := g.b.String()
	for m := g.r.Intn(4) - 1; m > 0; m-- {
		text = g.mutate(text)
	}
	if g.r.Intn(8) == 0 {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	if g.r.Intn(8) == 0 {
		text = strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r")
	}
	return text
}

// TestFastPathRandom compares the two paths on random documents in and near
// the fast path's subset.
func TestFastPathRandom(t *testing.T) {
	n := 30000
	if testing.Short() {
		n = 3000
	}
	g := &yamlGen{r: rand.New(rand.NewSource(1))}
	fast := 0
	for i := 0; i < n; i++ {
		text := g.document()
		if compareFast(t, fmt.Sprintf("random document %d", i), []byte(text)) {
			fast++
		}
		if t.Failed() {
			break
		}
	}
	t.Logf("%d of %d random documents took the fast path", fast, n)
}

// BenchmarkConvert compares the fast path with the slow path (yaml.v3's parse
// and line walk, and kubectl's reader), up to the JSON text and line index.
func BenchmarkConvert(b *testing.B) {
	data := benchmarkInput(b)
	docs := splitDocuments(data)
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var c converter
		for b.Loop() {
			for _, doc := range docs {
				c.reset(doc.line - 1)
				c.fast(doc.text)
			}
		}
	})
	b.Run("slow", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var c converter
		for b.Loop() {
			for _, doc := range docs {
				var root yaml.Node
				if yaml.Unmarshal(doc.text, &root) != nil || len(root.Content) == 0 {
					continue
				}
				c.reset(doc.line - 1)
				c.index(root.Content[0])
				_, _ = kubectlJSON(doc.text)
			}
		}
	})
}
