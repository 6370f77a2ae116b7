package scan

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/source"
)

// TestInternerShares: equal strings interned one after the other share one
// copy, whatever came between them in other slots, and interning never
// changes a string.
func TestInternerShares(t *testing.T) {
	in := newInterner()
	first := in.intern(strings.Repeat("container \"app\" must not set privileged ", 2))
	for i := range 100 {
		if got := in.intern("spec.containers[" + strings.Repeat("1", i%7+1) + "]"); !strings.HasPrefix(got, "spec.containers[") {
			t.Fatalf("intern changed a string: %q", got)
		}
	}
	again := strings.Repeat("container \"app\" must not set privileged ", 2)
	got := in.intern(again)
	if got != again {
		t.Fatalf("intern(%q) = %q", again, got)
	}
	if unsafe.StringData(got) != unsafe.StringData(first) && unsafe.StringData(got) != unsafe.StringData(again) {
		t.Fatal("intern returned a third copy")
	}
	// The same string again returns the copy now held.
	if held := in.intern(strings.Clone(again)); unsafe.StringData(held) != unsafe.StringData(got) {
		t.Error("an equal string interned twice in a row is not shared")
	}
}

// TestJoinerLines: the joiner's lines are the object's, asked again and
// after the object's line index is cut down (as a retained object's is).
func TestJoinerLines(t *testing.T) {
	const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    app: a
spec:
  containers:
  - name: app
    image: app:1
    securityContext:
      privileged: true
  - name: side
    image: side:1
`
	var objs []*object.Object
	if errs := source.Decode("p.yaml", []byte(text), func(o *object.Object) { objs = append(objs, o) }); len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("decode: %v, %d objects", errs, len(objs))
	}
	o := objs[0]
	paths := []string{"spec.containers[0].securityContext.privileged", "metadata.labels", "spec.containers[1].image",
		"spec.containers[0].securityContext.privileged", "spec.containers[9]", "metadata.labels"}
	j := joiner{}
	for _, p := range paths {
		if got, want := j.line(o, p), o.Line(p); got != want {
			t.Errorf("line(%q) = %d, want %d", p, got, want)
		}
	}
	if got := j.line(o, "spec.containers[1].image"); got != 14 {
		t.Errorf("line of the second image = %d, want 14", got)
	}
	o.Lines = o.Lines.Keep("metadata.name")
	for _, p := range paths {
		if got, want := j.line(o, p), o.Line(p); got != want {
			t.Errorf("after Keep: line(%q) = %d, want %d", p, got, want)
		}
	}
}
