package inventory

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/object"
)

// Workload is an object that holds a pod spec: a Pod, a PodTemplate, a
// controller with a pod template, or a custom resource that embeds one (see
// PodTemplate). One custom resource may hold several: an Argo Workflow
// holds one per template that runs containers.
type Workload struct {
	*object.Object
	// PodMeta is the metadata of the pods it makes (the template's, or the
	// Pod's own).
	PodMeta *metav1.ObjectMeta
	// Spec is the pod spec.
	Spec *corev1.PodSpec
	// SpecPath is where Spec sits in the object: "spec",
	// "spec.template.spec", "spec.jobTemplate.spec.template.spec" or
	// "template.spec". For an Argo Workflows template, whose pod is
	// assembled from several places, it is the template
	// ("spec.templates[1]"), and Path places each field.
	SpecPath string
	// MetaPath is where PodMeta sits in the object.
	MetaPath string

	containers []Container
	// paths, when set, places pod-spec fields that are not written under
	// SpecPath (an Argo Workflows template takes pod-level fields from the
	// workflow spec).
	paths func(rel string) string
}

// Path returns the path in the object of a field given relative to the pod
// spec.
func (w *Workload) Path(rel string) string {
	if w.paths != nil {
		return w.paths(rel)
	}
	return fieldpath.Join(w.SpecPath, rel)
}

// ContainerKind tells which list of the pod spec a container is in.
type ContainerKind int

// Container kinds, in the order PodSpec lists them.
const (
	InitContainer ContainerKind = iota
	RegularContainer
	EphemeralContainer
)

// Field returns the pod spec field of the list: "initContainers",
// "containers" or "ephemeralContainers".
func (k ContainerKind) Field() string {
	switch k {
	case InitContainer:
		return "initContainers"
	case EphemeralContainer:
		return "ephemeralContainers"
	}
	return "containers"
}

// Container is one container of a workload, with where it sits.
type Container struct {
	// Container is the container. For an ephemeral container it is a copy of
	// its common fields.
	*corev1.Container
	Kind ContainerKind
	// Index is the position in its list.
	Index int
	// Path is the container's path in the object, as in
	// spec.template.spec.containers[1].
	Path string
}

// Field returns the path of a field given relative to the container.
func (c Container) Field(rel string) string { return fieldpath.Join(c.Path, rel) }

// Containers returns the init, regular and ephemeral containers, in that
// order (the order Pod Security Admission visits them). The slice is shared:
// callers must not modify it.
func (w *Workload) Containers() []Container { return w.containers }

func (w *Workload) listContainers() []Container {
	s := w.Spec
	out := make([]Container, 0, len(s.InitContainers)+len(s.Containers)+len(s.EphemeralContainers))
	for i := range s.InitContainers {
		out = append(out, Container{&s.InitContainers[i], InitContainer, i, w.containerPath(InitContainer, i)})
	}
	for i := range s.Containers {
		out = append(out, Container{&s.Containers[i], RegularContainer, i, w.containerPath(RegularContainer, i)})
	}
	for i := range s.EphemeralContainers {
		c := corev1.Container(s.EphemeralContainers[i].EphemeralContainerCommon)
		out = append(out, Container{&c, EphemeralContainer, i, w.containerPath(EphemeralContainer, i)})
	}
	return out
}

// Alone returns the workload of a pod that holds container c of w alone,
// in its own list, beside w's pod-level fields: the pod Pod Security
// Admission would judge had w no other container. It shares w's object,
// pod metadata and every other field of the pod spec, so callers must not
// modify it.
func (w *Workload) Alone(c Container) *Workload {
	spec := *w.Spec
	one := *c.Container
	spec.InitContainers, spec.Containers, spec.EphemeralContainers = nil, nil, nil
	switch c.Kind {
	case InitContainer:
		spec.InitContainers = []corev1.Container{one}
	case EphemeralContainer:
		spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon(one)}}
	default:
		spec.Containers = []corev1.Container{one}
	}
	alone := *w
	alone.Spec = &spec
	alone.containers = alone.listContainers()
	return &alone
}

func (w *Workload) containerPath(k ContainerKind, i int) string {
	return fieldpath.Index(w.Path(k.Field()), i)
}

// String names the workload as Kind namespace/name.
func (w *Workload) String() string {
	if ns := w.Namespace(); ns != "" {
		return fmt.Sprintf("%s %s/%s", w.Kind, ns, w.Name())
	}
	return fmt.Sprintf("%s %s", w.Kind, w.Name())
}

// newWorkload returns the workload view of obj, or nil when obj holds no pod
// spec.
func newWorkload(obj *object.Object) *Workload {
	w := &Workload{Object: obj}
	switch v := obj.Typed.(type) {
	case *corev1.Pod:
		w.PodMeta, w.Spec, w.MetaPath, w.SpecPath = &v.ObjectMeta, &v.Spec, "metadata", "spec"
	case *corev1.PodTemplate:
		w.PodMeta, w.Spec, w.MetaPath, w.SpecPath = &v.Template.ObjectMeta, &v.Template.Spec, "template.metadata", "template.spec"
	case *corev1.ReplicationController:
		if v.Spec.Template == nil {
			return nil
		}
		w.PodMeta, w.Spec = &v.Spec.Template.ObjectMeta, &v.Spec.Template.Spec
		w.MetaPath, w.SpecPath = "spec.template.metadata", "spec.template.spec"
	case *appsv1.Deployment:
		w.PodMeta, w.Spec = &v.Spec.Template.ObjectMeta, &v.Spec.Template.Spec
		w.MetaPath, w.SpecPath = "spec.template.metadata", "spec.template.spec"
	case *appsv1.ReplicaSet:
		w.PodMeta, w.Spec = &v.Spec.Template.ObjectMeta, &v.Spec.Template.Spec
		w.MetaPath, w.SpecPath = "spec.template.metadata", "spec.template.spec"
	case *appsv1.StatefulSet:
		w.PodMeta, w.Spec = &v.Spec.Template.ObjectMeta, &v.Spec.Template.Spec
		w.MetaPath, w.SpecPath = "spec.template.metadata", "spec.template.spec"
	case *appsv1.DaemonSet:
		w.PodMeta, w.Spec = &v.Spec.Template.ObjectMeta, &v.Spec.Template.Spec
		w.MetaPath, w.SpecPath = "spec.template.metadata", "spec.template.spec"
	case *batchv1.Job:
		w.PodMeta, w.Spec = &v.Spec.Template.ObjectMeta, &v.Spec.Template.Spec
		w.MetaPath, w.SpecPath = "spec.template.metadata", "spec.template.spec"
	case *batchv1.CronJob:
		w.PodMeta, w.Spec = &v.Spec.JobTemplate.Spec.Template.ObjectMeta, &v.Spec.JobTemplate.Spec.Template.Spec
		w.MetaPath, w.SpecPath = "spec.jobTemplate.spec.template.metadata", "spec.jobTemplate.spec.template.spec"
	default:
		return nil
	}
	w.containers = w.listContainers()
	return w
}

// WorkloadKinds lists the kinds that hold a pod spec.
var WorkloadKinds = []string{"Pod", "PodTemplate", "ReplicationController", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"}
