package scan

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/kubestride/kubestride/internal/check"
)

// sortKey orders one finding: key packs its severity (highest first), its
// check's index (rules are sorted by ID) and its object's rank, so that most
// comparisons are of one integer; idx is the finding's index.
type sortKey struct {
	key uint64
	idx int32
}

// order returns the indexes of the kept findings in report order, the order
// report.Finalize confirms: severity, check ID, the object's namespace,
// name and kind, then field, file, line and message. Objects are ranked once
// and the comparison of everything else is left to the findings that tie on
// the packed key. On more than one CPU the two halves are sorted at once and
// merged.
func (s *Scanner) order() []sortKey {
	n := s.findings.len()
	var refs []*objectRef
	for i := range n {
		if r := s.findings.at(i).ref; r != nil && r.rank == 0 {
			r.rank = -1 // seen
			refs = append(refs, r)
		}
	}
	sameObject := func(a, b *objectRef) int {
		ar, a1, a2, a3 := a.subjectKey()
		br, b1, b2, b3 := b.subjectKey()
		return cmp.Or(cmp.Compare(ar, br), strings.Compare(a1, b1), strings.Compare(a2, b2), strings.Compare(a3, b3))
	}
	slices.SortFunc(refs, sameObject)
	var rank int32
	for i, r := range refs {
		if i == 0 || sameObject(refs[i-1], r) != 0 {
			rank++
		}
		r.rank = rank
	}
	keys := make([]sortKey, n)
	for i := range n {
		c := s.findings.at(i)
		sev := uint64(check.Critical - min(max(c.severity, 0), check.Critical))
		var rank uint64
		if c.ref != nil {
			rank = uint64(c.ref.rank)
		}
		keys[i] = sortKey{key: sev<<56 | uint64(c.rule)<<32 | rank, idx: int32(i)}
	}
	compare := func(a, b sortKey) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		fa, fb := s.findings.at(int(a.idx)), s.findings.at(int(b.idx))
		if c := strings.Compare(fa.field, fb.field); c != 0 {
			return c
		}
		if fa.ref != nil && fb.ref != nil && fa.ref.file != "" && fb.ref.file != "" {
			if c := strings.Compare(fa.ref.file, fb.ref.file); c != 0 {
				return c
			}
			if c := cmp.Compare(fa.line, fb.line); c != 0 {
				return c
			}
		}
		return cmp.Or(strings.Compare(fa.message, fb.message), cmp.Compare(a.idx, b.idx))
	}
	if runtime.GOMAXPROCS(0) < 2 || n < 1<<14 {
		slices.SortFunc(keys, compare)
		return keys
	}
	half := n / 2
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(keys[:half], compare) })
	slices.SortFunc(keys[half:], compare)
	wg.Wait()
	out := make([]sortKey, 0, n)
	a, b := keys[:half], keys[half:]
	for len(a) > 0 && len(b) > 0 {
		if compare(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	out = append(append(out, a...), b...)
	return out
}
