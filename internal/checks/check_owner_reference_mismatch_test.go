package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

// The claims below are what internal/cluster records; its tests hold the
// collector to them. Here the check is held to what it reports of them.
func TestOwnerReferenceMismatch(t *testing.T) {
	rsRef := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-5d8f", UID: "rs-1"}
	depRef := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "d-1"}
	cjRef := metav1.OwnerReference{APIVersion: "batch/v1", Kind: "CronJob", Name: "nightly", UID: "cj-1"}
	pod := func() *object.Object {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-5d8f-x"}}
		return typedObject(p, &p.ObjectMeta, "", "Pod")
	}
	rs := func(rev string) func() *object.Object {
		return func() *object.Object {
			r := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-old", Annotations: map[string]string{"deployment.kubernetes.io/revision": rev}}}
			return typedObject(r, &r.ObjectMeta, "apps", "ReplicaSet")
		}
	}
	job := func(done bool) func() *object.Object {
		return func() *object.Object {
			j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "nightly-1"}}
			if done {
				j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
			}
			return typedObject(j, &j.ObjectMeta, "batch", "Job")
		}
	}
	const reason = "owner reference mismatch"
	type want struct {
		Path, Detail string
		Severity     check.Severity
	}
	tests := []struct {
		name  string
		obj   func() *object.Object
		claim *object.OwnerClaim
		want  []want
	}{
		{name: "no claim", obj: pod},
		{name: "ephemeral containers only", obj: pod, claim: &object.OwnerClaim{Ref: rsRef, Why: "ephemeral containers"}},
		{name: "a different pod spec", obj: pod,
			claim: &object.OwnerClaim{Ref: rsRef, Field: "spec.hostPID", Why: "different pod spec"},
			want:  []want{{"spec.hostPID", `Pod must not claim ReplicaSet "web-5d8f" (uid rs-1) as its controller: different pod spec (spec.hostPID)`, 0}}},
		{name: "a controller in another namespace", obj: pod,
			claim: &object.OwnerClaim{Ref: rsRef, Field: "metadata.namespace", Why: "controller in another namespace"},
			want:  []want{{"metadata.namespace", `Pod must not claim ReplicaSet "web-5d8f" (uid rs-1) as its controller: controller in another namespace (metadata.namespace)`, check.High}}},
		{name: "no such controller", obj: pod,
			claim: &object.OwnerClaim{Ref: rsRef, Field: "metadata.ownerReferences[0].uid", Why: "no such controller"},
			want:  []want{{"metadata.ownerReferences[0].uid", `Pod must not claim ReplicaSet "web-5d8f" (uid rs-1) as its controller: no such controller (metadata.ownerReferences[0].uid)`, check.High}}},
		{name: "a ReplicaSet of an earlier revision", obj: rs("2"),
			claim: &object.OwnerClaim{Ref: depRef, Field: "spec.template.spec.containers[0].image", Why: "different pod spec", OwnerRevision: "3"}},
		{name: "a ReplicaSet claiming a later revision", obj: rs("4"),
			claim: &object.OwnerClaim{Ref: depRef, Field: "spec.template.spec.containers[0].image", Why: "different pod spec", OwnerRevision: "3"},
			want:  []want{{"spec.template.spec.containers[0].image", `ReplicaSet must not claim Deployment "web" (uid d-1) as its controller: different pod spec (spec.template.spec.containers[0].image)`, 0}}},
		{name: "an earlier revision does not excuse a foreign namespace", obj: rs("1"),
			claim: &object.OwnerClaim{Ref: depRef, Field: "metadata.namespace", Why: "controller in another namespace", OwnerRevision: "3"},
			want:  []want{{"metadata.namespace", `ReplicaSet must not claim Deployment "web" (uid d-1) as its controller: controller in another namespace (metadata.namespace)`, check.High}}},
		{name: "a finished Job of an earlier CronJob template", obj: job(true),
			claim: &object.OwnerClaim{Ref: cjRef, Field: "spec.template.spec.containers[0].image", Why: "different pod spec"}},
		{name: "a running Job that is not its CronJob's", obj: job(false),
			claim: &object.OwnerClaim{Ref: cjRef, Field: "spec.template.spec.hostNetwork", Why: "different pod spec"},
			want:  []want{{"spec.template.spec.hostNetwork", `Job must not claim CronJob "nightly" (uid cj-1) as its controller: different pod spec (spec.template.spec.hostNetwork)`, 0}}},
	}
	c := registered(t, "owner-reference-mismatch")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obj := tc.obj()
			obj.Claim = tc.claim
			inv := inventory.New()
			inv.Add(obj)
			var got []want
			for _, f := range run(c, inv, defaultOptions) {
				if f.Reason != reason || f.Object != obj {
					t.Errorf("finding %+v: want reason %q on the object", f, reason)
				}
				got = append(got, want{f.Path, f.Detail, f.Severity})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// typedObject wraps a typed object as the live collector does.
func typedObject(o runtime.Object, meta *metav1.ObjectMeta, group, kind string) *object.Object {
	o.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{Group: group, Version: "v1", Kind: kind})
	return object.New(o, meta)
}
