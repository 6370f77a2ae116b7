package webhook

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/psatestdata"
)

// managedPod is a pod as the API server sends it in a review: defaulted,
// with the managedFields of the client that created it.
const managedPod = `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"bench-1","namespace":"apps","uid":"6c3d1d1e-8f0e-4a43-9c55-0b5f4d0e8a11","creationTimestamp":"2026-12-02T22:00:00Z","labels":{"app":"bench"},"managedFields":[{"manager":"admissionbench","operation":"Update","apiVersion":"v1","time":"2026-12-02T22:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:automountServiceAccountToken":{},"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}},"f:securityContext":{".":{},"f:allowPrivilegeEscalation":{},"f:capabilities":{".":{},"f:drop":{}},"f:readOnlyRootFilesystem":{}},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{".":{},"f:runAsNonRoot":{},"f:seccompProfile":{".":{},"f:type":{}}},"f:terminationGracePeriodSeconds":{}}}}]},"spec":{"containers":[{"name":"app","image":"registry.example/app@sha256:0000000000000000000000000000000000000000000000000000000000000000","resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent","securityContext":{"capabilities":{"drop":["ALL"]},"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false}}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","automountServiceAccountToken":false,"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"Pending","qosClass":"Burstable"}}`

// TestWithoutManagedFieldsDecodesTheSame: on every Pod Security Admission
// fixture, with managedFields added where the API server puts them and
// without, decoding the cut text gives the pod decoding the whole text
// gives, less its managedFields; and the cut happens.
func TestWithoutManagedFieldsDecodesTheSame(t *testing.T) {
	var mf struct {
		Metadata struct {
			ManagedFields json.RawMessage `json:"managedFields"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal([]byte(managedPod), &mf); err != nil {
		t.Fatal(err)
	}
	texts := []string{managedPod}
	root, err := psatestdata.Root()
	if err != nil {
		t.Fatalf("cannot find the Pod Security Admission fixtures (run go mod download): %v", err)
	}
	fixtures, err := psatestdata.All(root)
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no Pod Security Admission fixtures in %s: %v", root, err)
	}
	{
		for _, f := range fixtures {
			data, err := os.ReadFile(f.File)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := sigsyaml.YAMLToJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, string(raw))
			var obj map[string]any
			if err := json.Unmarshal(raw, &obj); err != nil {
				t.Fatal(err)
			}
			meta, _ := obj["metadata"].(map[string]any)
			if meta == nil {
				continue
			}
			meta["managedFields"] = mf.Metadata.ManagedFields
			with, _ := json.Marshal(obj) // sorted keys: managedFields in the middle
			texts = append(texts, string(with))
		}
	}
	cut := 0
	for _, text := range texts {
		var whole, part corev1.Pod
		if err := json.Unmarshal([]byte(text), &whole); err != nil {
			t.Fatal(err)
		}
		stripped := withoutManagedFields([]byte(text))
		if err := json.Unmarshal(stripped, &part); err != nil {
			t.Fatalf("cut text does not decode: %v\n%s", err, stripped)
		}
		if len(stripped) < len(text) {
			cut++
			if part.ManagedFields != nil || whole.ManagedFields == nil {
				t.Errorf("cut text keeps managedFields, or the whole had none:\n%s", stripped)
			}
		}
		whole.ManagedFields = nil
		if !reflect.DeepEqual(whole, part) {
			t.Errorf("decoding the cut text differs:\n%s\n%s", text, stripped)
		}
	}
	if want := 1 + (len(texts)-1)/2; cut != want {
		t.Errorf("cut %d of %d texts, want %d (every one with managedFields)", cut, len(texts), want)
	}
}

func TestWithoutManagedFieldsEdges(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"metadata":{"managedFields":[]}}`, `{"metadata":{}}`},
		{`{"metadata":{"managedFields":[1], "name":"a"}}`, `{"metadata":{"name":"a"}}`},
		{`{"metadata":{"name":"a" , "managedFields":{"x":"]}"}}}`, `{"metadata":{"name":"a"}}`},
		{` { "kind" : "Pod" , "metadata" : { "a" : [1, 2.5e3, -0, true, null] , "managedFields" : "x\"y" , "b" : {} } }`,
			` { "kind" : "Pod" , "metadata" : { "a" : [1, 2.5e3, -0, true, null] , "b" : {} } }`},
		// Left alone: no managedFields, duplicates, escaped keys, bad JSON.
		{`{"metadata":{"name":"a"}}`, ``},
		{`{"metadata":{"managedFields":[],"managedFields":[]}}`, ``},
		{`{"metadata":{},"metadata":{"managedFields":[]}}`, ``},
		{`{"metadata":{"managed\u0046ields":[]}}`, ``},
		{`{"metadata":{"managedFields":[01]}}`, ``},
		{`{"metadata":{"managedFields":["\q"]}}`, ``},
		{`{"metadata":{"managedFields":[}}`, ``},
		{`{"metadata":{"managedFields":[]}`, ``},
		{`["metadata"]`, ``},
	} {
		want := tc.want
		if want == "" {
			want = tc.in
		}
		if got := string(withoutManagedFields([]byte(tc.in))); got != want {
			t.Errorf("withoutManagedFields(%s) = %s, want %s", tc.in, got, want)
		}
	}
}

// FuzzWithoutManagedFields: whatever the input, a cut is made only in valid
// JSON, keeps it valid, and removes metadata.managedFields and nothing else.
func FuzzWithoutManagedFields(f *testing.F) {
	f.Add(managedPod)
	f.Add(`{"metadata":{"name":"a","managedFields":[{"x":1}]},"spec":{}}`)
	f.Add(`{"metadata":{"managedFields":null}}`)
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 1<<16 {
			return
		}
		out := string(withoutManagedFields([]byte(in)))
		if out == in {
			return
		}
		if !json.Valid([]byte(in)) || !json.Valid([]byte(out)) {
			t.Fatalf("cut made in or into invalid JSON:\n%q\n%q", in, out)
		}
		var a, b map[string]any
		if json.Unmarshal([]byte(in), &a) != nil || json.Unmarshal([]byte(out), &b) != nil {
			t.Fatalf("not objects:\n%q\n%q", in, out)
		}
		meta, ok := a["metadata"].(map[string]any)
		if !ok {
			t.Fatalf("cut without metadata object: %q", in)
		}
		if _, ok := meta["managedFields"]; !ok {
			t.Fatalf("cut without managedFields: %q", in)
		}
		delete(meta, "managedFields")
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("cut changed more than managedFields:\n%q\n%q", in, out)
		}
		if strings.Count(out, "managedFields") >= strings.Count(in, "managedFields") {
			t.Fatalf("nothing named managedFields was cut:\n%q\n%q", in, out)
		}
	})
}
