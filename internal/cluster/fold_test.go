package cluster

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	"github.com/kubestride/kubestride/internal/object"
)

// template is a ReplicaSet's pod template as the API server stores it.
func template() corev1.PodSpec {
	return corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "app", Image: "registry.example.com/app:1.0",
			Resources:    corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: apiresource.MustParse("128Mi")}},
			VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app"}},
		}},
		Volumes:       []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "app"}}}}},
		RestartPolicy: corev1.RestartPolicyAlways,
		DNSPolicy:     corev1.DNSClusterFirst,
	}
}

// product is what the API server and the scheduler make of a pod created
// from template(): the ServiceAccount, DefaultTolerationSeconds, Priority
// and LimitRanger admission plugins, defaulting, and a node.
func product() corev1.PodSpec {
	s := template()
	s.NodeName, s.Priority, s.PreemptionPolicy = "node-1", ptr.To[int32](0), ptr.To(corev1.PreemptLowerPriority)
	s.ServiceAccountName, s.DeprecatedServiceAccount = "default", "default"
	s.EnableServiceLinks = ptr.To(true)
	s.Tolerations = []corev1.Toleration{
		{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
		{Key: "node.kubernetes.io/unreachable", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
	}
	s.Volumes = append(s.Volumes, corev1.Volume{Name: "kube-api-access-x7k2p", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
		{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr.To[int64](3607)}},
		{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"}}},
		{DownwardAPI: &corev1.DownwardAPIProjection{}},
	}}}})
	c := &s.Containers[0]
	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "kube-api-access-x7k2p", MountPath: tokenMountPath, ReadOnly: true})
	c.Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: apiresource.MustParse("128Mi"), corev1.ResourceCPU: apiresource.MustParse("100m")}
	return s
}

func TestJudge(t *testing.T) {
	rs := &appsv1.ReplicaSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSet"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-5d8f", UID: "rs-1"},
		Spec:       appsv1.ReplicaSetSpec{Template: corev1.PodTemplateSpec{Spec: template()}},
	}
	owner := newController(rs, &rs.ObjectMeta)
	ref := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-5d8f", UID: "rs-1", Controller: ptr.To(true)}
	type want struct{ field, why string }
	tests := []struct {
		name   string
		tweak  func(p *corev1.Pod, ref *metav1.OwnerReference)
		owner  *controller
		folded bool
		want   want
	}{
		{name: "the controller's product", folded: true},
		{name: "a sidecar-free pod with a service account named in the template", folded: true, tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) {
			p.Spec.DeprecatedServiceAccount = ""
		}},
		{name: "privileged", tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
		}, want: want{"spec.containers[0].securityContext", "different pod spec"}},
		{name: "hostPID", tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) { p.Spec.HostPID = true },
			want: want{"spec.hostPID", "different pod spec"}},
		{name: "another image", tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) { p.Spec.Containers[0].Image = "evil:1" },
			want: want{"spec.containers[0].image", "different pod spec"}},
		{name: "an extra container", tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "miner", Image: "miner:1"})
		}, want: want{"spec.containers[1]", "different pod spec"}},
		{name: "a token-named hostPath volume", tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) {
			p.Spec.Volumes[1].VolumeSource = corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}
		}, want: want{"spec.containers[0].volumeMounts[1]", "different pod spec"}},
		{name: "the token volume mounted elsewhere", tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) {
			p.Spec.Containers[0].VolumeMounts[1].MountPath = "/host"
		}, want: want{"spec.containers[0].volumeMounts[1]", "different pod spec"}},
		{name: "a toleration of the control plane", tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) {
			p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{Key: "node-role.kubernetes.io/control-plane", Operator: corev1.TolerationOpExists})
		}, want: want{"spec.tolerations", "different pod spec"}},
		{name: "an ephemeral container", tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) {
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debugger", Image: "busybox"}}}
		}, want: want{"", "ephemeral containers"}},
		{name: "another namespace", tweak: func(p *corev1.Pod, _ *metav1.OwnerReference) { p.Namespace = "attacker" },
			want: want{"metadata.namespace", "controller in another namespace"}},
		{name: "another name", tweak: func(_ *corev1.Pod, r *metav1.OwnerReference) { r.Name = "web-other" },
			want: want{"metadata.ownerReferences[0].name", "controller of another name"}},
		{name: "no such controller", owner: &controller{}, tweak: func(_ *corev1.Pod, r *metav1.OwnerReference) { r.UID = "gone" },
			want: want{"metadata.ownerReferences[0].uid", "no such controller"}},
		{name: "a kind that does not make pods", owner: &controller{namespace: "shop", name: "web-5d8f", kind: "Deployment", template: owner.template},
			tweak: func(_ *corev1.Pod, r *metav1.OwnerReference) { r.Kind = "Deployment" },
			want:  want{"metadata.ownerReferences[0].kind", "a Deployment does not make Pods"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &corev1.Pod{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
				ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-5d8f-abcde"},
				Spec:       product(),
			}
			r := ref
			if tc.tweak != nil {
				tc.tweak(p, &r)
			}
			p.OwnerReferences = []metav1.OwnerReference{r}
			o := owner
			switch {
			case tc.owner != nil && tc.owner.kind == "":
				o = nil // the UID names nothing listed
			case tc.owner != nil:
				o = tc.owner
			}
			gotRef, i := claimedController(&p.ObjectMeta)
			if i != 0 || gotRef.UID != r.UID {
				t.Fatalf("claimedController = %v, %d", gotRef, i)
			}
			claim := judge(p, &p.ObjectMeta, gotRef, i, o)
			if tc.folded {
				if claim != nil {
					t.Fatalf("not folded: %+v", claim)
				}
				return
			}
			if claim == nil {
				t.Fatal("folded into the controller it claims, want it scanned on its own")
			}
			if got := (want{claim.Field, claim.Why}); got != tc.want {
				t.Errorf("claim = %+v, want %+v", got, tc.want)
			}
			if claim.Ref.UID != r.UID || claim.Index != 0 {
				t.Errorf("claim names %+v at %d, want the pod's reference", claim.Ref, claim.Index)
			}
		})
	}
}

// TestJudgeTemplates folds a ReplicaSet into its Deployment only when their
// templates are the same.
func TestJudgeTemplates(t *testing.T) {
	dep := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web", UID: "d1", Annotations: map[string]string{revisionAnnotation: "3"}},
		Spec:       appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: template()}},
	}
	owner := newController(dep, &dep.ObjectMeta)
	ref := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "d1", Controller: ptr.To(true)}
	rs := &appsv1.ReplicaSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSet"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-5d8f", OwnerReferences: []metav1.OwnerReference{ref}},
		Spec:       appsv1.ReplicaSetSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"pod-template-hash": "5d8f"}}, Spec: template()}},
	}
	if claim := judge(rs, &rs.ObjectMeta, ref, 0, owner); claim != nil {
		t.Fatalf("the Deployment's own ReplicaSet is not folded: %+v", claim)
	}
	rs.Spec.Template.Spec.HostNetwork = true
	claim := judge(rs, &rs.ObjectMeta, ref, 0, owner)
	if claim == nil || claim.Field != "spec.template.spec.hostNetwork" || claim.OwnerRevision != "3" {
		t.Fatalf("claim = %+v, want spec.template.spec.hostNetwork and the Deployment's revision", claim)
	}
}

// TestDaemonSetAndStatefulSetProducts: what those controllers write into
// their pods is not a difference.
func TestDaemonSetAndStatefulSetProducts(t *testing.T) {
	ds := &appsv1.DaemonSet{TypeMeta: metav1.TypeMeta{Kind: "DaemonSet"}, ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "agent"},
		Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: template()}}}
	p := &corev1.Pod{TypeMeta: metav1.TypeMeta{Kind: "Pod"}, ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "agent-x"}, Spec: product()}
	p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchFields: []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{"node-1"}}}}},
	}}}
	p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{Key: "node.kubernetes.io/disk-pressure", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule})
	ref := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "agent", Controller: ptr.To(true)}
	if claim := judge(p, &p.ObjectMeta, ref, 0, newController(ds, &ds.ObjectMeta)); claim != nil {
		t.Errorf("DaemonSet pod not folded: %+v", claim)
	}

	sts := &appsv1.StatefulSet{TypeMeta: metav1.TypeMeta{Kind: "StatefulSet"}, ObjectMeta: metav1.ObjectMeta{Namespace: "db", Name: "pg"},
		Spec: appsv1.StatefulSetSpec{Template: corev1.PodTemplateSpec{Spec: template()}, VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"}}}}}
	sts.Spec.Template.Spec.Containers[0].VolumeMounts = append(sts.Spec.Template.Spec.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "data", MountPath: "/data"})
	p = &corev1.Pod{TypeMeta: metav1.TypeMeta{Kind: "Pod"}, ObjectMeta: metav1.ObjectMeta{Namespace: "db", Name: "pg-0"}, Spec: product()}
	p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app"}, {Name: "data", MountPath: "/data"}, p.Spec.Containers[0].VolumeMounts[1]}
	p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-pg-0"}}})
	p.Spec.Hostname, p.Spec.Subdomain = "pg-0", "pg"
	ref = metav1.OwnerReference{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "pg", Controller: ptr.To(true)}
	if claim := judge(p, &p.ObjectMeta, ref, 0, newController(sts, &sts.ObjectMeta)); claim != nil {
		t.Errorf("StatefulSet pod not folded: %+v", claim)
	}
}

func TestClaimedController(t *testing.T) {
	for _, tc := range []struct {
		ref  metav1.OwnerReference
		want int
	}{
		{metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Controller: ptr.To(true)}, 0},
		{metav1.OwnerReference{APIVersion: "batch/v1", Kind: "Job", Controller: ptr.To(true)}, 0},
		{metav1.OwnerReference{APIVersion: "v1", Kind: "ReplicationController", Controller: ptr.To(true)}, 0},
		{metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet"}, -1},                                        // not the controller
		{metav1.OwnerReference{APIVersion: "v1", Kind: "Node", Controller: ptr.To(true)}, -1},                         // a mirror pod
		{metav1.OwnerReference{APIVersion: "argoproj.io/v1alpha1", Kind: "ReplicaSet", Controller: ptr.To(true)}, -1}, // another group's kind
	} {
		if _, got := claimedController(&metav1.ObjectMeta{OwnerReferences: []metav1.OwnerReference{tc.ref}}); got != tc.want {
			t.Errorf("claimedController(%s %s) = %d, want %d", tc.ref.APIVersion, tc.ref.Kind, got, tc.want)
		}
	}
}

// collectWith runs Collect over cs with secrets skipped and returns the gap
// of configmaps.
func collectWith(t *testing.T, cs *fake.Clientset, opts Options) (*object.Gap, []string) {
	t.Helper()
	opts.SkipSecrets = true
	var emitted []string
	res, err := Collect(context.Background(), cs, opts, nil, func(o *object.Object, _ struct{}) { emitted = append(emitted, o.Kind+" "+o.Name()) })
	if err != nil {
		t.Fatal(err)
	}
	var gap *object.Gap
	for i, g := range res.Gaps {
		if g.Resource == "configmaps" {
			gap = &res.Gaps[i]
		} else if g.Reason != "scan-timeout" {
			t.Errorf("unexpected gap %+v", g)
		}
	}
	return gap, emitted
}

// TestPagingBounds: a server that never stops paging, or answers with the
// wrong kind, gives a gap, never an endless scan or "nothing there".
func TestPagingBounds(t *testing.T) {
	cm := corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "cm"}}
	pages := func(next func(n int) string) *fake.Clientset {
		cs := fake.NewClientset()
		n := 0
		cs.PrependReactor("list", "configmaps", func(k8stesting.Action) (bool, runtime.Object, error) {
			n++
			return true, &corev1.ConfigMapList{ListMeta: metav1.ListMeta{Continue: next(n)}, Items: []corev1.ConfigMap{cm}}, nil
		})
		return cs
	}
	t.Run("repeated continue token", func(t *testing.T) {
		gap, emitted := collectWith(t, pages(func(int) string { return "again" }), Options{})
		if gap == nil || gap.Reason != "paging" || !gap.Partial || !strings.Contains(gap.Message, "returned before") {
			t.Fatalf("gap = %+v, want paging: a token returned before", gap)
		}
		if n := strings.Count(strings.Join(emitted, "\n"), "ConfigMap cm"); n != 2 {
			t.Errorf("%d pages scanned, want the 2 read before the repeat", n)
		}
	})
	t.Run("page limit", func(t *testing.T) {
		gap, _ := collectWith(t, pages(func(n int) string { return "t" + strings.Repeat("x", n) }), Options{MaxPages: 5})
		if gap == nil || gap.Reason != "paging" || !strings.Contains(gap.Message, "after 5 pages") {
			t.Fatalf("gap = %+v, want paging after 5 pages", gap)
		}
	})
	t.Run("time limit", func(t *testing.T) {
		cs := pages(func(n int) string { return "t" + strings.Repeat("x", n) })
		cs.PrependReactor("list", "configmaps", func(k8stesting.Action) (bool, runtime.Object, error) {
			time.Sleep(20 * time.Millisecond)
			return false, nil, nil
		})
		start := time.Now()
		gap, _ := collectWith(t, cs, Options{Timeout: 300 * time.Millisecond})
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("collection took %v with a limit of 300ms", d)
		}
		if gap == nil || gap.Reason != "scan-timeout" || !gap.Partial || !strings.Contains(gap.Message, "300ms") {
			t.Fatalf("gap = %+v, want scan-timeout", gap)
		}
	})
	t.Run("item of the wrong kind", func(t *testing.T) {
		cs := fake.NewClientset()
		cs.PrependReactor("list", "configmaps", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, &corev1.ConfigMapList{Items: []corev1.ConfigMap{{TypeMeta: metav1.TypeMeta{Kind: "Secret"}}}}, nil
		})
		gap, emitted := collectWith(t, cs, Options{})
		if gap == nil || gap.Reason != "wrong-kind" || !strings.Contains(gap.Message, "Secret") {
			t.Fatalf("gap = %+v, want wrong-kind", gap)
		}
		if strings.Contains(strings.Join(emitted, "\n"), "ConfigMap") {
			t.Error("an item of the wrong kind was scanned as a ConfigMap")
		}
	})
}

// TestFoldedOnlyWhenMatching runs the decision through Collect: a forged pod
// claiming a listed ReplicaSet is emitted with its claim, the genuine one is
// counted on the Deployment.
func TestFoldedOnlyWhenMatching(t *testing.T) {
	ctrl := func(kind, name string, uid types.UID) []metav1.OwnerReference {
		return []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: name, UID: uid, Controller: ptr.To(true)}}
	}
	forged := product()
	forged.HostPID = true
	cs := fake.NewClientset(
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web", UID: "d1"}, Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: template()}}},
		&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-1", UID: "r1", OwnerReferences: ctrl("Deployment", "web", "d1")}, Spec: appsv1.ReplicaSetSpec{Template: corev1.PodTemplateSpec{Spec: template()}}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-1-a", OwnerReferences: ctrl("ReplicaSet", "web-1", "r1")}, Spec: product()},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-1-evil", OwnerReferences: ctrl("ReplicaSet", "web-1", "r1")}, Spec: forged},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "elsewhere", OwnerReferences: ctrl("ReplicaSet", "web-1", "r1")}, Spec: product()},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "owned", OwnerReferences: ctrl("Deployment", "web", "d1")}},
	)
	claims := map[string]*object.OwnerClaim{}
	res, err := Collect(context.Background(), cs, Options{SkipSecrets: true}, nil, func(o *object.Object, _ struct{}) { claims[o.Kind+" "+o.Name()] = o.Claim })
	if err != nil {
		t.Fatal(err)
	}
	if got := res.OwnedPods["d1"]; got != 1 {
		t.Errorf("pods counted on the Deployment: %d, want 1", got)
	}
	for name, field := range map[string]string{"Pod web-1-evil": "spec.hostPID", "Pod elsewhere": "metadata.namespace"} {
		c, ok := claims[name]
		if !ok || c == nil || c.Field != field {
			t.Errorf("%s: emitted %v, claim %+v; want emitted with a claim on %s", name, ok, c, field)
		}
	}
	for _, name := range []string{"Pod web-1-a", "ReplicaSet web-1"} {
		if _, ok := claims[name]; ok {
			t.Errorf("%s was emitted; it is the Deployment's product", name)
		}
	}
	if c, ok := claims["ConfigMap owned"]; !ok || c != nil {
		t.Errorf("a ConfigMap with a controller must be scanned, unjudged (emitted %v, claim %+v)", ok, c)
	}
}
