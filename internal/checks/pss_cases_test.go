package checks

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/pss"
	"github.com/kubestride/kubestride/internal/source"
)

// pssCase is one case of a PSS check's table-driven test.
type pssCase struct {
	name string
	// level and version default to restricted and latest.
	level, version string
	manifest       string
	want           []pssWant
}

// pssWant is the part of a finding a case asserts; the PSS fields are
// asserted for every finding by runPSSCases.
type pssWant struct {
	Path, Reason, Detail string
}

// pssPod returns a Pod manifest named "p" with the given spec, written in
// YAML flow style.
func pssPod(spec string) string {
	return fmt.Sprintf("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: %s}", spec)
}

// pssPodMeta is pssPod with pod metadata besides the name.
func pssPodMeta(meta, spec string) string {
	return fmt.Sprintf("{apiVersion: v1, kind: Pod, metadata: {name: p, %s}, spec: %s}", meta, spec)
}

// pssDeployment returns a Deployment named "d" whose pod template has the
// given spec.
func pssDeployment(spec string) string {
	return fmt.Sprintf("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}, spec: %s}}}", spec)
}

// runPSSCases runs the registered check id on each case and compares the
// findings' Path, Reason and Detail; every finding must also carry the PSS
// control's ID and level and the requested version.
func runPSSCases(t *testing.T, id check.ID, cases []pssCase) {
	t.Helper()
	c, ok := check.Default().Get(id)
	if !ok {
		t.Fatalf("check %s is not registered", id)
	}
	psaID := c.(pssCheck).psaID
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			level, version := tc.level, tc.version
			if level == "" {
				level = "restricted"
			}
			if version == "" {
				version = "latest"
			}
			lv, err := pss.ParseLevelVersion(level, version)
			if err != nil {
				t.Fatal(err)
			}
			inv := inventory.New()
			if errs := source.Decode("case.yaml", []byte(tc.manifest), inv.Add); len(errs) > 0 {
				t.Fatalf("manifest does not load: %v", errs)
			}
			if len(inv.Workloads) != 1 {
				t.Fatalf("manifest holds %d workloads, want 1", len(inv.Workloads))
			}
			findings := c.Run(context.Background(), inv, check.Options{PSS: lv})
			var got []pssWant
			for _, f := range findings {
				got = append(got, pssWant{Path: f.Path, Reason: f.Reason, Detail: f.Detail})
				ctl, ok := pss.For(lv).Control(psaID)
				if !ok {
					t.Errorf("finding from a control not in force at %s", lv)
					continue
				}
				want := check.PSS{Level: string(ctl.Level), Version: pss.VersionString(lv.Version), Check: psaID}
				if f.PSS == nil || *f.PSS != want {
					t.Errorf("PSS = %+v, want %+v", f.PSS, want)
				}
				if f.Object != inv.Workloads[0].Object {
					t.Errorf("finding is not about the workload")
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
