package object

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
	// HashSeed is the hash of the empty path.
	HashSeed  uint64 = 14695981039346656037
	hashPrime uint64 = 1099511628211
	// indexMark separates list indexes from keys that look like numbers.
	indexMark byte = 0xff
)

// HashKey extends the hash h of a path by a key segment.
func HashKey(h uint64, key string) uint64 {
	h ^= '.'
	h *= hashPrime
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= hashPrime
	}
	return h
}

// HashIndex extends the hash h of a path by a list index segment.
func HashIndex(h uint64, i int) uint64 {
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

// LineEntry is the line of one field, by the hash of its path.
type LineEntry struct {
	Hash uint64
	Line int32
}

// LineBuilder collects entries while a document is walked: the loader
// hashes each field's path as it goes (HashSeed, then HashKey and HashIndex
// per segment) and adds the line it is set at.
type LineBuilder struct{ Entries []LineEntry }

// Add records that the field whose path hashes to h is set at line.
func (b *LineBuilder) Add(h uint64, line int) {
	b.Entries = append(b.Entries, LineEntry{h, int32(line)})
}

// Reset empties b, keeping its storage.
func (b *LineBuilder) Reset() { b.Entries = b.Entries[:0] }

// Build makes the index; dup reports a path recorded twice (a key set twice
// in one mapping).
func (b *LineBuilder) Build() (idx *LineIndex, dup bool) {
	// By hash, then line: of a key set twice, the later one sorts last.
	slices.SortFunc(b.Entries, func(a, b LineEntry) int {
		if c := cmp.Compare(a.Hash, b.Hash); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
	idx = &LineIndex{hashes: make([]uint64, 0, len(b.Entries)), lines: make([]int32, 0, len(b.Entries))}
	for _, e := range b.Entries {
		if n := len(idx.hashes); n > 0 && idx.hashes[n-1] == e.Hash {
			idx.lines[n-1] = e.Line // a key set twice: the last one wins, as in Kubernetes
			dup = true
			continue
		}
		idx.hashes = append(idx.hashes, e.Hash)
		idx.lines = append(idx.lines, e.Line)
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
	h := HashSeed
	best := 0
	for seg := range fieldpath.Segments(path) {
		if seg.IsIndex {
			h = HashIndex(h, seg.Index)
		} else {
			h = HashKey(h, seg.Key)
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
	// Of the few entries kept, none outlives the call: they stay on the
	// stack.
	var buf [48]LineEntry
	entries := buf[:0]
	for _, p := range paths {
		h := HashSeed
		for seg := range fieldpath.Segments(p) {
			if seg.IsIndex {
				h = HashIndex(h, seg.Index)
			} else {
				h = HashKey(h, seg.Key)
			}
			l := x.lookup(h)
			if l == 0 {
				break
			}
			entries = append(entries, LineEntry{h, int32(l)})
		}
	}
	b := LineBuilder{Entries: entries}
	idx, _ := b.Build()
	return idx
}
