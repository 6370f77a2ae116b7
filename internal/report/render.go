package report

import (
	"fmt"
	"io"
	"sort"
)

// Options tune rendering.
type Options struct {
	// Color enables ANSI colour in the table format.
	Color bool
	// Width, when positive, is the terminal's width: the table wraps
	// messages at word boundaries to fit it.
	Width int
	// GroupBy is how the table format groups the findings that count:
	// GroupByCategory ("" too), GroupByCheck or GroupByResource. The other
	// formats ignore it.
	GroupBy string
}

// The groupings of the table format.
const (
	GroupByCategory = "category"
	GroupByCheck    = "check"
	GroupByResource = "resource"
)

// GroupBys returns the groupings Options.GroupBy accepts, the default first.
func GroupBys() []string { return []string{GroupByCategory, GroupByCheck, GroupByResource} }

// Renderer writes a finalized report in one format.
type Renderer func(w io.Writer, r *Report, opts Options) error

var renderers = map[string]Renderer{}

// registerFormat is called from each format's init.
func registerFormat(name string, r Renderer) { renderers[name] = r }

// Formats returns the supported format names, sorted.
func Formats() []string {
	names := make([]string, 0, len(renderers))
	for n := range renderers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Render writes r in the named format.
func Render(w io.Writer, format string, r *Report, opts Options) error {
	render, ok := renderers[format]
	if !ok {
		return fmt.Errorf("unknown format %q (want one of %v)", format, Formats())
	}
	if r.Source != nil && format != "json" {
		r.Materialize() // only the JSON renderer reads a Source
	}
	return render(w, r, opts)
}
