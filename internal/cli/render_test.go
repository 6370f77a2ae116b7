package cli

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/report"
)

const renderData = "internal/source/testdata/render"

// TestRenderGolden pins the report on a chart rendered through Helm with
// its insecure switch on, and on a Kustomize overlay, as the user sees it.
func TestRenderGolden(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"helm", []string{"--helm", renderData + "/charts/webapp", "--values", renderData + "/insecure-values.yaml", "--release", "shop", "-n", "web"}, report.ExitFindings},
		{"kustomize", []string{"--kustomize", renderData + "/kustomize/overlays/prod"}, report.ExitFindings},
		{"errors", []string{"--helm", renderData + "/bad-chart", "--kustomize", renderData + "/bad-kustomize", "--helm", renderData + "/charts/webapp", "--fail-on", "none"}, report.ExitError},
	}
	for _, tc := range tests {
		for _, format := range []string{"json", "table"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				args := append([]string{"scan", "--format", format}, tc.args...)
				out, stderr, code := run(t, "", args...)
				if code != tc.code {
					t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tc.code, stderr)
				}
				golden.Check(t, filepath.Join("internal", "cli", "testdata", "render-"+tc.name+"."+format+".golden"), []byte(out))
			})
		}
	}
}

// TestRenderBackReferences asserts, on the report, that findings on
// rendered objects point at the template or patch that produced them.
func TestRenderBackReferences(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name       string
		args       []string
		check      string
		file       string
		line       int
		renderedIn string
	}{
		{"helm privileged", []string{"--helm", renderData + "/charts/webapp", "--values", renderData + "/insecure-values.yaml"},
			"pss-privileged", renderData + "/charts/webapp/templates/deployment.yaml", 32, "webapp/templates/deployment.yaml"},
		{"kustomize strategic-merge patch", []string{"--kustomize", renderData + "/kustomize/overlays/prod"},
			"pss-privileged", renderData + "/kustomize/overlays/prod/debug-sidecar.yaml", 11, renderData + "/kustomize/overlays/prod"},
		{"kustomize JSON patch", []string{"--kustomize", renderData + "/kustomize/overlays/prod"},
			"pss-host-namespaces", renderData + "/kustomize/overlays/prod/host-pid.yaml", 3, renderData + "/kustomize/overlays/prod"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, _ := run(t, "", append([]string{"scan", "--format", "json"}, tc.args...)...)
			r := decodeReport(t, out)
			var seen []string
			for _, f := range r.Findings {
				if string(f.ID) != tc.check {
					continue
				}
				l := f.Location
				if l == nil {
					t.Fatalf("%s: no location", f.ID)
				}
				seen = append(seen, locationOf(l))
				if l.File == tc.file && l.Line == tc.line && l.Rendered != nil && l.Rendered.File == tc.renderedIn && l.Rendered.Line > 0 {
					return
				}
			}
			t.Errorf("no %s finding at %s:%d (rendered in %s); seen %s\nstderr: %s", tc.check, tc.file, tc.line, tc.renderedIn, strings.Join(seen, ", "), stderr)
		})
	}
}

func locationOf(l *report.Location) string {
	s := l.File + ":" + strconv.Itoa(l.Line)
	if l.Rendered != nil {
		s += " (rendered " + l.Rendered.File + ":" + strconv.Itoa(l.Rendered.Line) + ")"
	}
	return s
}
