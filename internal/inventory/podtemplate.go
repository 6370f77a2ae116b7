package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kjson "sigs.k8s.io/json"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/object"
)

// PodTemplate says where objects of a kind that is not built in (a custom
// resource) hold what their controller turns into pods.
type PodTemplate struct {
	// Group is the API group, as in argoproj.io.
	Group string `json:"group"`
	// Kind is the kind, as in Rollout.
	Kind string `json:"kind"`
	// Versions lists the API versions the entry applies to; empty means
	// every version.
	Versions []string `json:"versions,omitempty"`
	// Path is the field that holds the pod: a pod template (a mapping with
	// metadata and spec, as spec.template of a Deployment) or a pod spec
	// itself (a mapping with containers). The pods' metadata is the
	// template's; for a pod spec at a field named spec, the metadata beside
	// it.
	Path string `json:"path"`
	// Workflow marks an Argo Workflows spec at Path: each entry of its
	// templates that runs containers is a pod of its own, whose pod-level
	// fields come from the workflow spec and the template (see
	// argoWorkloads).
	Workflow bool `json:"workflow,omitempty"`
}

// DefaultPodTemplates lists the custom resources kubestride knows to embed
// pods: Argo Rollouts, Knative Serving, OpenKruise and Argo Workflows.
func DefaultPodTemplates() []PodTemplate {
	return []PodTemplate{
		{Group: "argoproj.io", Kind: "Rollout", Path: "spec.template"},
		{Group: "serving.knative.dev", Kind: "Service", Path: "spec.template"},
		{Group: "serving.knative.dev", Kind: "Configuration", Path: "spec.template"},
		{Group: "serving.knative.dev", Kind: "Revision", Path: "spec"},
		{Group: "apps.kruise.io", Kind: "CloneSet", Path: "spec.template"},
		{Group: "apps.kruise.io", Kind: "StatefulSet", Path: "spec.template"},
		{Group: "apps.kruise.io", Kind: "DaemonSet", Path: "spec.template"},
		{Group: "apps.kruise.io", Kind: "BroadcastJob", Path: "spec.template"},
		{Group: "apps.kruise.io", Kind: "AdvancedCronJob", Path: "spec.template.jobTemplate.spec.template"},
		{Group: "apps.kruise.io", Kind: "AdvancedCronJob", Path: "spec.template.broadcastJobTemplate.spec.template"},
		{Group: "argoproj.io", Kind: "Workflow", Path: "spec", Workflow: true},
		{Group: "argoproj.io", Kind: "WorkflowTemplate", Path: "spec", Workflow: true},
		{Group: "argoproj.io", Kind: "ClusterWorkflowTemplate", Path: "spec", Workflow: true},
		{Group: "argoproj.io", Kind: "CronWorkflow", Path: "spec.workflowSpec", Workflow: true},
	}
}

// PodTemplates is a table of PodTemplate entries, looked up by group and
// kind. The zero value and nil hold no entries.
type PodTemplates struct {
	byKind map[string][]PodTemplate
}

// NewPodTemplates returns the built-in table (DefaultPodTemplates) extended
// by extra. An extra entry for a group, kind and path the table already holds
// replaces it.
func NewPodTemplates(extra ...PodTemplate) *PodTemplates {
	t := &PodTemplates{byKind: map[string][]PodTemplate{}}
	for _, e := range append(DefaultPodTemplates(), extra...) {
		k := e.Group + "/" + e.Kind
		list := t.byKind[k]
		if i := slices.IndexFunc(list, func(o PodTemplate) bool { return o.Path == e.Path }); i >= 0 {
			list[i] = e
			continue
		}
		t.byKind[k] = append(list, e)
	}
	return t
}

// defaultTemplates is the built-in table, shared by inventories made with New.
var defaultTemplates = NewPodTemplates()

// For returns the entries that apply to objects of apiVersion and kind.
func (t *PodTemplates) For(apiVersion, kind string) []PodTemplate {
	if t == nil {
		return nil
	}
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, version = "", apiVersion
	}
	var out []PodTemplate
	for _, e := range t.byKind[group+"/"+kind] {
		if len(e.Versions) == 0 || slices.Contains(e.Versions, version) {
			out = append(out, e)
		}
	}
	return out
}

// customWorkloads returns the workloads a custom resource holds at the
// table's paths for its kind, and what could not be decoded.
func customWorkloads(obj *object.Object, t *PodTemplates) ([]*Workload, []object.Error) {
	if obj.Typed != nil || len(obj.Raw) == 0 {
		return nil, nil
	}
	var out []*Workload
	var errs []object.Error
	for _, e := range t.For(obj.APIVersion, obj.Kind) {
		raw, ok := rawAt(obj.Raw, fieldpath.Parse(e.Path))
		if !ok {
			continue // not set: this object does not use that form
		}
		var ws []*Workload
		var err error
		if e.Workflow {
			ws, err = argoWorkloads(obj, e.Path, raw)
		} else {
			var w *Workload
			w, err = templateWorkload(obj, e.Path, raw)
			if w != nil {
				ws = []*Workload{w}
			}
		}
		if err != nil {
			errs = append(errs, podSpecError(obj, e.Path, err))
			continue
		}
		out = append(out, ws...)
	}
	return out, errs
}

// podSpecError is the input error for a pod that could not be decoded.
func podSpecError(obj *object.Object, path string, err error) object.Error {
	if de, ok := err.(*decodeError); ok {
		path, err = de.path, de.err
	}
	return object.Error{
		File: obj.Origin.File, Doc: obj.Origin.Doc, Line: obj.Line(path),
		Message: fmt.Sprintf("%s %s: %s: pod spec could not be read, so no check evaluated it: %v", obj.Kind, objectName(obj), path, err),
	}
}

// decodeError is a decoding failure at a path below the table's.
type decodeError struct {
	path string
	err  error
}

func (e *decodeError) Error() string { return e.path + ": " + e.err.Error() }

func objectName(obj *object.Object) string {
	if ns := obj.Namespace(); ns != "" {
		return ns + "/" + obj.Name()
	}
	return obj.Name()
}

// rawAt returns the JSON value at segs in raw; false when a segment is
// missing or null.
func rawAt(raw []byte, segs []fieldpath.Segment) (json.RawMessage, bool) {
	cur := json.RawMessage(raw)
	for _, s := range segs {
		if s.IsIndex {
			var list []json.RawMessage
			if json.Unmarshal(cur, &list) != nil || s.Index >= len(list) {
				return nil, false
			}
			cur = list[s.Index]
			continue
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(cur, &m) != nil {
			return nil, false
		}
		v, ok := m[s.Key]
		if !ok {
			return nil, false
		}
		cur = v
	}
	if isNull(cur) {
		return nil, false
	}
	return cur, true
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// decodeStrict decodes raw into v as the API server reads a field: case
// sensitively, with integers kept exact. Fields v does not have are passed
// over (a custom resource's pod may carry fields of its own, such as
// Knative's containerConcurrency), so that nothing Kubernetes would honour
// is lost and nothing it would not is invented.
func decodeStrict(raw []byte, v any) error {
	_, err := kjson.UnmarshalStrict(raw, v)
	return err
}

// templateWorkload reads the pod template or pod spec at path.
func templateWorkload(obj *object.Object, path string, raw json.RawMessage) (*Workload, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, &decodeError{path, fmt.Errorf("must be a mapping")}
	}
	specPath, metaPath := path, ""
	specRaw, metaRaw := raw, json.RawMessage(nil)
	_, hasContainers := fields["containers"]
	_, hasInit := fields["initContainers"]
	switch {
	case hasContainers || hasInit:
		// A pod spec: the pods' metadata is the one beside it.
		if segs := fieldpath.Parse(path); len(segs) > 0 && !segs[len(segs)-1].IsIndex && segs[len(segs)-1].Key == "spec" {
			metaPath = strings.TrimSuffix(strings.TrimSuffix(path, "spec"), ".")
			metaPath = fieldpath.Join(metaPath, "metadata")
			if metaPath == "metadata" {
				metaRaw = nil // the object's own, read below
			} else {
				metaRaw, _ = rawAt(obj.Raw, fieldpath.Parse(metaPath))
			}
		}
	case !isNull(fields["spec"]):
		specPath, metaPath = fieldpath.Join(path, "spec"), fieldpath.Join(path, "metadata")
		specRaw, metaRaw = fields["spec"], fields["metadata"]
	default:
		return nil, nil // neither: the kind holds no pod here in this form
	}
	w := &Workload{Object: obj, SpecPath: specPath, MetaPath: metaPath, Spec: &corev1.PodSpec{}, PodMeta: &metav1.ObjectMeta{}}
	if err := decodeStrict(specRaw, w.Spec); err != nil {
		return nil, &decodeError{specPath, err}
	}
	switch {
	case metaPath == "metadata":
		w.PodMeta = obj.Meta
	case !isNull(metaRaw):
		if err := decodeStrict(metaRaw, w.PodMeta); err != nil {
			return nil, &decodeError{metaPath, err}
		}
	}
	if metaPath == "" {
		w.MetaPath = "metadata"
		w.PodMeta = obj.Meta
	}
	w.containers = w.listContainers()
	return w, nil
}
