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
// and a broken manifest. What is no manifest is skipped with a notice saying
// what to do; the broken manifest is still an error; the manifest is read.
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
	var kinds []string
	errs := Load(context.Background(), []string{dir}, nil, func(o *object.Object) { kinds = append(kinds, o.Kind+" "+o.Name()) })
	type problem struct {
		File    string
		Skipped bool
	}
	var got []problem
	for _, e := range errs {
		rel, _ := filepath.Rel(dir, e.File)
		got = append(got, problem{rel, e.Skipped})
	}
	want := []problem{
		{"broken.yaml", false},
		{"chart", true},
		{"ci.yml", true},
		{"deploy/kustomization.yaml", true},
		{"tpl/cm.yaml", true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s\nall: %v", diff, errs)
	}
	if diff := cmp.Diff([]string{"Pod p"}, kinds); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}
