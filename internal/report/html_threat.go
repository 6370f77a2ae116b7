package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"math"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/textsafe"
)

// htmlScript is the page's one script: the findings' filters. The page's
// Content-Security-Policy allows it by its hash and nothing else, so a
// script injected into the page would not run.
//
//go:embed html.js
var htmlScript string

// htmlScriptHash is the CSP source of htmlScript.
var htmlScriptHash = func() string {
	sum := sha256.Sum256([]byte(htmlScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// htmlThreat is the threat-model part of the page.
type htmlThreat struct {
	Gaps       []string
	ScoreRule  string
	Categories []htmlTMCategory
	Graph      *htmlGraph
	PathLines  []string
	MorePaths  int
}

type htmlTMCategory struct {
	// Name is the category as JSON spells it, for ids and data
	// attributes; Title is its name for a person.
	Name         string
	Title        string
	Score        string
	ScoreValue   int
	Scored       bool
	InPlace      int
	Missing      int
	NotEvaluated int
	Findings     int
	Controls     []htmlTMControl
}

type htmlTMControl struct {
	Title    string
	Status   string
	Class    string
	Why      string
	Checks   int
	Evidence []htmlEvidence
}

type htmlEvidence struct {
	ID       string
	Severity string
	Count    int
}

// htmlFilters are the values the findings can be filtered by.
type htmlFilters struct {
	Categories []string
	Severities []string
	Checks     []string
	Namespaces []string
}

// htmlGraph is the escalation paths laid out as an SVG: subjects in columns
// by their distance from cluster-admin, which is the last column.
type htmlGraph struct {
	Width, Height int
	Nodes         []htmlNode
	Edges         []htmlEdge
}

type htmlNode struct {
	X, Y, W, H int
	TextX      int
	Kind       string
	Label      string
	Full       string
	Admin      bool
}

type htmlEdge struct {
	X1, Y1, X2, Y2 int
	LX, LY         int
	// Head is the arrowhead's polygon points.
	Head  string
	Label string
	Full  string
}

const (
	graphNodeW  = 200
	graphNodeH  = 44
	graphColGap = 130
	graphRowGap = 22
	graphPad    = 12
)

func buildHTMLThreat(tm threatModel) htmlThreat {
	h := htmlThreat{ScoreRule: ScoreRule, MorePaths: tm.MorePaths}
	for _, g := range tm.Gaps {
		h.Gaps = append(h.Gaps, textsafe.Text(g))
	}
	for _, c := range tm.Categories {
		hc := htmlTMCategory{Name: string(c.Category), Title: c.Category.Title(), Score: c.scoreString(), ScoreValue: c.Score, Scored: c.Scored,
			InPlace: c.countStatus(StatusInPlace), Missing: c.countStatus(StatusMissing), NotEvaluated: c.countStatus(StatusNotEvaluated), Findings: c.Findings}
		for _, ctl := range c.Controls {
			hctl := htmlTMControl{Title: ctl.Control.Title(), Status: ctl.Status, Class: strings.ReplaceAll(ctl.Status, " ", "-"),
				Why: textsafe.Text(ctl.Why), Checks: len(ctl.Checks)}
			for _, e := range ctl.Evidence {
				hctl.Evidence = append(hctl.Evidence, htmlEvidence{ID: textsafe.Line(string(e.ID)), Severity: e.Severity.String(), Count: e.Count})
			}
			hc.Controls = append(hc.Controls, hctl)
		}
		h.Categories = append(h.Categories, hc)
	}
	if len(tm.Paths) > 0 {
		h.Graph = layoutPaths(tm.Paths)
		for _, p := range tm.Paths {
			parts := []string{p.Subject.String()}
			for _, hop := range p.Hops {
				parts = append(parts, "("+hopText(hop)+")", hop.To.String())
			}
			h.PathLines = append(h.PathLines, textsafe.Line(strings.Join(parts, " → ")))
		}
	}
	return h
}

// layoutPaths places the subjects of paths in columns by how many hops they
// are from cluster-admin (a shortest path's sub-paths are shortest too, so
// every subject has one distance) and draws each distinct hop once.
func layoutPaths(paths []rbac.Path) *htmlGraph {
	dist := map[rbac.Subject]int{}
	var order []rbac.Subject
	see := func(s rbac.Subject, d int) {
		if _, ok := dist[s]; !ok {
			order = append(order, s)
			dist[s] = d
		}
	}
	maxD := 0
	for _, p := range paths {
		n := len(p.Hops)
		maxD = max(maxD, n)
		see(p.Subject, n)
		for i, hop := range p.Hops {
			see(hop.To, n-1-i)
		}
	}
	cols := make([][]rbac.Subject, maxD+1)
	for _, s := range order {
		col := maxD - dist[s]
		cols[col] = append(cols[col], s)
	}
	rows := 0
	for _, c := range cols {
		rows = max(rows, len(c))
	}
	g := &htmlGraph{
		Width:  2*graphPad + (maxD+1)*graphNodeW + maxD*graphColGap,
		Height: 2*graphPad + rows*graphNodeH + (rows-1)*graphRowGap + 16,
	}
	pos := map[rbac.Subject][2]int{}
	for ci, c := range cols {
		x := graphPad + ci*(graphNodeW+graphColGap)
		// Center a short column vertically.
		top := graphPad + 16 + (rows-len(c))*(graphNodeH+graphRowGap)/2
		for ri, s := range c {
			y := top + ri*(graphNodeH+graphRowGap)
			pos[s] = [2]int{x, y}
			kind, label := s.Kind, s.Name
			if s.Namespace != "" {
				label = s.Namespace + "/" + s.Name
			}
			if s == rbac.ClusterAdmin {
				kind = "cluster admin"
			}
			g.Nodes = append(g.Nodes, htmlNode{X: x, Y: y, W: graphNodeW, H: graphNodeH, TextX: x + 8, Kind: textsafe.Line(kind),
				Label: textsafe.Line(truncate(label, 27)), Full: textsafe.Line(s.String()), Admin: s == rbac.ClusterAdmin})
		}
	}
	type key struct {
		from, to rbac.Subject
		edge     rbac.EdgeKind
	}
	seen := map[key]bool{}
	for _, p := range paths {
		from := p.Subject
		for _, hop := range p.Hops {
			k := key{from, hop.To, hop.Edge}
			if !seen[k] {
				seen[k] = true
				a, b := pos[from], pos[hop.To]
				x1, y1 := a[0]+graphNodeW, a[1]+graphNodeH/2
				x2, y2 := b[0], b[1]+graphNodeH/2
				g.Edges = append(g.Edges, htmlEdge{X1: x1, Y1: y1, X2: x2, Y2: y2, LX: (x1 + x2) / 2, LY: (y1+y2)/2 - 6, Head: arrowHead(x1, y1, x2, y2),
					Label: textsafe.Line(string(hop.Edge)), Full: textsafe.Line(hopText(hop))})
			}
			from = hop.To
		}
	}
	return g
}

// arrowHead is the points of a triangle ending the line from (x1, y1) at
// (x2, y2).
func arrowHead(x1, y1, x2, y2 int) string {
	dx, dy := float64(x2-x1), float64(y2-y1)
	l := math.Hypot(dx, dy)
	if l == 0 {
		return ""
	}
	ux, uy := dx/l, dy/l
	const length, half = 9.0, 4.5
	bx, by := float64(x2)-ux*length, float64(y2)-uy*length
	return fmt.Sprintf("%d,%d %.1f,%.1f %.1f,%.1f", x2, y2, bx-uy*half, by+ux*half, bx+uy*half, by-ux*half)
}

// truncate shortens s to n runes, ending it with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// htmlFiltersOf lists the distinct values of the unsuppressed findings.
func htmlFiltersOf(r *Report) htmlFilters {
	cats, sevs, ids, nss := map[string]bool{}, map[check.Severity]bool{}, map[string]bool{}, map[string]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed != nil {
			continue
		}
		cats[string(f.Category)] = true
		sevs[f.Severity] = true
		ids[textsafe.Line(string(f.ID))] = true
		nss[textsafe.Line(namespaceOf(f))] = true
	}
	var h htmlFilters
	for _, c := range check.Categories {
		if cats[string(c)] {
			h.Categories = append(h.Categories, string(c))
			delete(cats, string(c))
		}
	}
	h.Categories = append(h.Categories, sortedKeys(cats)...)
	for _, s := range severitiesDesc {
		if sevs[s] {
			h.Severities = append(h.Severities, s.String())
		}
	}
	h.Checks = sortedKeys(ids)
	h.Namespaces = sortedKeys(nss)
	return h
}

// namespaceOf is the namespace a finding is filtered by: its object's, or
// "(cluster)" for a cluster-scoped object and "(none)" for another subject.
func namespaceOf(f *Finding) string {
	switch {
	case f.SubjectKind() != "object":
		return "(none)"
	case f.Resource.Namespace == "":
		return "(cluster)"
	}
	return f.Resource.Namespace
}

// cspContent is the page's Content-Security-Policy.
func cspContent() string {
	return fmt.Sprintf("default-src 'none'; style-src 'unsafe-inline'; script-src %s", htmlScriptHash)
}
