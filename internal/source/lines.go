package source

import (
	"cmp"
	"slices"
	"sort"

	"github.com/kubestride/kubestride/internal/fieldpath"
)

// LineIndex maps field paths of one object to the line where each is set.
// It stores a 64-bit hash of every path rather than the path itself, so it
// costs 12 bytes per field whatever the depth.
type LineIndex struct {
	hashes []uint64
	lines  []int32
}

const (
	hashSeed  uint64 = 14695981039346656037
	hashPrime uint64 = 1099511628211
	// indexMark separates list indexes from keys that look like numbers.
	indexMark byte = 0xff
)

func hashKey(h uint64, key string) uint64 {
	h ^= '.'
	h *= hashPrime
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= hashPrime
	}
	return h
}

func hashIndex(h uint64, i int) uint64 {
	h ^= uint64(indexMark)
	h *= hashPrime
	for {
		h ^= uint64(byte(i))
		h *= hashPrime
		i >>= 8
		if i == 0 {
			return h
		}
	}
}

type lineEntry struct {
	hash uint64
	line int32
}

// lineBuilder collects entries while a document is walked.
type lineBuilder struct{ entries []lineEntry }

func (b *lineBuilder) add(h uint64, line int) {
	b.entries = append(b.entries, lineEntry{h, int32(line)})
}

// build makes the index; dup reports a path recorded twice (a key set twice
// in one mapping).
func (b *lineBuilder) build() (idx *LineIndex, dup bool) {
	// By hash, then line: of a key set twice, the later one sorts last.
	slices.SortFunc(b.entries, func(a, b lineEntry) int {
		if c := cmp.Compare(a.hash, b.hash); c != 0 {
			return c
		}
		return cmp.Compare(a.line, b.line)
	})
	idx = &LineIndex{hashes: make([]uint64, 0, len(b.entries)), lines: make([]int32, 0, len(b.entries))}
	for _, e := range b.entries {
		if n := len(idx.hashes); n > 0 && idx.hashes[n-1] == e.hash {
			idx.lines[n-1] = e.line // a key set twice: the last one wins, as in Kubernetes
			dup = true
			continue
		}
		idx.hashes = append(idx.hashes, e.hash)
		idx.lines = append(idx.lines, e.line)
	}
	return idx, dup
}

func (x *LineIndex) lookup(h uint64) int {
	i := sort.Search(len(x.hashes), func(i int) bool { return x.hashes[i] >= h })
	if i < len(x.hashes) && x.hashes[i] == h {
		return int(x.lines[i])
	}
	return 0
}

// Line returns the line of the deepest prefix of path that the document sets,
// or 0 when not even the first segment is set.
func (x *LineIndex) Line(path string) int {
	if x == nil {
		return 0
	}
	h := hashSeed
	best := 0
	for seg := range fieldpath.Segments(path) {
		if seg.IsIndex {
			h = hashIndex(h, seg.Index)
		} else {
			h = hashKey(h, seg.Key)
		}
		l := x.lookup(h)
		if l == 0 {
			break
		}
		best = l
	}
	return best
}

// Len returns the number of indexed fields.
func (x *LineIndex) Len() int {
	if x == nil {
		return 0
	}
	return len(x.hashes)
}

// Keep returns an index holding only the given paths and their prefixes, for
// objects kept long after loading; a lookup of any other path then resolves
// to its nearest kept parent.
func (x *LineIndex) Keep(paths ...string) *LineIndex {
	if x == nil {
		return nil
	}
	var b lineBuilder
	for _, p := range paths {
		h := hashSeed
		for _, seg := range fieldpath.Parse(p) {
			if seg.IsIndex {
				h = hashIndex(h, seg.Index)
			} else {
				h = hashKey(h, seg.Key)
			}
			l := x.lookup(h)
			if l == 0 {
				break
			}
			b.add(h, l)
		}
	}
	idx, _ := b.build()
	return idx
}
