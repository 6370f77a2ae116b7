package object

import "testing"

// TestKeep checks that a kept index answers for the kept paths and their
// prefixes, resolves other paths to their nearest kept parent, and forgets
// the rest, however many paths are kept.
func TestKeep(t *testing.T) {
	var b LineBuilder
	add := func(line int, segs ...any) {
		h := HashSeed
		for _, s := range segs {
			switch s := s.(type) {
			case string:
				h = HashKey(h, s)
			case int:
				h = HashIndex(h, s)
			}
		}
		b.Add(h, line)
	}
	add(2, "metadata")
	add(3, "metadata", "name")
	add(4, "metadata", "labels")
	add(6, "spec")
	add(7, "spec", "containers")
	add(8, "spec", "containers", 0)
	add(9, "spec", "containers", 0, "image")
	add(10, "spec", "containers", 0, "env")
	for i := 0; i < 100; i++ {
		add(100+i, "spec", "containers", 0, "env", i)
	}
	full, _ := b.Build()

	var many []string
	for i := 0; i < 100; i++ {
		many = append(many, "spec.containers[0].env["+string(rune('0'+i%10))+"]")
	}
	for _, tc := range []struct {
		name string
		keep []string
		want map[string]int
	}{
		{"name", []string{"metadata.name"}, map[string]int{
			"metadata.name": 3, "metadata.labels": 2, "metadata": 2, "spec": 0, "spec.containers[0].image": 0,
		}},
		{"container field", []string{"metadata.name", "spec.containers[0].image", "spec.missing"}, map[string]int{
			"metadata.name": 3, "spec.containers[0].image": 9, "spec.containers[0]": 8, "spec.containers[0].env[1]": 8,
			"spec.missing": 6, "metadata.labels": 2,
		}},
		{"more paths than the stack holds", append(many, "spec.containers[0].env[99]"), map[string]int{
			"spec.containers[0].env[5]": 105, "spec.containers[0].env[99]": 199, "spec.containers[0].env[50]": 10, "metadata": 0,
		}},
	} {
		kept := full.Keep(tc.keep...)
		for path, want := range tc.want {
			if got := kept.Line(path); got != want {
				t.Errorf("%s: Line(%q) = %d, want %d", tc.name, path, got, want)
			}
		}
	}
	if (*LineIndex)(nil).Keep("metadata") != nil {
		t.Errorf("Keep on no index is not nil")
	}
}
