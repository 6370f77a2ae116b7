package scan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/source"
)

var (
	corpusOnce sync.Once
	corpusDir  string
	corpusErr  error
)

// benchCorpus makes the 10,000-document single-file corpus of the
// benchmark issue with hack/gencorpus (hack/bench.py's "single" corpus),
// once per run.
func benchCorpus(b *testing.B) string {
	b.Helper()
	corpusOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kubestride-bench-")
		if err != nil {
			corpusErr = err
			return
		}
		corpusDir = filepath.Join(dir, "single")
		cmd := exec.Command("go", "run", "./hack/gencorpus", corpusDir, "0", "--single-docs", "10000", "--seed", "3")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			corpusErr = fmt.Errorf("hack/gencorpus: %w: %s", err, out)
		}
	})
	if corpusErr != nil {
		b.Skip(corpusErr)
	}
	return corpusDir
}

// BenchmarkFloorDecode is the floor: read the corpus and decode every
// document into its typed object with apimachinery's universal deserializer.
func BenchmarkFloorDecode(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(benchCorpus(b), "all.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	decoder := scheme.Codecs.UniversalDeserializer()
	b.ResetTimer()
	for b.Loop() {
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		n := 0
		for {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := decoder.Decode(doc, nil, nil); err == nil {
				n++
			}
		}
		b.ReportMetric(float64(n), "docs/op")
	}
}

// BenchmarkScan is the full scan the CLI runs: streaming load, every check,
// the JSON report written out.
func BenchmarkScan(b *testing.B) {
	dir := benchCorpus(b)
	ctx := context.Background()
	for b.Loop() {
		s := New(Options{Check: restrictedLatest, Now: time.Now()})
		errs := source.Stream(ctx, []string{dir}, source.Options{},
			func(o *object.Object) *Local { return s.CheckLocal(ctx, o) },
			func(o *object.Object, l *Local) { s.Add(ctx, o, l) })
		r := s.Report(ctx, errs)
		if err := report.Render(io.Discard, "json", r, report.Options{}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(r.Findings)), "findings/op")
	}
}
