package checks

import (
	"context"
	"os"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/api"
	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/psatestdata"
	"github.com/kubestride/kubestride/internal/source"
)

// TestPSSLocateOnPSAFixtures runs every PSS check on every fixture that Pod
// Security Admission ships, at the fixture's level and version, and holds
// each finding's Path to what locate promises: a field the manifest sets,
// and one below the pod spec unless the finding is about a field the pod
// must set (then the nearest securityContext, container or the pod spec).
// Each related path is another field the manifest sets in the pod spec.
// A pass fixture must give no PSS finding at all.
func TestPSSLocateOnPSAFixtures(t *testing.T) {
	root, err := psatestdata.Root()
	if err != nil {
		t.Fatalf("cannot find the Pod Security Admission fixtures (is %s in the module cache? run go mod download): %v", psatestdata.Module, err)
	}
	fixtures, err := psatestdata.All(root)
	if err != nil {
		t.Fatal(err)
	}
	var pssChecks []pssCheck
	for _, list := range registeredPSSChecks() {
		pssChecks = append(pssChecks, list...)
	}
	failing := 0
	for _, fx := range fixtures {
		data, err := os.ReadFile(fx.File)
		if err != nil {
			t.Fatal(err)
		}
		inv := inventory.New()
		if errs := source.Decode(fx.File, data, inv.Add); len(errs) > 0 || len(inv.Workloads) != 1 {
			t.Fatalf("%s: does not load as one workload: %v", fx.File, errs)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		v, err := api.ParseVersion(fx.Version)
		if err != nil {
			t.Fatal(err)
		}
		opts := check.Options{PSS: api.LevelVersion{Level: fx.Level, Version: v}}
		var findings []check.Finding
		for _, c := range pssChecks {
			findings = append(findings, c.Run(context.Background(), inv, opts)...)
		}
		if fx.Pass {
			for _, f := range findings {
				t.Errorf("%s at %s: pass fixture gave %s", fx.File, opts.PSS, f.Detail)
			}
			continue
		}
		if len(findings) == 0 {
			t.Errorf("%s at %s: fail fixture gave no PSS finding", fx.File, opts.PSS)
			continue
		}
		failing++
		spec := inv.Workloads[0].SpecPath
		for _, f := range findings {
			if !pathSet(doc, f.Path) {
				t.Errorf("%s at %s: %s: path %q is not set in the manifest", fx.File, opts.PSS, f.Detail, f.Path)
			}
			if f.Path == spec && !strings.Contains(f.Detail, "must set") {
				t.Errorf("%s at %s: %s: path is the pod spec, want the offending field", fx.File, opts.PSS, f.Detail)
			}
			for _, r := range f.Related {
				if !pathSet(doc, r) || r == f.Path || !strings.HasPrefix(r, spec+".") {
					t.Errorf("%s at %s: %s: related path %q is not another field the manifest sets in the pod spec", fx.File, opts.PSS, f.Detail, r)
				}
			}
		}
	}
	if failing < 3000 {
		t.Errorf("checked %d fail fixtures, want at least 3000", failing)
	}
}

// pathSet reports whether the field at path exists in doc.
func pathSet(doc any, path string) bool {
	cur := doc
	for _, seg := range fieldpath.Parse(path) {
		if seg.IsIndex {
			list, ok := cur.([]any)
			if !ok || seg.Index >= len(list) {
				return false
			}
			cur = list[seg.Index]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[seg.Key]; !ok {
			return false
		}
	}
	return true
}

// TestPSSRelatedContainers: a PSS finding that concerns several containers
// points at the first offending container in PSA's visiting order (init,
// regular, ephemeral) and lists the same field in the other offending
// containers, in that order, as related locations; a pod-level finding and a
// finding on one container have none.
func TestPSSRelatedContainers(t *testing.T) {
	tests := []struct {
		name, id, level, manifest string
		path                      string
		related                   []string
	}{
		{
			name: "missing and wrong values, containers that pass skipped",
			id:   "pss-allow-privilege-escalation",
			manifest: deployment(`{containers: [{name: a, image: i}, {name: b, image: i, securityContext: {allowPrivilegeEscalation: false}},
  {name: c, image: i, securityContext: {allowPrivilegeEscalation: true}}]}`),
			path:    "spec.template.spec.containers[0]",
			related: []string{"spec.template.spec.containers[2].securityContext.allowPrivilegeEscalation"},
		},
		{
			name: "init container visited first, each capability at its index",
			id:   "pss-capabilities-baseline",
			manifest: pod(`{containers: [{name: app, image: i, securityContext: {capabilities: {add: [CHOWN, NET_ADMIN]}}}],
  initContainers: [{name: setup, image: i, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]}`),
			path:    "spec.initContainers[0].securityContext.capabilities.add[0]",
			related: []string{"spec.containers[0].securityContext.capabilities.add[1]"},
		},
		{
			name:     "privileged in a regular and an ephemeral container",
			id:       "pss-privileged",
			level:    "baseline",
			manifest: pod(`{containers: [{name: a, image: i, securityContext: {privileged: true}}, {name: b, image: i}], ephemeralContainers: [{name: debug, image: i, securityContext: {privileged: true}}]}`),
			path:     "spec.containers[0].securityContext.privileged",
			related:  []string{"spec.ephemeralContainers[0].securityContext.privileged"},
		},
		{
			name: "missing from the pod and from a container without securityContext",
			id:   "pss-run-as-non-root",
			manifest: deployment(`{containers: [{name: a, image: i, securityContext: {privileged: false}}, {name: b, image: i, securityContext: {runAsNonRoot: true}},
  {name: c, image: i}]}`),
			path:    "spec.template.spec.containers[0].securityContext",
			related: []string{"spec.template.spec.containers[2]"},
		},
		{
			name:     "missing from the pod's securityContext and from a container",
			id:       "pss-seccomp-restricted",
			manifest: pod(`{securityContext: {fsGroup: 2000}, containers: [{name: a, image: i, securityContext: {privileged: false}}, {name: b, image: i}]}`),
			path:     "spec.containers[0].securityContext",
			related:  []string{"spec.containers[1]"},
		},
		{
			name:     "one offending container",
			id:       "pss-privileged",
			manifest: pod(`{containers: [{name: a, image: i}, {name: b, image: i, securityContext: {privileged: true}}]}`),
			path:     "spec.containers[1].securityContext.privileged",
		},
		{
			name:     "pod-level finding",
			id:       "pss-host-namespaces",
			manifest: pod(`{hostNetwork: true, containers: [{name: a, image: i}, {name: b, image: i}]}`),
			path:     "spec.hostNetwork",
		},
		{
			name: "restricted part only, beside a baseline capability",
			id:   "pss-capabilities-restricted",
			manifest: pod(`{containers: [{name: a, image: i, securityContext: {capabilities: {drop: [ALL], add: [SYS_ADMIN]}}},
  {name: b, image: i, securityContext: {capabilities: {drop: [ALL], add: [SYS_ADMIN, CHOWN]}}}, {name: c, image: i, securityContext: {capabilities: {drop: [ALL], add: [KILL]}}}]}`),
			path:    "spec.containers[1].securityContext.capabilities.add[1]",
			related: []string{"spec.containers[2].securityContext.capabilities.add[0]"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := caseOptions(t, tc.level, "")
			fs := run(registered(t, check.ID(tc.id)), load(t, "test.yaml", tc.manifest), opts)
			if len(fs) != 1 {
				t.Fatalf("got %d findings, want 1", len(fs))
			}
			if fs[0].Path != tc.path {
				t.Errorf("path = %q, want %q", fs[0].Path, tc.path)
			}
			if strings.Join(fs[0].Related, " ") != strings.Join(tc.related, " ") {
				t.Errorf("related = %q, want %q", fs[0].Related, tc.related)
			}
		})
	}
}
