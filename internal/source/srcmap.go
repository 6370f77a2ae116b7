package source

import (
	"regexp"
	"strings"

	"github.com/kubestride/kubestride/internal/object"
)

// renderInfo says where the documents of one rendered output came from.
type renderInfo struct {
	// by is "helm" or "kustomize".
	by string
	// file is the source of the output's objects, unless docFiles names
	// another for a document (by its 1-based index).
	file     string
	docFiles map[int]string
	smap     *object.SourceMap
}

// finish marks the objects decoded from a rendered output, and turns the
// errors about it into errors about its sources.
func (r *renderInfo) finish(objs []*object.Object, errs *errorList) {
	for _, o := range objs {
		file := r.file
		if f, ok := r.docFiles[o.Origin.Doc]; ok {
			file = f
		}
		o.Origin.Rendered = &object.Rendered{By: r.by, File: file, Map: r.smap}
	}
	for i := range errs.errs {
		e := &errs.errs[i]
		rendered := object.Error{File: e.File, Line: e.Line}
		rd := object.Rendered{File: r.file, Map: r.smap}
		if f, ok := r.docFiles[e.Doc]; ok {
			rd.File = f
		}
		e.File, e.Line = rd.Source(e.Line)
		e.Message += " (in the " + r.by + " output " + strings.TrimSuffix(rendered.Error(), ": ") + ")"
	}
}

// maxAlign bounds the rendered lines times source lines aligned at once;
// past it the lines of the source are not known, only its file.
const maxAlign = 4 << 20

// templateMap leads the lines Helm rendered from a template back to the
// template's lines. A rendered line comes from the template line it
// matches, the template's actions standing for any text, in order (the
// longest common subsequence); the lines between two matches come from
// the action that printed them (an include, a toYaml) between the two.
func templateMap(file, tpl, out string) *object.SourceMap {
	tl := strings.Split(tpl, "\n")
	ol := strings.Split(out, "\n")
	if len(tl)*len(ol) > maxAlign {
		return nil
	}
	matchers := make([]srcLine, len(tl))
	for i, t := range tl {
		matchers[i] = templateLine(t)
	}
	outIdx := make([]int, len(ol))
	for i := range ol {
		outIdx[i] = i
	}
	pairs := align(ol, outIdx, matchers)
	m := &object.SourceMap{Files: []string{file}, Lines: make([]object.SourceLine, len(ol)+1)}
	for _, p := range pairs {
		m.Lines[p[0]+1] = object.SourceLine{File: 1, Line: int32(p[1] + 1)}
	}
	// Lines printed by an action: between the matches around them.
	prevT, k := -1, 0
	for i := range ol {
		for k < len(pairs) && pairs[k][0] < i {
			prevT = pairs[k][1]
			k++
		}
		if k < len(pairs) && pairs[k][0] == i {
			continue
		}
		if strings.TrimSpace(ol[i]) == "" {
			continue
		}
		nextT := len(tl)
		if k < len(pairs) {
			nextT = pairs[k][1]
		}
		src := -1
		for t := prevT + 1; t < nextT; t++ {
			if matchers[t].emits {
				src = t
				break
			}
		}
		if src < 0 && prevT >= 0 && matchers[prevT].emits {
			src = prevT
		}
		if src >= 0 {
			m.Lines[i+1] = object.SourceLine{File: 1, Line: int32(src + 1)}
		}
	}
	return m
}

// srcLine matches rendered lines (without their indentation) that a
// source line may have produced.
type srcLine struct {
	literal string
	re      *regexp.Regexp
	// emits is set on a template line with an action that prints text.
	emits bool
	// none is set on a line that never matches (blank, or actions alone).
	none bool
}

func (m *srcLine) match(s string) bool {
	switch {
	case m.none:
		return false
	case m.re != nil:
		return m.re.MatchString(s)
	}
	return m.literal == s
}

var templateAction = regexp.MustCompile(`\{\{.*?\}\}`)

// templateLine makes the matcher of a template line.
func templateLine(line string) srcLine {
	t := strings.TrimSpace(line)
	if !strings.Contains(t, "{{") {
		return srcLine{literal: t, none: t == ""}
	}
	var m srcLine
	actions := templateAction.FindAllStringIndex(t, -1)
	var re strings.Builder
	re.WriteString("^")
	last, text := 0, false
	for _, a := range actions {
		lit := strings.TrimSpace(t[last:a[0]])
		if t[last:a[0]] != "" {
			re.WriteString(regexp.QuoteMeta(t[last:a[0]]))
		}
		text = text || lit != ""
		if printing(t[a[0]:a[1]]) {
			m.emits = true
			re.WriteString(".*")
		}
		last = a[1]
	}
	re.WriteString(regexp.QuoteMeta(t[last:]))
	re.WriteString("$")
	text = text || strings.TrimSpace(t[last:]) != ""
	if !text {
		m.none = true
		return m
	}
	m.re = regexp.MustCompile(re.String())
	return m
}

// printing reports whether a template action prints text, as opposed to
// controlling the flow, defining or assigning.
func printing(action string) bool {
	a := strings.TrimSuffix(strings.TrimPrefix(action, "{{"), "}}")
	a = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(a, "-"), "-"))
	for _, kw := range []string{"if ", "else", "end", "range ", "with ", "define ", "block ", "/*", "break", "continue"} {
		if strings.HasPrefix(a, kw) || a == strings.TrimSpace(kw) {
			return false
		}
	}
	if strings.HasPrefix(a, "$") && (strings.Contains(a, ":=") || strings.Contains(a, " = ")) {
		return false
	}
	return true
}

// align pairs the rendered lines out[idx[...]] with source lines in order,
// as many as can be (the longest common subsequence), and returns the pairs
// (rendered line, source line) in order.
func align(out []string, idx []int, src []srcLine) [][2]int {
	n, m := len(idx), len(src)
	if n == 0 || m == 0 || n*m > maxAlign {
		return nil
	}
	trimmed := make([]string, n)
	for i, k := range idx {
		trimmed[i] = strings.TrimSpace(out[k])
	}
	// dp[i][j]: the longest match of trimmed[i:] and src[j:].
	w := m + 1
	dp := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			best := max(dp[(i+1)*w+j], dp[i*w+j+1])
			if trimmed[i] != "" && src[j].match(trimmed[i]) {
				best = max(best, dp[(i+1)*w+j+1]+1)
			}
			dp[i*w+j] = best
		}
	}
	var pairs [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case trimmed[i] != "" && src[j].match(trimmed[i]) && dp[i*w+j] == dp[(i+1)*w+j+1]+1:
			pairs = append(pairs, [2]int{idx[i], j})
			i++
			j++
		case dp[(i+1)*w+j] >= dp[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return pairs
}
