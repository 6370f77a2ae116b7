package checks

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/check"
)

// wlFinding is what the workload checks' tests compare of a finding.
type wlFinding struct {
	// Object is Kind/name of the object at fault.
	Object               string
	Path, Reason, Detail string
}

// wlCase is one case of a workload check's table: a manifest (one or more
// YAML documents) and the findings it must give.
type wlCase struct {
	name     string
	manifest string
	want     []wlFinding
}

// wlRunCases runs the check with the given ID on each case and compares the
// findings exactly.
func wlRunCases(t *testing.T, id check.ID, cases []wlCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := wlRun(t, id, tc.manifest)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s findings mismatch (-want +got):\n%s", id, diff)
			}
		})
	}
}

// wlRun loads manifest and runs the check with the given ID on it.
func wlRun(t *testing.T, id check.ID, manifest string) []wlFinding {
	t.Helper()
	var out []wlFinding
	for _, f := range runOn(t, registered(t, id), "test.yaml", []byte(manifest)) {
		out = append(out, wlFinding{Object: f.Object.Kind + "/" + f.Object.Name(), Path: f.Path, Reason: f.Reason, Detail: f.Detail})
	}
	return out
}

// wlDeployment returns a Deployment named "app" whose pod spec is spec,
// written unindented.
func wlDeployment(spec string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
` + wlIndent(spec, "      ")
}

// wlPod returns a Pod named "app" in namespace shop whose spec is spec,
// written unindented.
func wlPod(spec string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: shop
spec:
` + wlIndent(spec, "  ")
}

func wlIndent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
