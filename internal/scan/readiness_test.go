package scan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
)

func TestReadiness(t *testing.T) {
	yes, no := true, false
	pod := func(ns string, phase corev1.PodPhase, sc *corev1.SecurityContext, podSC *corev1.PodSecurityContext) *object.Object {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns},
			Spec: corev1.PodSpec{
				SecurityContext: podSC,
				Containers:      []corev1.Container{{Name: "app", Image: "x", SecurityContext: sc}},
			},
			Status: corev1.PodStatus{Phase: phase},
		}
		return object.New(p, &p.ObjectMeta)
	}
	restricted := &corev1.SecurityContext{
		AllowPrivilegeEscalation: &no, RunAsNonRoot: &yes,
		Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "b", Labels: map[string]string{api.EnforceLevelLabel: "baseline"}}}

	r := NewReadiness(api.MajorMinorVersion(1, 30))
	for _, o := range []*object.Object{
		object.New(ns, &ns.ObjectMeta),
		pod("a", corev1.PodRunning, &corev1.SecurityContext{Privileged: &yes}, nil), // rejected by both
		pod("a", corev1.PodRunning, nil, nil),                                       // restricted only
		pod("a", corev1.PodRunning, restricted, nil),                                // accepted by both
		pod("a", corev1.PodPending, &corev1.SecurityContext{Privileged: &yes}, nil), // not running: not counted
		pod("b", corev1.PodRunning, nil, &corev1.PodSecurityContext{}),
	} {
		r.Add(o)
	}
	want := []report.NamespaceReadiness{
		{Namespace: "a", Version: "v1.30", Pods: 3, RejectedBaseline: 1, RejectedRestricted: 2},
		{Namespace: "b", Enforce: "baseline", Version: "v1.30", Pods: 1, RejectedBaseline: 0, RejectedRestricted: 1},
	}
	if diff := cmp.Diff(want, r.Result()); diff != "" {
		t.Errorf("Result() mismatch (-want +got):\n%s", diff)
	}
}
