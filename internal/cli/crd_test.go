package cli

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/report"
)

const privilegedRollout = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: ledger
  namespace: payments
spec:
  selector:
    matchLabels: {app: ledger}
  template:
    metadata:
      labels: {app: ledger}
    spec:
      containers:
      - name: app
        image: registry.example.com/ledger:1.4
        securityContext:
          privileged: true
  strategy:
    canary:
      steps:
      - setWeight: 20
`

const privilegedWorkflow = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: build-7xk2q
  namespace: ci
spec:
  entrypoint: main
  serviceAccountName: builder
  templates:
  - name: main
    steps:
    - - name: build
        template: build
  - name: build
    container:
      image: docker:24-dind
      command: [dockerd-entrypoint.sh]
      securityContext:
        privileged: true
`

// A custom kind that only the configuration names.
const privilegedRunner = `apiVersion: ci.example.com/v1
kind: Runner
metadata:
  name: shared
  namespace: ci
spec:
  podTemplate:
    spec:
      containers:
      - name: job
        image: alpine:3.20
        securityContext:
          privileged: true
`

type crdFinding struct {
	ID, Kind, Name, Field string
	Line                  int
	PSSCheck              string
}

func crdFindings(r *report.Report, ids ...string) []crdFinding {
	var out []crdFinding
	for _, f := range r.Findings {
		if !contains(ids, string(f.ID)) {
			continue
		}
		g := crdFinding{ID: string(f.ID), Kind: f.Resource.Kind, Name: f.Resource.Name, Field: f.Field}
		if f.Location != nil {
			g.Line = f.Location.Line
		}
		if f.PSS != nil {
			g.PSSCheck = f.PSS.Check
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind+out[i].Field < out[j].Kind+out[j].Field })
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestScanCustomResourcePods scans privileged pods shipped as an Argo
// Rollout, an Argo Workflow and a custom kind: the first two get the
// privileged Pod Security finding at the line of privileged: true; the
// third gets a notice that its pod spec was not evaluated, and the finding
// once the configuration names it in podTemplates.
func TestScanCustomResourcePods(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"rollout.yaml": privilegedRollout, "workflow.yaml": privilegedWorkflow, "runner.yaml": privilegedRunner} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(t.TempDir(), "kubestride.yaml")
	if err := os.WriteFile(cfg, []byte("podTemplates:\n  - {group: ci.example.com, kind: Runner, path: spec.podTemplate}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ids := []string{"pss-privileged", "custom-resource-pod-spec-not-evaluated"}
	rollout := crdFinding{"pss-privileged", "Rollout", "ledger", "spec.template.spec.containers[0].securityContext.privileged", 17, "privileged"}
	workflow := crdFinding{"pss-privileged", "Workflow", "build-7xk2q", "spec.templates[1].container.securityContext.privileged", 19, "privileged"}
	tests := []struct {
		name string
		args []string
		want []crdFinding
	}{
		{"built-in table", nil, []crdFinding{
			rollout,
			{"custom-resource-pod-spec-not-evaluated", "Runner", "shared", "spec.podTemplate.spec", 8, ""},
			workflow,
		}},
		{"configured podTemplates", []string{"--config", cfg}, []crdFinding{
			rollout,
			{"pss-privileged", "Runner", "shared", "spec.podTemplate.spec.containers[0].securityContext.privileged", 13, "privileged"},
			workflow,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"scan", "-f", "json"}, tc.args...)
			out, stderr, code := run(t, "", append(args, dir)...)
			if code != report.ExitFindings {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, report.ExitFindings, stderr)
			}
			got := crdFindings(decodeReport(t, out), ids...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScanCustomResourceBadPod: a pod spec in a known custom resource that
// cannot be read is an input error (exit 2) naming the file, line and
// field; the rest is still scanned.
func TestScanCustomResourceBadPod(t *testing.T) {
	bad := strings.Replace(privilegedRollout, "privileged: true", "privileged: [true]", 1)
	out, stderr, code := run(t, bad+"---\n"+privilegedWorkflow, "scan", "-f", "json", "-")
	if code != report.ExitError {
		t.Errorf("exit code = %d, want %d; stderr:\n%s", code, report.ExitError, stderr)
	}
	r := decodeReport(t, out)
	if len(r.Errors) != 1 || r.Errors[0].Line != 12 || !strings.Contains(r.Errors[0].Message, "Rollout payments/ledger: spec.template.spec: pod spec could not be read") {
		t.Errorf("errors = %+v, want one at line 12 (the pod spec) naming the Rollout's pod spec", r.Errors)
	}
	if got := crdFindings(r, "pss-privileged"); len(got) != 1 || got[0].Kind != "Workflow" {
		t.Errorf("privileged findings = %+v, want the Workflow's", got)
	}
}
