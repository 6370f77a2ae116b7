package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	sigsjson "sigs.k8s.io/json"

	"github.com/kubestride/kubestride/internal/object"
)

// kubectlObject is one object as kubectl would send it to the API server.
type kubectlObject struct {
	apiVersion, kind, namespace, name string
	json                              []byte
}

// kubectlRead reads a file as `kubectl create -f` does: apimachinery's
// YAML-or-JSON stream decoder (YAML documents converted to JSON by
// sigs.k8s.io/yaml), each document decoded by the unstructured scheme, and
// Lists (anything with items) flattened into their items. It returns what
// kubectl would send, up to the first document it fails on, and that failure.
func kubectlRead(data []byte) ([]kubectlObject, error) {
	var out []kubectlObject
	var add func(data []byte) error
	add = func(data []byte) error {
		obj, _, err := unstructured.UnstructuredJSONScheme.Decode(data, nil, nil)
		if err != nil {
			return err
		}
		if list, ok := obj.(*unstructured.UnstructuredList); ok {
			for _, item := range list.Items {
				b, err := item.MarshalJSON()
				if err != nil {
					return err
				}
				if err := add(b); err != nil {
					return err
				}
			}
			return nil
		}
		u := obj.(*unstructured.Unstructured)
		out = append(out, kubectlObject{u.GetAPIVersion(), u.GetKind(), u.GetNamespace(), u.GetName(), data})
		return nil
	}
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var ext runtime.RawExtension
		if err := d.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		ext.Raw = bytes.TrimSpace(ext.Raw)
		if len(ext.Raw) == 0 || string(ext.Raw) == "null" {
			continue
		}
		if err := add(ext.Raw); err != nil {
			return out, err
		}
	}
}

// limitError reports whether an error is one of the loader's limits, which
// may refuse what kubectl reads (and say so).
func limitError(e object.Error) bool {
	return strings.Contains(e.Message, "document expands YAML aliases") || strings.Contains(e.Message, "deeper than")
}

// compareWithKubectl fails t when kubestride reads data otherwise than
// kubectl: every object kubectl would send must be read, with the same
// content, unless kubestride reports a limit it hit. kubectl's reader is not
// always deterministic (keys such as 0 and .0 become the same JSON key in
// map order), so a difference counts only when no one of several readings
// by kubectl agrees.
func compareWithKubectl(t *testing.T, data []byte) {
	t.Helper()
	var ours []*object.Object
	errs := Decode("f.yaml", data, func(o *object.Object) { ours = append(ours, o) })
	for _, e := range errs {
		if limitError(e) {
			return // refused loudly; the reference might take seconds
		}
	}
	var problems []string
	for try := 0; try < 10; try++ {
		if problems = compareOnce(ours, errs, data); len(problems) == 0 {
			return
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func compareOnce(ours []*object.Object, errs []object.Error, data []byte) []string {
	want, kerr := kubectlRead(data)
	byKey := map[string][]*object.Object{}
	for _, o := range ours {
		k := o.APIVersion + "/" + o.Kind + "/" + o.Namespace() + "/" + o.Name()
		byKey[k] = append(byKey[k], o)
	}
	var problems []string
	for _, w := range want {
		if w.apiVersion == "" || w.kind == "" {
			continue // kubectl cannot map it to a resource: an error there too
		}
		k := w.apiVersion + "/" + w.kind + "/" + w.namespace + "/" + w.name
		if len(byKey[k]) == 0 && serverRejects(w) {
			continue // kubestride reported the error the API server would give
		}
		if len(byKey[k]) == 0 {
			problems = append(problems, fmt.Sprintf("kubectl sends %s %q, which kubestride does not read (errors %v; kubectl: %v)\ninput: %q", w.kind, w.name, errs, kerr, data))
			continue
		}
		got := byKey[k][0]
		byKey[k] = byKey[k][1:]
		if msg := sameObject(got, w); msg != "" {
			problems = append(problems, fmt.Sprintf("kubestride reads %s %q otherwise than kubectl: %s\ninput: %q", w.kind, w.name, msg, data))
		}
	}
	return problems
}

// serverRejects reports whether the API server rejects kubectl's JSON for
// a built-in kind because a field has the wrong type.
func serverRejects(w kubectlObject) bool {
	gv, err := schema.ParseGroupVersion(w.apiVersion)
	if err != nil {
		return true
	}
	typed, err := scheme.Scheme.New(gv.WithKind(w.kind))
	if err != nil {
		// A custom resource: the API server requires object metadata.
		_, err := decodeMeta(w.json)
		return err != nil
	}
	return sigsjson.UnmarshalCaseSensitivePreserveInts(w.json, typed) != nil
}

// sameObject compares kubestride's object with kubectl's JSON, decoded as
// the API server decodes it.
func sameObject(got *object.Object, want kubectlObject) string {
	gv, err := schema.ParseGroupVersion(want.apiVersion)
	if err != nil {
		return ""
	}
	typed, err := scheme.Scheme.New(gv.WithKind(want.kind))
	if err != nil {
		// Not built in: kubestride keeps the JSON.
		g, gerr := canonicalJSON(string(got.Raw))
		w, werr := canonicalJSON(string(want.json))
		if gerr != nil || werr != nil || fmt.Sprint(g) != fmt.Sprint(w) {
			return fmt.Sprintf("JSON %s, kubectl's %s", got.Raw, want.json)
		}
		return ""
	}
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(want.json, typed); err != nil {
		return "" // the API server rejects it; kubestride reported or read it
	}
	if got.Typed == nil {
		return "not decoded into its type"
	}
	if modern, ok := modernKinds[gv.WithKind(want.kind)]; ok {
		current, err := scheme.Scheme.New(modern)
		if err == nil && sigsjson.UnmarshalCaseSensitivePreserveInts(want.json, current) == nil {
			typed = current
		}
	}
	if !equality.Semantic.DeepEqual(got.Typed, typed) {
		return fmt.Sprintf("kubestride %+v\nkubectl    %+v", got.Typed, typed)
	}
	return ""
}

var kubectlSeeds = []string{
	"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b, securityContext: {privileged: false, <<: {privileged: true}}}]\n",
	"a: &a {k: v}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  <<: [*a, {k: w, l: x}]\n  m: !!binary aGk=\n",
	"%TAG !e! tag:yaml.org,2002:\n---\napiVersion: v1\nkind: !e!str Pod\nmetadata: {name: p}\n",
	"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- {apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: b}}]}\n",
	"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}\n{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"q\"}}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, annotations: {x: \"\\e\\0\\x7f\"}}\nspec: {hostPID: !!bool \"true\"}\n...\n",
	"apiVersion: v1\r\nkind: Secret\r\nmetadata: {name: s}\r\nstringData: {a: yes, b: 0777, c: 1e3, d: ~}\r\n",
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - &c {name: a, image: x}\n      - <<: *c\n        name: b\n",
	"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {a: [1, 2.5, true, null], b: !!float 3}\n",
}

// TestKubectlDifferential runs the comparison on the seeds, the adversarial
// manifests and every manifest under the checks' testdata and examples.
func TestKubectlDifferential(t *testing.T) {
	inputs := append([]string(nil), kubectlSeeds...)
	for _, a := range AdversarialManifests() {
		inputs = append(inputs, a.Text)
	}
	for _, dir := range []string{"../checks/testdata", "../../examples"} {
		for _, f := range manifestFiles(t, dir) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, string(data))
		}
	}
	for _, in := range inputs {
		compareWithKubectl(t, []byte(in))
	}
	t.Logf("%d inputs compared", len(inputs))
}

// FuzzKubectl holds the loader to kubectl's reader on mutated manifests:
// tags, merge keys, anchors, escapes and several documents.
func FuzzKubectl(f *testing.F) {
	for _, s := range kubectlSeeds {
		f.Add([]byte(s))
	}
	for _, a := range AdversarialManifests() {
		f.Add([]byte(a.Text))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		compareWithKubectl(t, data)
	})
}
