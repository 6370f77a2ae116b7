package policy

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// lineIndex maps field paths (vulnerabilities.ignore[2].expires) to their
// lines, and lines to the most specific field on them.
type lineIndex struct {
	byPath map[string]int
	byLine map[int]string
}

func nodeLines(root *yaml.Node) lineIndex {
	idx := lineIndex{byPath: map[string]int{}, byLine: map[int]string{}}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, val := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				idx.byPath[p] = k.Line
				idx.byLine[k.Line] = p
				walk(val, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				idx.byPath[p] = c.Line
				if _, ok := idx.byLine[c.Line]; !ok || c.Kind == yaml.ScalarNode {
					idx.byLine[c.Line] = p
				}
				walk(c, p)
			}
		}
	}
	walk(root, "")
	return idx
}

var (
	lineRE    = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownRE = regexp.MustCompile(`^field (\S+) not found in type `)
	typeRE    = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// yamlError words a strict decoding error as file:line: field: problem.
func yamlError(path string, err error, idx lineIndex) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("%s: %s", path, yamlMessage(err))
	}
	var errs []error
	for _, e := range te.Errors {
		m := lineRE.FindStringSubmatch(e)
		if m == nil {
			errs = append(errs, fmt.Errorf("%s: %s", path, e))
			continue
		}
		line, _ := strconv.Atoi(m[1])
		msg := m[2]
		field := idx.byLine[line]
		if u := unknownRE.FindStringSubmatch(msg); u != nil {
			parent := field
			if i := strings.LastIndex(parent, "."); i >= 0 {
				parent = parent[:i]
			} else {
				parent = ""
			}
			if parent != "" {
				msg = fmt.Sprintf("unknown field %q in %s", u[1], parent)
			} else {
				msg = fmt.Sprintf("unknown field %q", u[1])
			}
			errs = append(errs, fmt.Errorf("%s:%d: %s", path, line, msg))
			continue
		}
		if t := typeRE.FindStringSubmatch(msg); t != nil {
			msg = fmt.Sprintf("a %s where %s was expected", yamlKind(t[1]), goKind(t[3]))
		}
		if field != "" {
			msg = field + ": " + msg
		}
		errs = append(errs, fmt.Errorf("%s:%d: %s", path, line, msg))
	}
	return errors.Join(errs...)
}

func yamlMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

func yamlKind(tag string) string {
	switch tag {
	case "str":
		return "string"
	case "seq":
		return "list"
	case "map":
		return "mapping"
	case "int", "float":
		return "number"
	}
	return tag
}

func goKind(t string) string {
	switch {
	case t == "bool":
		return "true or false"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "struct") || strings.Contains(t, "."):
		return "a mapping"
	}
	return "a " + t
}
