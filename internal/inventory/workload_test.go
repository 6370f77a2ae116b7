package inventory

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/object"
)

// TestAlone checks that the view of one container alone is the workload of
// a copy of the object whose pod holds only that container, and that the
// workload it came from is left as it was.
func TestAlone(t *testing.T) {
	spec := func() corev1.PodSpec {
		return corev1.PodSpec{
			HostNetwork:     true,
			SecurityContext: &corev1.PodSecurityContext{RunAsUser: new(int64(0))},
			Volumes:         []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
			InitContainers:  []corev1.Container{{Name: "init"}},
			Containers:      []corev1.Container{{Name: "a"}, {Name: "b", SecurityContext: &corev1.SecurityContext{Privileged: new(true)}}},
			EphemeralContainers: []corev1.EphemeralContainer{{
				EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug"},
				TargetContainerName:      "a",
			}},
		}
	}
	meta := metav1.ObjectMeta{Labels: map[string]string{"app": "x"}}
	objects := map[string]func() *object.Object{
		"Pod": func() *object.Object {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "dev", Labels: meta.Labels}, Spec: spec()}
			return object.New(p, &p.ObjectMeta)
		},
		"Deployment": func() *object.Object {
			d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "dev"}}
			d.Spec.Template = corev1.PodTemplateSpec{ObjectMeta: meta, Spec: spec()}
			return object.New(d, &d.ObjectMeta)
		},
		"CronJob": func() *object.Object {
			c := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "dev"}}
			c.Spec.JobTemplate.Spec.Template = corev1.PodTemplateSpec{ObjectMeta: meta, Spec: spec()}
			return object.New(c, &c.ObjectMeta)
		},
	}
	for kind, obj := range objects {
		w := Build([]*object.Object{obj()}).Workloads[0]
		before := w.Spec.DeepCopy()
		for i, c := range w.Containers() {
			// The oracle: the same object, its pod rewritten to hold c alone.
			want := Build([]*object.Object{obj()}).Workloads[0]
			want.Spec.InitContainers, want.Spec.Containers, want.Spec.EphemeralContainers = nil, nil, nil
			switch c.Kind {
			case InitContainer:
				want.Spec.InitContainers = []corev1.Container{*c.Container}
			case EphemeralContainer:
				want.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon(*c.Container)}}
			default:
				want.Spec.Containers = []corev1.Container{*c.Container}
			}
			want.containers = want.listContainers()

			got := w.Alone(c)
			if !reflect.DeepEqual(got.Spec, want.Spec) {
				t.Errorf("%s container %d: spec\n%+v\nwant\n%+v", kind, i, got.Spec, want.Spec)
			}
			if !reflect.DeepEqual(got.PodMeta, want.PodMeta) || got.SpecPath != want.SpecPath || got.MetaPath != want.MetaPath {
				t.Errorf("%s container %d: meta %+v at %q/%q, want %+v at %q/%q", kind, i, got.PodMeta, got.MetaPath, got.SpecPath, want.PodMeta, want.MetaPath, want.SpecPath)
			}
			gc, wc := got.Containers(), want.Containers()
			if len(gc) != 1 || len(wc) != 1 || gc[0].Path != wc[0].Path || gc[0].Kind != c.Kind || gc[0].Name != c.Name {
				t.Errorf("%s container %d: containers %+v, want %+v", kind, i, gc, wc)
			}
			if p := got.Path("securityContext"); p != want.Path("securityContext") {
				t.Errorf("%s container %d: securityContext at %q, want %q", kind, i, p, want.Path("securityContext"))
			}
		}
		if !reflect.DeepEqual(w.Spec, before) || len(w.Containers()) != 4 {
			t.Errorf("%s: Alone changed the workload: %+v", kind, w.Spec)
		}
	}
}
