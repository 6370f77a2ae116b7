package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/kubestride/kubestride/internal/cluster"
)

// progressBar draws the progress of a cluster listing on a terminal, at
// most ten times a second; it draws nothing when w is not a terminal.
type progressBar struct {
	w    io.Writer
	on   bool
	last time.Time
	p    cluster.Progress
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{w: w, on: isTerminal(w)}
}

func (b *progressBar) update(p cluster.Progress) {
	b.p = p
	if !b.on || time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last = time.Now()
	b.draw()
}

func (b *progressBar) draw() {
	const width = 24
	filled := 0
	if b.p.Kinds > 0 {
		filled = width * b.p.Done / b.p.Kinds
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '-'
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(b.w, "\r[%s] %d/%d kinds listed, %d objects seen", bar, b.p.Done, b.p.Kinds, b.p.Objects)
}

// done draws the final state and ends the line.
func (b *progressBar) done() {
	if !b.on {
		return
	}
	b.draw()
	fmt.Fprintln(b.w)
}
