package source

import (
	"bytes"
	"errors"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// Limits that keep hostile input from hanging or exhausting memory.
const (
	// maxDepth caps the nesting depth of one document.
	maxDepth = 1000
	// aliasAllowance is the expansion every input may spend on YAML aliases
	// and merge keys beyond its own size, whatever its size.
	aliasAllowance = 1 << 20
	// aliasPerByte is the further expansion allowed per byte of input: a
	// manifest that reuses anchors expands to a few times its size, an alias
	// bomb to millions.
	aliasPerByte = 2
	// maxErrorsPerFile caps the errors kept for one file; the rest are
	// counted in one last error.
	maxErrorsPerFile = 20
)

var errTooDeep = fmt.Errorf("document nests deeper than %d levels", maxDepth)

// budget is what one input may still spend on alias and merge-key
// expansion. It is charged in document order, by the loader's goroutine,
// before a document is expanded, so that which document is refused does not
// depend on scheduling.
type budget struct {
	left int64
}

func newBudget(size int) *budget {
	return &budget{left: aliasAllowance + aliasPerByte*int64(size)}
}

// charge takes the expansion of a document beyond its own size; it reports
// false, taking nothing, when that is more than is left.
func (b *budget) charge(expanded int64, size int) bool {
	extra := expanded - int64(size)
	if extra <= 0 {
		return true
	}
	if extra > b.left {
		return false
	}
	b.left -= extra
	return true
}

// mayAlias reports, cheaply and conservatively, whether text may hold a
// YAML alias (and so expand beyond its size): a '*' where a node may start
// (at the start of a line or after a blank or a flow indicator) followed
// by a character an anchor name may start with. "*/5 * * * *" in quotes
// is no alias.
func mayAlias(text []byte) bool {
	for i := 0; i+1 < len(text); i++ {
		j := bytes.IndexByte(text[i:len(text)-1], '*')
		if j < 0 {
			return false
		}
		i += j
		if i > 0 {
			switch text[i-1] {
			case ' ', '\t', '\n', '\r', '[', '{', ',', ':', '-', '?', '>', '|':
			default:
				if text[i-1] < 0x80 {
					continue // inside a word or a quoted string
				}
			}
		}
		switch text[i+1] {
		case ' ', '\t', '\n', '\r', '"', '\'', ',', ']', '}', '*':
			continue
		}
		return true
	}
	return false
}

// expansion measures what a parse tree expands to once every alias and
// merge key is resolved, without resolving any: the size, in bytes, of the
// JSON it becomes (about), computed once per node. It fails on an alias that
// refers to a node containing it, and on nesting deeper than maxDepth.
type expansion struct {
	sizes  map[*yaml.Node]int64
	inWalk map[*yaml.Node]bool
	// aliases counts the alias nodes met.
	aliases int
}

// errAliasCycle is an alias inside the node it refers to: YAML readers
// reject it, and expanding it would never end.
var errAliasCycle = errors.New("an alias refers to a node that contains it")

// nodeError is an error at a node's line (1-based, within the document).
type nodeError struct {
	line int
	err  error
}

func (e *nodeError) Error() string { return e.err.Error() }
func (e *nodeError) Unwrap() error { return e.err }

// measure returns what n expands to and whether it holds an alias.
func measure(n *yaml.Node) (size int64, aliases bool, err error) {
	e := expansion{sizes: map[*yaml.Node]int64{}, inWalk: map[*yaml.Node]bool{}}
	size, err = e.size(n, 0)
	return size, e.aliases > 0, err
}

// saturate keeps sizes from overflowing: anything this large is refused
// anyway.
const saturate = int64(1) << 50

func (e *expansion) size(n *yaml.Node, depth int) (int64, error) {
	if depth > maxDepth {
		return 0, errTooDeep
	}
	if s, ok := e.sizes[n]; ok {
		return s, nil
	}
	if e.inWalk[n] {
		return 0, &nodeError{n.Line, errAliasCycle}
	}
	var total int64
	switch n.Kind {
	case yaml.ScalarNode:
		return int64(len(n.Value)) + 3, nil
	case yaml.AliasNode:
		e.aliases++
		if n.Alias == nil {
			return 0, &nodeError{n.Line, fmt.Errorf("unknown anchor %q", n.Value)}
		}
		e.inWalk[n] = true
		s, err := e.size(n.Alias, depth+1)
		delete(e.inWalk, n)
		return s, err
	case yaml.DocumentNode, yaml.SequenceNode, yaml.MappingNode:
		e.inWalk[n] = true
		total = 2
		for _, c := range n.Content {
			s, err := e.size(c, depth+1)
			if err != nil {
				return 0, err
			}
			total = min(total+s+1, saturate)
		}
		delete(e.inWalk, n)
	}
	if n.Anchor != "" {
		e.sizes[n] = total
	}
	return total, nil
}
