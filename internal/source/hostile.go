package source

import (
	"fmt"
	"strings"
)

// HostileInput is a named input built to blind or bring down a manifest
// reader. The loader's tests and hack/hostile (which measures the CLI on
// them) share this list, so that what is measured is what is tested.
type HostileInput struct {
	Name string
	// Text is the input; it ends with an object that must still be read.
	Text string
	// Err is a part of the error the input must give.
	Err string
}

// survivor is a privileged pod at the end of every hostile input: a reader
// that gives up on the whole input would miss it.
const survivor = `---
apiVersion: v1
kind: Pod
metadata: {name: survivor}
spec:
  containers:
  - {name: app, image: app, securityContext: {privileged: true}}
`

// HostileInputs returns the alias and merge-key bombs, the floods and the
// cycles that the loader bounds, each followed by a privileged pod.
func HostileInputs() []HostileInput {
	var in []HostileInput
	add := func(name, text, err string) {
		in = append(in, HostileInput{Name: name, Text: text + survivor, Err: err})
	}

	// A List whose items are Lists of Lists: 2^30 pods from 1.9 KB.
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\nmetadata: {name: bomb}\nx-pods:\n")
	b.WriteString("- &l0 {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: b}]}}\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "- &l%d {apiVersion: v1, kind: List, items: [*l%d, *l%d]}\n", i, i-1, i-1)
	}
	b.WriteString("items: [*l30]\n")
	add("list alias bomb", b.String(), "document expands YAML aliases")

	// Merge keys whose sources merge the level below twice: 2^60 keys
	// visited from 1.6 KB, though the result has one key.
	b.Reset()
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: merge}\nx:\n- &m0 {k: v}\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "- &m%d {<<: [*m%d, *m%d]}\n", i, i-1, i-1)
	}
	b.WriteString("data: *m60\n")
	add("merge-key bomb", b.String(), "document expands YAML aliases")

	// Many documents, each expanding to a million nodes (a billion-laughs
	// six levels deep): under any per-document cap, ruinous together.
	laughs := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\nx:\n- &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f"} {
		laughs += "- &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = name
	}
	laughs += "---\n"
	add("documents each under a per-document cap", strings.Repeat(laughs, 3000), "document expands YAML aliases")

	// A List whose items alias the items, and a List item that is a List
	// holding itself.
	add("list items aliasing themselves", "apiVersion: v1\nkind: List\nitems: &items\n- *items\n", "an alias refers to a node that contains it")
	add("list item holding itself", "apiVersion: v1\nkind: List\nitems:\n- &self {apiVersion: v1, kind: List, items: [*self]}\n", "an alias refers to a node that contains it")

	// 40 MiB of broken documents.
	add("error flood", strings.Repeat("a\n---\n", 40<<20/6), "more errors in this file not shown")

	// Deep nesting.
	add("deep nesting", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: "+strings.Repeat("[", 5000)+strings.Repeat("]", 5000)+"\n", "deeper than")
	return in
}

// Adversarial is a manifest built to make a reader see other than what
// kubectl applies. Each holds a Pod "p" that kubectl applies with Want
// ("privileged": its first container privileged, or "hostPID").
type Adversarial struct {
	Name, Text, Want string
}

const podHead = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"

// AdversarialManifests returns the manifests that once made the loader see
// a different pod than kubectl applies: merge keys, tags, escapes, keys set
// twice, items on a kind that is not a List. The loader's tests and the
// end-to-end test that applies them to a real API server share the list.
func AdversarialManifests() []Adversarial {
	return []Adversarial{
		{"merge key after an explicit key", podHead + "spec:\n  containers:\n  - name: a\n    image: b\n    securityContext: {privileged: false, <<: {privileged: true}}\n", "privileged"},
		{"two merge keys, the later one true", podHead + "spec:\n  containers:\n  - name: a\n    image: b\n    securityContext:\n      <<: {privileged: false}\n      <<: {privileged: true}\n", "privileged"},
		{"merge list, the earlier source wins", podHead + "spec:\n  containers:\n  - name: a\n    image: b\n    securityContext:\n      privileged: false\n      <<: [{privileged: true}, {privileged: false}]\n", "privileged"},
		{"merge through an alias", podHead + "x: &sc {privileged: true}\nspec:\n  containers:\n  - name: a\n    image: b\n    securityContext: {privileged: false, <<: *sc}\n", "privileged"},
		{"kind in !!binary", "apiVersion: v1\nkind: !!binary UG9k\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"apiVersion in !!binary", "apiVersion: !!binary djE=\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"%TAG alias of the core schema", "%TAG !e! tag:yaml.org,2002:\n---\napiVersion: v1\nkind: !e!binary UG9k\nmetadata: {name: p}\nspec:\n  hostPID: !e!bool \"true\"\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"a key in !!binary", podHead + "spec:\n  !!binary aG9zdFBJRA==: true\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"!!bool on a quoted string", podHead + "spec:\n  hostPID: !!bool \"true\"\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"!!int on a quoted string", podHead + "spec:\n  hostPID: true\n  containers:\n  - name: a\n    image: b\n    securityContext: {runAsUser: !!int \"0\", privileged: true}\n", "privileged"},
		{"YAML 1.1 boolean", podHead + "spec:\n  hostPID: yes\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"escape \\e in an annotation", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {a: \"\\e[2J\"}}\nspec:\n  hostPID: true\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"escapes \\a \\x7f \\0", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {a: \"\\a\\x7f\\0\\x01\"}}\nspec:\n  hostPID: true\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"JSON with \\u001b", `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"a": "\u001b]0;x\u0007"}}, "spec": {"hostPID": true, "containers": [{"name": "a", "image": "b"}]}}` + "\n", "hostPID"},
		{"a non-printing rune beyond the BMP", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {a: \"\\U000e0001\"}}\nspec:\n  hostPID: true\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"duplicate key, the last true", podHead + "spec:\n  hostPID: false\n  hostPID: true\n  containers: [{name: a, image: b}]\n", "hostPID"},
		{"items on a kind that is not a List", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(podHead, "\n"), "\n", "\n  ") + "\n  spec:\n    hostPID: true\n    containers: [{name: a, image: b}]\n", "hostPID"},
	}
}
