package inventory

import (
	"sync"
	"sync/atomic"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/object"
)

func TestDerivedBuildsOncePerKey(t *testing.T) {
	inv := New()
	type keyA struct{}
	type keyB struct{}
	var builds atomic.Int32
	build := func(v string) func(*Inventory) any {
		return func(got *Inventory) any {
			if got != inv {
				t.Errorf("build called with another inventory")
			}
			builds.Add(1)
			return v
		}
	}
	var wg sync.WaitGroup
	results := make([]any, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				results[i] = inv.Derived(keyA{}, build("a"))
			} else {
				results[i] = inv.Derived(keyB{}, build("b"))
			}
		}()
	}
	wg.Wait()
	if n := builds.Load(); n != 2 {
		t.Errorf("built %d times, want 2 (once per key)", n)
	}
	for i, r := range results {
		want := "a"
		if i%2 == 1 {
			want = "b"
		}
		if r != want {
			t.Errorf("result %d = %v, want %q", i, r, want)
		}
	}
	// A reused single-object inventory forgets what was derived.
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "dev", Name: "cm"}}
	NewSingle(inv, object.New(cm, &cm.ObjectMeta))
	if got := inv.Derived(keyA{}, build("again")); got != "again" {
		t.Errorf("after NewSingle: %v, want a fresh build", got)
	}
}
