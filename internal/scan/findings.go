package scan

import (
	"runtime"
	"sync"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/report"
)

// source puts the kept findings in report order and hands them over as a
// report.FindingSource; the scanner keeps none of them.
func (s *Scanner) source() *findingSource {
	src := &findingSource{keys: s.order(), findings: s.findings, rules: s.rules}
	s.findings = findingList{}
	// Each object's pod count, and its location's file, once per object.
	src.locs = make([]report.Location, len(src.keys))
	for i := range src.keys {
		c := src.findings.at(int(src.keys[i].idx))
		if c.ref != nil {
			if c.ref.uid != "" && c.ref.resource.Pods == 0 {
				c.ref.resource.Pods = s.pods[c.ref.uid]
			}
			if l := c.location(); l != nil {
				src.locs[i] = *l
			}
		}
	}
	var counter report.Counter
	for i := range src.keys {
		c := src.findings.at(int(src.keys[i].idx))
		counter.Add(c.severity, s.rules[c.rule].Category, c.suppressed != nil)
	}
	src.summary = counter.Summary()
	return src
}

// findingSource is the report.FindingSource of a scan: the compact findings
// in report order, turned into report form on demand.
type findingSource struct {
	keys     []sortKey
	findings findingList
	rules    []check.Meta
	// locs holds each finding's location (in report order), which the
	// report's findings point at.
	locs    []report.Location
	summary report.Summary
}

func (f *findingSource) Len() int { return len(f.keys) }

func (f *findingSource) Summary() report.Summary { return f.summary }

// Fill builds findings [from, from+len(dst)); on many of them at once it
// works on every CPU.
func (f *findingSource) Fill(dst []report.Finding, from int) {
	build := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			k := from + i
			c := f.findings.at(int(f.keys[k].idx))
			m := &f.rules[c.rule]
			var loc *report.Location
			if c.ref != nil && c.ref.file != "" {
				loc = &f.locs[k]
			}
			dst[i] = joined(m, c, loc)
		}
	}
	n := len(dst)
	workers := runtime.GOMAXPROCS(0)
	if n < 1<<14 {
		workers = 1
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { build(lo, hi) })
	}
	wg.Wait()
}

// findingList is an append-only list of compact findings held in blocks of
// a fixed size, so that growing it never copies what it holds.
type findingList struct {
	blocks [][]compact
	n      int
}

const findingBlock = 4096

func (l *findingList) add(c compact) {
	if l.n%findingBlock == 0 {
		l.blocks = append(l.blocks, make([]compact, 0, findingBlock))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, c)
	l.n++
}

func (l *findingList) at(i int) *compact { return &l.blocks[i/findingBlock][i%findingBlock] }

func (l *findingList) len() int { return l.n }
