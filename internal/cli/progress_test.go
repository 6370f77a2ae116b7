package cli

import (
	"bytes"
	"testing"

	"github.com/kubestride/kubestride/internal/cluster"
)

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	off := newProgressBar(&buf)
	off.update(cluster.Progress{Kinds: 4, Done: 1, Objects: 10})
	off.done()
	if buf.Len() != 0 {
		t.Errorf("progress drawn on a writer that is not a terminal: %q", buf.String())
	}

	on := &progressBar{w: &buf, on: true}
	on.update(cluster.Progress{Kinds: 4, Done: 1, Objects: 10})
	on.p = cluster.Progress{Kinds: 4, Done: 4, Objects: 1234}
	on.done()
	want := "\r[######------------------] 1/4 kinds listed, 10 objects seen" +
		"\r[########################] 4/4 kinds listed, 1234 objects seen\n"
	if got := buf.String(); got != want {
		t.Errorf("progress output = %q, want %q", got, want)
	}
}
