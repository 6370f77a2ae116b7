package inventory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/source"
)

// loadFile decodes a test manifest and builds an inventory of it with the
// table t (nil: the built-in one).
func loadFile(t *testing.T, t2 *PodTemplates, name string) (*Inventory, string) {
	t.Helper()
	file := filepath.Join("testdata", "crd", name)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	inv := NewWith(t2)
	if errs := source.Decode(file, data, inv.Add); len(errs) > 0 {
		t.Fatalf("decode %s: %v", file, errs)
	}
	return inv, string(data)
}

// workloadView is what a test compares of a workload.
type workloadView struct {
	Object     string
	SpecPath   string
	MetaPath   string
	Containers []string // kind name path
}

func view(w *Workload) workloadView {
	v := workloadView{Object: w.Kind + " " + w.Name(), SpecPath: w.SpecPath, MetaPath: w.MetaPath}
	for _, c := range w.Containers() {
		v.Containers = append(v.Containers, c.Kind.Field()+" "+c.Name+" "+c.Path)
	}
	return v
}

func TestCustomResourceWorkloads(t *testing.T) {
	tests := []struct {
		file string
		want []workloadView
	}{
		{"rollout.yaml", []workloadView{
			{"Rollout rollouts-demo", "spec.template.spec", "spec.template.metadata", []string{"containers rollouts-demo spec.template.spec.containers[0]"}},
		}},
		{"knative.yaml", []workloadView{
			{"Service hello", "spec.template.spec", "spec.template.metadata", []string{"containers  spec.template.spec.containers[0]"}},
			{"Configuration hello-config", "spec.template.spec", "spec.template.metadata", []string{"containers  spec.template.spec.containers[0]"}},
			{"Revision hello-00001", "spec", "metadata", []string{"containers user-container spec.containers[0]"}},
		}},
		{"kruise.yaml", []workloadView{
			{"CloneSet sample", "spec.template.spec", "spec.template.metadata", []string{"containers nginx spec.template.spec.containers[0]"}},
			{"StatefulSet sample-sts", "spec.template.spec", "spec.template.metadata", []string{"containers main spec.template.spec.containers[0]"}},
			{"StatefulSet sample-sts-alpha", "spec.template.spec", "spec.template.metadata", []string{"containers main spec.template.spec.containers[0]"}},
			{"DaemonSet sample-ds", "spec.template.spec", "spec.template.metadata", []string{"containers agent spec.template.spec.containers[0]"}},
			{"BroadcastJob download-image", "spec.template.spec", "spec.template.metadata", []string{"containers pi spec.template.spec.containers[0]"}},
			{"AdvancedCronJob acj-test", "spec.template.broadcastJobTemplate.spec.template.spec", "spec.template.broadcastJobTemplate.spec.template.metadata",
				[]string{"containers pi spec.template.broadcastJobTemplate.spec.template.spec.containers[0]"}},
			{"AdvancedCronJob acj-job", "spec.template.jobTemplate.spec.template.spec", "spec.template.jobTemplate.spec.template.metadata",
				[]string{"containers backup spec.template.jobTemplate.spec.template.spec.containers[0]"}},
		}},
		{"workflow.yaml", []workloadView{
			{"Workflow steps-x7k2p", "spec.templates[1]", "spec.templates[1].metadata", []string{"containers main spec.templates[1].container"}},
			{"Workflow steps-x7k2p", "spec.templates[2]", "spec.podMetadata", []string{
				"initContainers hello spec.templates[2].initContainers[0]",
				"containers main spec.templates[2].script",
				"containers dind spec.templates[2].sidecars[0]",
			}},
			{"Workflow steps-x7k2p", "spec.templates[3]", "spec.podMetadata", []string{
				"containers a spec.templates[3].containerSet.containers[0]",
				"containers b spec.templates[3].containerSet.containers[1]",
			}},
		}},
		{"cronworkflow.yaml", []workloadView{
			{"CronWorkflow hello-world", "spec.workflowSpec.templates[0]", "spec.workflowSpec.templates[0].metadata", []string{"containers main spec.workflowSpec.templates[0].container"}},
			{"WorkflowTemplate workflow-template-submittable", "spec.templates[0]", "spec.templates[0].metadata", []string{"containers main spec.templates[0].container"}},
			{"ClusterWorkflowTemplate cluster-workflow-template-whalesay-template", "spec.templates[0]", "spec.templates[0].metadata", []string{"containers main spec.templates[0].container"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			inv, text := loadFile(t, nil, tc.file)
			var got []workloadView
			for _, w := range inv.Workloads {
				got = append(got, view(w))
				// Every container's image is found at its own line.
				for _, c := range w.Containers() {
					if want := lineOf(t, text, "image: "+c.Image, w.Object.Origin.Line); w.Line(c.Field("image")) != want {
						t.Errorf("%s: line of %s = %d, want %d", w, c.Field("image"), w.Line(c.Field("image")), want)
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("workloads (-want +got):\n%s", diff)
			}
			if len(inv.Errors) > 0 {
				t.Errorf("errors: %v", inv.Errors)
			}
		})
	}
}

// lineOf returns the line of the first occurrence of s at or after line from.
func lineOf(t *testing.T, text, s string, from int) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if i+1 >= from && strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not found after line %d", s, from)
	return 0
}

func TestArgoPodFields(t *testing.T) {
	inv, text := loadFile(t, nil, "workflow.yaml")
	if len(inv.Workloads) != 3 {
		t.Fatalf("%d workloads, want 3", len(inv.Workloads))
	}
	type podView struct {
		HostNetwork    bool
		ServiceAccount string
		RunAsNonRoot   *bool
		Volumes        []string
		Labels         map[string]string
		Paths          map[string]string
	}
	get := func(w *Workload) podView {
		v := podView{HostNetwork: w.Spec.HostNetwork, ServiceAccount: w.Spec.ServiceAccountName, Labels: w.PodMeta.Labels, Paths: map[string]string{}}
		if sc := w.Spec.SecurityContext; sc != nil {
			v.RunAsNonRoot = sc.RunAsNonRoot
		}
		for _, vol := range w.Spec.Volumes {
			v.Volumes = append(v.Volumes, vol.Name)
		}
		for _, rel := range []string{"hostNetwork", "serviceAccountName", "securityContext.runAsNonRoot", "volumes[0]", "containers[0].image", "hostPID"} {
			v.Paths[rel] = w.Path(rel)
		}
		return v
	}
	yes, no := true, false
	want := []podView{
		{HostNetwork: true, ServiceAccount: "workflow-runner", RunAsNonRoot: &yes, Volumes: []string{"workdir"},
			Labels: map[string]string{"team": "data", "step": "whalesay"},
			Paths: map[string]string{
				"hostNetwork": "spec.hostNetwork", "serviceAccountName": "spec.serviceAccountName",
				"securityContext.runAsNonRoot": "spec.securityContext.runAsNonRoot", "volumes[0]": "spec.volumes[0]",
				"containers[0].image": "spec.templates[1].container.image", "hostPID": "spec.templates[1].hostPID",
			}},
		{HostNetwork: true, ServiceAccount: "scripts", RunAsNonRoot: &no, Volumes: []string{"docker-sock"},
			Labels: map[string]string{"team": "data"},
			Paths: map[string]string{
				"hostNetwork": "spec.hostNetwork", "serviceAccountName": "spec.templates[2].serviceAccountName",
				"securityContext.runAsNonRoot": "spec.templates[2].securityContext.runAsNonRoot", "volumes[0]": "spec.volumes[1]",
				"containers[0].image": "spec.templates[2].script.image", "hostPID": "spec.templates[2].hostPID",
			}},
		{HostNetwork: true, ServiceAccount: "workflow-runner", RunAsNonRoot: &yes, Volumes: []string{"scratch"},
			Labels: map[string]string{"team": "data"},
			Paths: map[string]string{
				"hostNetwork": "spec.hostNetwork", "serviceAccountName": "spec.serviceAccountName",
				"securityContext.runAsNonRoot": "spec.securityContext.runAsNonRoot", "volumes[0]": "spec.templates[3].volumes[0]",
				"containers[0].image": "spec.templates[3].containerSet.containers[0].image", "hostPID": "spec.templates[3].hostPID",
			}},
	}
	var got []podView
	for _, w := range inv.Workloads {
		got = append(got, get(w))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}
	// The hostPath volume of the script template is at the workflow's volume.
	w := inv.Workloads[1]
	if got, want := w.Line(w.Path("volumes[0].hostPath")), lineOf(t, text, "hostPath:", 1); got != want {
		t.Errorf("line of the docker-sock volume = %d, want %d", got, want)
	}
}

func TestArgoPodSpecPatch(t *testing.T) {
	inv, text := loadFile(t, nil, "cronworkflow.yaml")
	w := inv.Workloads[0]
	if !w.Spec.HostPID {
		t.Errorf("hostPID from podSpecPatch not applied: %+v", w.Spec)
	}
	if got, want := w.Path("hostPID"), "spec.workflowSpec.podSpecPatch"; got != want {
		t.Errorf("Path(hostPID) = %q, want %q", got, want)
	}
	if got, want := w.Line(w.Path("hostPID")), lineOf(t, text, "podSpecPatch:", 1); got != want {
		t.Errorf("line of hostPID = %d, want %d", got, want)
	}
	if c := w.Containers(); len(c) != 1 || c[0].Path != "spec.workflowSpec.templates[0].container" || c[0].Image != "docker/whalesay:latest" {
		t.Errorf("containers after the patch = %+v", c)
	}
}

func TestCustomResourcePodErrors(t *testing.T) {
	const doc = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: broken
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx
        securityContext:
          privileged: "yes please"
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: patched
spec:
  templates:
  - name: main
    podSpecPatch: '{"containers": 3}'
    container:
      image: alpine
`
	inv := New()
	if errs := source.Decode("bad.yaml", []byte(doc), inv.Add); len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(inv.Workloads) != 0 {
		t.Errorf("%d workloads from unreadable pods, want 0", len(inv.Workloads))
	}
	var got []string
	for _, e := range inv.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		`bad.yaml:8: Rollout shop/broken: spec.template.spec: pod spec could not be read, so no check evaluated it: json: cannot unmarshal string into Go struct field SecurityContext.containers.securityContext.privileged of type bool`,
		`bad.yaml:22: Workflow patched: spec.templates[0].podSpecPatch: pod spec could not be read, so no check evaluated it: patched pod spec: json: cannot unmarshal number`,
	}
	if len(got) != len(want) {
		t.Fatalf("errors = %q, want %d", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
}

func TestPodTemplatesExtended(t *testing.T) {
	const doc = `apiVersion: example.com/v1beta2
kind: Job
metadata:
  name: train
spec:
  runner:
    podTemplate:
      metadata:
        labels: {app: train}
      spec:
        containers:
        - name: trainer
          image: pytorch/pytorch
---
apiVersion: example.com/v1
kind: Job
metadata:
  name: old
spec:
  runner:
    podTemplate:
      spec:
        containers:
        - name: trainer
          image: pytorch/pytorch
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: moved
spec:
  podTemplate:
    spec:
      containers:
      - name: app
        image: nginx
`
	table := NewPodTemplates(
		PodTemplate{Group: "example.com", Kind: "Job", Versions: []string{"v1beta2"}, Path: "spec.runner.podTemplate"},
		PodTemplate{Group: "argoproj.io", Kind: "Rollout", Path: "spec.podTemplate"},
	)
	for _, tc := range []struct {
		name  string
		table *PodTemplates
		want  []string
	}{
		{"built in", nil, nil},
		{"extended", table, []string{"Job train spec.runner.podTemplate.spec", "Rollout moved spec.podTemplate.spec"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := NewWith(tc.table)
			if errs := source.Decode("x.yaml", []byte(doc), inv.Add); len(errs) > 0 {
				t.Fatal(errs)
			}
			var got []string
			for _, w := range inv.Workloads {
				got = append(got, w.Kind+" "+w.Name()+" "+w.SpecPath)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("workloads (-want +got):\n%s", diff)
			}
		})
	}
	// The built-in entries stay beside the added ones.
	if got := table.For("argoproj.io/v1alpha1", "Rollout"); len(got) != 2 {
		t.Errorf("Rollout entries = %+v, want spec.template and spec.podTemplate", got)
	}
}
