package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	appsv1client "k8s.io/client-go/kubernetes/typed/apps/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestride/kubestride/internal/object"
)

// TestReason classifies the errors a list can end with; the end-to-end tests
// produce the forbidden and timeout cases from a real API server.
func TestReason(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	tests := []struct {
		err  error
		want string
	}{
		{apierrors.NewForbidden(gr, "", errors.New("no")), "forbidden"},
		{apierrors.NewUnauthorized("who are you"), "forbidden"},
		{apierrors.NewTimeoutError("slow", 1), "timeout"},
		{fmt.Errorf("list: %w", context.DeadlineExceeded), "timeout"},
		{errors.New(`Get "https://x/api/v1/secrets": net/http: request canceled (Client.Timeout exceeded while awaiting headers)`), "timeout"},
		{apierrors.NewServiceUnavailable("etcd is down"), "unavailable"},
		{apierrors.NewNotFound(gr, ""), "unavailable"},
		{apierrors.NewTooManyRequests("slow down", 1), "unavailable"},
		{errors.New("connection refused"), "error"},
	}
	for _, tc := range tests {
		if got := reason(tc.err); got != tc.want {
			t.Errorf("reason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if got := message(apierrors.NewForbidden(gr, "", errors.New("no"))); got != `secrets is forbidden: no` {
		t.Errorf("message = %q", got)
	}
}

func TestPhases(t *testing.T) {
	for _, r := range resources {
		want := 0
		switch r.Name {
		case "replicasets.apps", "jobs.batch":
			want = 1
		case "pods":
			want = 2
		}
		if got := phase(r); got != want {
			t.Errorf("phase(%s) = %d, want %d: controllers must be listed before what they own", r.Name, got, want)
		}
	}
}

// TestOwnedListsStartAtOnce: pods are listed beside the controllers; a pod
// without a controller is passed on before a slow controller list ends, and
// a pod whose controller is not known yet waits for it and is then counted
// on its top-level owner.
func TestOwnedListsStartAtOnce(t *testing.T) {
	ctrl := func(kind, name string, uid types.UID) []metav1.OwnerReference {
		return []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: name, UID: uid, Controller: ptr.To(true)}}
	}
	cs := fake.NewClientset(
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web", UID: "d1"}},
		&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-1", UID: "r1", OwnerReferences: ctrl("Deployment", "web", "d1")}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-1-a", UID: "p1", OwnerReferences: ctrl("ReplicaSet", "web-1", "r1")}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "bare", UID: "p2"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "orphan", UID: "p3", OwnerReferences: ctrl("ReplicaSet", "gone", "x")}},
	)
	// The controller list answers only once the pod without a controller
	// has been passed on (or after a long wait, and the order is then
	// wrong): pods must not wait for the controllers' lists. The wait is
	// outside the fake clientset, which runs one call at a time.
	bareSeen := make(chan struct{})
	var once sync.Once
	slow := slowDeployments{Clientset: cs, wait: bareSeen}
	var emitted []string
	res, err := Collect(context.Background(), slow, Options{SkipSecrets: true}, nil, func(o *object.Object, _ struct{}) {
		emitted = append(emitted, o.Kind+" "+o.Name())
		if o.Origin.Source != object.FromCluster {
			t.Errorf("%s %s: Origin.Source = %q, want %q", o.Kind, o.Name(), o.Origin.Source, object.FromCluster)
		}
		if o.Kind == "Pod" && o.Name() == "bare" {
			once.Do(func() { close(bareSeen) })
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Gaps) > 0 {
		t.Fatalf("gaps: %+v", res.Gaps)
	}
	want := []string{"Pod bare", "Deployment web", "Pod orphan"}
	if diff := cmp.Diff(want, emitted); diff != "" {
		t.Errorf("emitted (-want +got):\n%s", diff)
	}
	if got := res.OwnedPods["d1"]; got != 1 {
		t.Errorf("pods counted on the Deployment: %d, want 1 (%v)", got, res.OwnedPods)
	}
}

// slowDeployments is a clientset whose Deployment lists wait for a channel
// (or 30 seconds) before they are answered.
type slowDeployments struct {
	*fake.Clientset
	wait <-chan struct{}
}

func (c slowDeployments) AppsV1() appsv1client.AppsV1Interface {
	return slowApps{c.Clientset.AppsV1(), c.wait}
}

type slowApps struct {
	appsv1client.AppsV1Interface
	wait <-chan struct{}
}

func (a slowApps) Deployments(ns string) appsv1client.DeploymentInterface {
	return slowDeploymentList{a.AppsV1Interface.Deployments(ns), a.wait}
}

type slowDeploymentList struct {
	appsv1client.DeploymentInterface
	wait <-chan struct{}
}

func (d slowDeploymentList) List(ctx context.Context, o metav1.ListOptions) (*appsv1.DeploymentList, error) {
	select {
	case <-d.wait:
	case <-time.After(30 * time.Second):
	}
	return d.DeploymentInterface.List(ctx, o)
}
