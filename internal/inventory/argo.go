package inventory

import (
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/object"
)

// Argo Workflows runs each template that holds containers (container,
// script, containerSet, with its initContainers and sidecars) as a pod of
// its own. The pod-level fields come from the workflow spec, and a template
// overrides some of them: securityContext, serviceAccountName and
// automountServiceAccountToken replace the workflow's, its volumes join the
// workflow volumes its containers mount, hostNetwork is the workflow's, pod
// metadata merges the workflow's podMetadata with the template's metadata,
// and podSpecPatch (the workflow's, then the template's) is merged into the
// pod spec last, as a strategic merge patch.

// argoPodFields are the pod-level fields a workflow spec and a template
// share.
type argoPodFields struct {
	SecurityContext              *corev1.PodSecurityContext `json:"securityContext"`
	Volumes                      []corev1.Volume            `json:"volumes"`
	ServiceAccountName           string                     `json:"serviceAccountName"`
	AutomountServiceAccountToken *bool                      `json:"automountServiceAccountToken"`
	PodSpecPatch                 string                     `json:"podSpecPatch"`
}

type argoMeta struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

type argoWorkflowSpec struct {
	argoPodFields
	HostNetwork *bool             `json:"hostNetwork"`
	PodMetadata *argoMeta         `json:"podMetadata"`
	Templates   []json.RawMessage `json:"templates"`
}

type argoTemplate struct {
	argoPodFields
	Metadata     *argoMeta         `json:"metadata"`
	Container    *corev1.Container `json:"container"`
	Script       *corev1.Container `json:"script"`
	ContainerSet *struct {
		Containers   []corev1.Container   `json:"containers"`
		VolumeMounts []corev1.VolumeMount `json:"volumeMounts"`
	} `json:"containerSet"`
	InitContainers []corev1.Container `json:"initContainers"`
	Sidecars       []corev1.Container `json:"sidecars"`
}

// argoMainContainer is the name Argo gives the container of a container or
// script template.
const argoMainContainer = "main"

// argoWorkloads returns one workload per template of the workflow spec at
// path that runs containers.
func argoWorkloads(obj *object.Object, path string, raw json.RawMessage) ([]*Workload, error) {
	var wf argoWorkflowSpec
	if err := decodeStrict(raw, &wf); err != nil {
		return nil, &decodeError{path, err}
	}
	wfFields, err := keys(raw)
	if err != nil {
		return nil, &decodeError{path, err}
	}
	var out []*Workload
	for i, traw := range wf.Templates {
		tpath := fieldpath.Index(fieldpath.Join(path, "templates"), i)
		w, err := argoTemplateWorkload(obj, path, wfFields, &wf, tpath, traw)
		if err != nil {
			return nil, err
		}
		if w != nil {
			out = append(out, w)
		}
	}
	return out, nil
}

func keys(raw json.RawMessage) (map[string]bool, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("must be a mapping")
	}
	out := make(map[string]bool, len(m))
	for k, v := range m {
		if !isNull(v) {
			out[k] = true
		}
	}
	return out, nil
}

func argoTemplateWorkload(obj *object.Object, wfPath string, wfFields map[string]bool, wf *argoWorkflowSpec, tpath string, raw json.RawMessage) (*Workload, error) {
	var t argoTemplate
	if err := decodeStrict(raw, &t); err != nil {
		return nil, &decodeError{tpath, err}
	}
	if t.Container == nil && t.Script == nil && t.ContainerSet == nil {
		return nil, nil // steps, dag, resource, suspend…: no pod of the template's own containers
	}
	tFields, err := keys(raw)
	if err != nil {
		return nil, &decodeError{tpath, err}
	}
	spec := &corev1.PodSpec{}
	var initPaths, ctrPaths []string
	for j, c := range t.InitContainers {
		spec.InitContainers = append(spec.InitContainers, c)
		initPaths = append(initPaths, fieldpath.Index(fieldpath.Join(tpath, "initContainers"), j))
	}
	main := func(c *corev1.Container, field string) {
		ctr := *c
		ctr.Name = argoMainContainer
		spec.Containers = append(spec.Containers, ctr)
		ctrPaths = append(ctrPaths, fieldpath.Join(tpath, field))
	}
	switch {
	case t.Container != nil:
		main(t.Container, "container")
	case t.Script != nil:
		main(t.Script, "script")
	}
	if t.ContainerSet != nil {
		for j, c := range t.ContainerSet.Containers {
			spec.Containers = append(spec.Containers, c)
			ctrPaths = append(ctrPaths, fieldpath.Index(fieldpath.Join(tpath, "containerSet.containers"), j))
		}
	}
	for j, c := range t.Sidecars {
		spec.Containers = append(spec.Containers, c)
		ctrPaths = append(ctrPaths, fieldpath.Index(fieldpath.Join(tpath, "sidecars"), j))
	}

	// Pod-level fields: the template's where it sets them, else the workflow's.
	pick := func(field string) string {
		if tFields[field] {
			return fieldpath.Join(tpath, field)
		}
		return fieldpath.Join(wfPath, field)
	}
	spec.SecurityContext = wf.SecurityContext
	if t.SecurityContext != nil {
		spec.SecurityContext = t.SecurityContext
	}
	spec.ServiceAccountName = wf.ServiceAccountName
	if t.ServiceAccountName != "" {
		spec.ServiceAccountName = t.ServiceAccountName
	}
	spec.AutomountServiceAccountToken = wf.AutomountServiceAccountToken
	if t.AutomountServiceAccountToken != nil {
		spec.AutomountServiceAccountToken = t.AutomountServiceAccountToken
	}
	if wf.HostNetwork != nil {
		spec.HostNetwork = *wf.HostNetwork
	}
	// Volumes: the template's, then the workflow's that a container mounts.
	var volPaths []string
	have := map[string]bool{}
	for j, v := range t.Volumes {
		spec.Volumes = append(spec.Volumes, v)
		volPaths = append(volPaths, fieldpath.Index(fieldpath.Join(tpath, "volumes"), j))
		have[v.Name] = true
	}
	mounted := map[string]bool{}
	if t.ContainerSet != nil {
		for _, m := range t.ContainerSet.VolumeMounts {
			mounted[m.Name] = true
		}
	}
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range list {
			for _, m := range c.VolumeMounts {
				mounted[m.Name] = true
			}
		}
	}
	for j, v := range wf.Volumes {
		if mounted[v.Name] && !have[v.Name] {
			spec.Volumes = append(spec.Volumes, v)
			volPaths = append(volPaths, fieldpath.Index(fieldpath.Join(wfPath, "volumes"), j))
		}
	}

	meta := &metav1.ObjectMeta{}
	for _, m := range []*argoMeta{wf.PodMetadata, t.Metadata} {
		if m == nil {
			continue
		}
		if len(m.Labels) > 0 {
			meta.Labels = mergeMaps(meta.Labels, m.Labels)
		}
		if len(m.Annotations) > 0 {
			meta.Annotations = mergeMaps(meta.Annotations, m.Annotations)
		}
	}
	metaPath := fieldpath.Join(tpath, "metadata")
	if !tFields["metadata"] && wfFields["podMetadata"] {
		metaPath = fieldpath.Join(wfPath, "podMetadata")
	}

	// podSpecPatch: the workflow's, then the template's.
	var patchPath string
	for _, p := range []struct{ path, patch string }{
		{fieldpath.Join(wfPath, "podSpecPatch"), wf.PodSpecPatch},
		{fieldpath.Join(tpath, "podSpecPatch"), t.PodSpecPatch},
	} {
		if strings.TrimSpace(p.patch) == "" {
			continue
		}
		patched, err := applyPodSpecPatch(spec, p.patch)
		if err != nil {
			return nil, &decodeError{p.path, err}
		}
		spec, patchPath = patched, p.path
	}

	w := &Workload{Object: obj, PodMeta: meta, Spec: spec, SpecPath: tpath, MetaPath: metaPath}
	w.paths = func(rel string) string {
		key, rest := splitFirst(rel)
		switch key {
		case "initContainers", "containers", "volumes":
			paths := map[string][]string{"initContainers": initPaths, "containers": ctrPaths, "volumes": volPaths}[key]
			if n, after, ok := splitIndex(rest); ok && n < len(paths) {
				return paths[n] + after
			}
			return pick(key) + rest
		case "hostNetwork":
			return fieldpath.Join(wfPath, key) + rest
		}
		switch {
		case tFields[key] || wfFields[key]:
			return pick(key) + rest
		case patchPath != "":
			return patchPath // a field only the patch sets
		}
		return fieldpath.Join(tpath, key) + rest
	}
	// Containers the patch adds have no place of their own: they are at
	// the patch.
	for len(initPaths) < len(spec.InitContainers) {
		initPaths = append(initPaths, patchPath)
	}
	for len(ctrPaths) < len(spec.Containers) {
		ctrPaths = append(ctrPaths, patchPath)
	}
	for len(volPaths) < len(spec.Volumes) {
		volPaths = append(volPaths, patchPath)
	}
	w.containers = w.listContainers()
	for i := range w.containers {
		c := &w.containers[i]
		if c.Kind == InitContainer {
			c.Path = initPaths[c.Index]
		} else if c.Kind == RegularContainer {
			c.Path = ctrPaths[c.Index]
		}
	}
	return w, nil
}

func mergeMaps(dst, src map[string]string) map[string]string {
	if dst == nil {
		dst = map[string]string{}
	}
	maps.Copy(dst, src)
	return dst
}

// applyPodSpecPatch merges patch (YAML or JSON) into spec as Argo does: a
// strategic merge patch on the pod spec.
func applyPodSpecPatch(spec *corev1.PodSpec, patch string) (*corev1.PodSpec, error) {
	pj, err := yaml.YAMLToJSON([]byte(patch))
	if err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %w", err)
	}
	sj, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	merged, err := strategicpatch.StrategicMergePatch(sj, pj, corev1.PodSpec{})
	if err != nil {
		return nil, fmt.Errorf("not a pod spec patch: %w", err)
	}
	out := &corev1.PodSpec{}
	if err := decodeStrict(merged, out); err != nil {
		return nil, fmt.Errorf("patched pod spec: %w", err)
	}
	return out, nil
}

// splitFirst splits a relative path into its first key and the rest
// ("volumes[2].hostPath" -> "volumes", "[2].hostPath").
func splitFirst(rel string) (string, string) {
	if i := strings.IndexAny(rel, ".["); i >= 0 {
		return rel[:i], rel[i:]
	}
	return rel, ""
}

// splitIndex reads a leading list index ("[2].hostPath" -> 2, ".hostPath").
func splitIndex(rest string) (int, string, bool) {
	if !strings.HasPrefix(rest, "[") {
		return 0, "", false
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return 0, "", false
	}
	n, err := strconv.Atoi(rest[1:end])
	if err != nil || n < 0 {
		return 0, "", false
	}
	return n, rest[end+1:], true
}
