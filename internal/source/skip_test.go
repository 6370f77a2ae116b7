package source

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/object"
)

// TestRepositoryFilesSkipped loads a repository-like tree: a manifest, a CI
// configuration, a Helm chart, a Kustomize file, a template outside a chart
// and a broken manifest. The chart and the kustomization are rendered (or,
// with --no-render, skipped); what is no manifest is skipped with a notice
// saying what to do; the broken manifest is still an error.
func TestRepositoryFilesSkipped(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("deploy/pod.yaml", podHead+"spec: {containers: [{name: a, image: b}]}\n")
	write("deploy/kustomization.yaml", "resources: [pod.yaml]\n")
	write("ci.yml", "stages: [build, test]\nbuild:\n  script: [make]\n---\n- a list\n")
	write("chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n")
	write("chart/values.yaml", "replicas: 1\n")
	write("chart/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n")
	write("tpl/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  {{- range .Values.items }}\n  {{ .k }}: {{ .v }}\n  {{- end }}\n")
	write("broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n")
	type problem struct {
		File    string
		Skipped bool
	}
	for _, tc := range []struct {
		name   string
		render Render
		want   []problem
		kinds  []string
	}{
		// The chart and the kustomization are rendered; the pod of the
		// kustomization is read once, through it.
		{"rendered", Render{}, []problem{
			{"broken.yaml", false},
			{"ci.yml", true},
			{"tpl/cm.yaml", true},
		}, []string{"Deployment release-name", "Pod p"}},
		{"--no-render", Render{Off: true}, []problem{
			{"broken.yaml", false},
			{"chart", true},
			{"ci.yml", true},
			{"deploy", true},
			{"tpl/cm.yaml", true},
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var kinds []string
			errs := Stream(context.Background(), []string{dir}, Options{Render: tc.render}, nil, func(o *object.Object, _ struct{}) { kinds = append(kinds, o.Kind+" "+o.Name()) })
			var got []problem
			for _, e := range errs {
				rel, _ := filepath.Rel(dir, e.File)
				got = append(got, problem{rel, e.Skipped})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s\nall: %v", diff, errs)
			}
			if diff := cmp.Diff(tc.kinds, kinds); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
		})
	}
}
