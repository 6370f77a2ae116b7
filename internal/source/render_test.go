package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubestride/kubestride/internal/object"
)

const renderData = "testdata/render"

// loadRendered loads with opts and returns the objects by kind/name.
func loadRendered(t *testing.T, paths []string, opts Options) (map[string]*object.Object, []object.Error) {
	t.Helper()
	objs := map[string]*object.Object{}
	errs := Stream(context.Background(), paths, opts, nil, func(o *object.Object, _ struct{}) {
		objs[o.Kind+"/"+o.Name()] = o
	})
	return objs, errs
}

// lineIn returns the 1-based line of file whose text, trimmed, is want;
// the test fails unless there is exactly one.
func lineIn(t *testing.T, file, want string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == want {
			if found != 0 {
				t.Fatalf("%s: %q on lines %d and %d", file, want, found, i+1)
			}
			found = i + 1
		}
	}
	if found == 0 {
		t.Fatalf("%s: no line %q", file, want)
	}
	return found
}

// source returns where the field at path of o came from.
func source(o *object.Object, path string) (string, int) {
	return o.Origin.Rendered.Source(o.Line(path))
}

func TestHelmChartLeadsBackToTemplates(t *testing.T) {
	chart := filepath.Join(renderData, "charts", "webapp")
	deployment := filepath.Join(chart, "templates", "deployment.yaml")
	objs, errs := loadRendered(t, nil, Options{
		Helm:   []string{chart},
		Render: Render{Values: []string{filepath.Join(renderData, "insecure-values.yaml")}, Release: "shop", Namespace: "web"},
	})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	for _, want := range []string{"Deployment/shop-webapp", "Service/shop-webapp", "ServiceAccount/shop-webapp", "Role/shop-webapp", "RoleBinding/shop-webapp"} {
		o := objs[want]
		if o == nil {
			t.Fatalf("no %s among %d objects", want, len(objs))
		}
		if o.Origin.Rendered == nil || o.Origin.Rendered.By != "helm" {
			t.Errorf("%s: not marked as rendered by helm: %+v", want, o.Origin)
		}
		if o.Namespace() != "web" {
			t.Errorf("%s: namespace %q, want the release's, web", want, o.Namespace())
		}
	}
	if len(objs) != 5 {
		t.Errorf("%d objects, want 5 (NOTES.txt and _helpers.tpl render none)", len(objs))
	}
	d := objs["Deployment/shop-webapp"]
	if d.Origin.File != "webapp/templates/deployment.yaml" || d.Origin.Line != 1 {
		t.Errorf("rendered location %s, want webapp/templates/deployment.yaml:1 as helm template names it", d.Origin)
	}
	tests := []struct {
		path, file, line string
	}{
		// Lines written in the template, with actions in them or not.
		{"spec.template.spec.containers[0].securityContext.privileged", deployment, "privileged: true"},
		{"spec.template.spec.hostNetwork", deployment, "hostNetwork: true"},
		{"spec.template.spec.containers[0].image", deployment, `image: "{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag }}"`},
		{"spec.replicas", deployment, "replicas: {{ .Values.replicaCount }}"},
		// Lines printed by an include or toYaml: the action's line.
		{`metadata.labels["app.kubernetes.io/version"]`, deployment, `{{- include "webapp.labels" . | nindent 4 }}`},
		{"spec.template.spec.containers[0].resources.limits.memory", deployment, "{{- toYaml .Values.resources | nindent 12 }}"},
	}
	for _, tc := range tests {
		file, line := source(d, tc.path)
		if want := lineIn(t, tc.file, tc.line); file != tc.file || line != want {
			t.Errorf("%s: from %s:%d, want %s:%d (%s)", tc.path, file, line, tc.file, want, tc.line)
		}
	}
	// The second document of a template.
	rbac := filepath.Join(chart, "templates", "rbac.yaml")
	rb := objs["RoleBinding/shop-webapp"]
	if file, line := source(rb, "subjects[0].kind"); file != rbac || line != lineIn(t, rbac, "- kind: ServiceAccount") {
		t.Errorf("subjects[0].kind from %s:%d", file, line)
	}
	if file, line := source(objs["Role/shop-webapp"], "rules[1].resources"); file != rbac || line != lineIn(t, rbac, `resources: ["secrets"]`) {
		t.Errorf("rules[1].resources from %s:%d", file, line)
	}
}

func TestHelmValuesSwitch(t *testing.T) {
	chart := filepath.Join(renderData, "charts", "webapp")
	for _, tc := range []struct {
		name   string
		render Render
		want   bool
	}{
		{"defaults", Render{}, false},
		{"values file", Render{Values: []string{filepath.Join(renderData, "insecure-values.yaml")}}, true},
		{"--set", Render{Set: []string{"debug.enabled=true"}}, true},
		{"--set over the values file", Render{Values: []string{filepath.Join(renderData, "insecure-values.yaml")}, Set: []string{"debug.enabled=false"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs, errs := loadRendered(t, nil, Options{Helm: []string{chart}, Render: tc.render})
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			d, ok := objs["Deployment/release-name-webapp"].Typed.(*appsv1.Deployment)
			if !ok {
				t.Fatalf("no typed Deployment/release-name-webapp among %v", objs)
			}
			if got := d.Spec.Template.Spec.HostNetwork; got != tc.want {
				t.Errorf("hostNetwork %v, want %v", got, tc.want)
			}
		})
	}
}

func TestKustomizeOverlayLeadsBackToPatches(t *testing.T) {
	k := filepath.Join(renderData, "kustomize")
	overlay := filepath.Join(k, "overlays", "prod")
	objs, errs := loadRendered(t, nil, Options{Kustomize: []string{overlay}})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	d := objs["Deployment/prod-api"]
	if d == nil || objs["Service/prod-api"] == nil || len(objs) != 2 {
		t.Fatalf("objects %v, want Deployment and Service prod-api", objs)
	}
	if d.Namespace() != "prod" || d.Origin.Rendered.By != "kustomize" {
		t.Errorf("namespace %q, rendered %+v", d.Namespace(), d.Origin.Rendered)
	}
	if _, ok := d.Meta.Annotations[originAnnotation]; ok {
		t.Errorf("the origin annotation kubestride asked for is left on the object")
	}
	base := filepath.Join(k, "base", "deployment.yaml")
	if d.Origin.Rendered.File != base {
		t.Errorf("object from %s, want %s", d.Origin.Rendered.File, base)
	}
	smp, jsonPatch := filepath.Join(overlay, "debug-sidecar.yaml"), filepath.Join(overlay, "host-pid.yaml")
	tests := []struct {
		path, file, line string
	}{
		{"spec.template.spec.containers[0].securityContext.privileged", smp, "privileged: true"},
		{"spec.template.spec.hostPID", jsonPatch, "value: true"},
		{"spec.template.spec.automountServiceAccountToken", base, "automountServiceAccountToken: false"},
		{"spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem", base, "readOnlyRootFilesystem: true"},
	}
	for _, tc := range tests {
		file, line := source(d, tc.path)
		if want := lineIn(t, tc.file, tc.line); file != tc.file || line != want {
			t.Errorf("%s: from %s:%d, want %s:%d (%s)", tc.path, file, line, tc.file, want, tc.line)
		}
	}
	svc := filepath.Join(k, "base", "service.yaml")
	if file, line := source(objs["Service/prod-api"], "spec.ports[0].targetPort"); file != svc || line != lineIn(t, svc, "targetPort: 8080") {
		t.Errorf("targetPort from %s:%d", file, line)
	}
}

func TestRenderErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	remote := filepath.Join(dir, "kustomization.yaml")
	if err := os.WriteFile(remote, []byte("resources:\n  - local.yaml\n  - https://github.com/example/app//deploy?ref=v1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "local.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts Options
		file string
		line int
		msg  string
	}{
		{"template parse error", Options{Helm: []string{filepath.Join(renderData, "bad-chart")}},
			filepath.Join(renderData, "bad-chart", "templates", "configmap.yaml"), 6, `unexpected "}" in operand`},
		{"missing resource", Options{Kustomize: []string{filepath.Join(renderData, "bad-kustomize")}},
			filepath.Join(renderData, "bad-kustomize", "kustomization.yaml"), 5, "missing.yaml"},
		{"remote base refused", Options{Kustomize: []string{dir}}, remote, 3, "is not fetched"},
		{"no chart", Options{Helm: []string{filepath.Join(renderData, "nope")}}, filepath.Join(renderData, "nope"), 0, "load Helm chart"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A good chart beside the bad input is still rendered.
			tc.opts.Helm = append(tc.opts.Helm, filepath.Join(renderData, "charts", "webapp"))
			objs, errs := loadRendered(t, nil, tc.opts)
			if len(errs) != 1 {
				t.Fatalf("errors %v, want one", errs)
			}
			e := errs[0]
			if e.File != tc.file || e.Line != tc.line || !strings.Contains(e.Message, tc.msg) || e.Skipped {
				t.Errorf("error %v (skipped %v), want %s:%d: ...%s...", e, e.Skipped, tc.file, tc.line, tc.msg)
			}
			if strings.Contains(e.Message, "/work/") || strings.Contains(e.Message, mustAbs(".")) {
				t.Errorf("error names an absolute path: %v", e)
			}
			if objs["Deployment/release-name-webapp"] == nil {
				t.Errorf("the good chart beside it was not scanned: %v", objs)
			}
		})
	}
}

func TestDirectoryWalkRenders(t *testing.T) {
	k := filepath.Join(renderData, "kustomize")
	chart := filepath.Join(renderData, "charts")
	objs, errs := loadRendered(t, []string{chart, k}, Options{})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	var raw []string
	for name, o := range objs {
		if o.Origin.Rendered == nil {
			raw = append(raw, name+" "+o.Origin.String())
		}
	}
	if len(raw) > 0 {
		t.Errorf("files of a chart or kustomization scanned as written: %v", raw)
	}
	// The base and the overlay are each built; the chart is rendered.
	for _, want := range []string{"Deployment/api", "Deployment/prod-api", "Deployment/release-name-webapp"} {
		if objs[want] == nil {
			t.Errorf("no %s among %d objects", want, len(objs))
		}
	}

	objs, errs = loadRendered(t, []string{chart, k}, Options{Render: Render{Off: true}})
	if len(objs) != 0 {
		t.Errorf("--no-render: %d objects loaded", len(objs))
	}
	var skipped []string
	for _, e := range errs {
		if !e.Skipped {
			t.Errorf("--no-render: error %v, want notices", e)
		}
		skipped = append(skipped, e.File)
	}
	want := []string{filepath.Join(chart, "webapp"), filepath.Join(k, "base"), filepath.Join(k, "overlays", "prod")}
	if strings.Join(skipped, ",") != strings.Join(want, ",") {
		t.Errorf("--no-render skipped %v, want %v", skipped, want)
	}
}
