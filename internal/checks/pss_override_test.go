package checks

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/pss"
)

// TestPSSBaselineIDsAtRestricted: where a restricted control replaces
// baseline ones, what the baseline control forbids is reported under the
// baseline check's ID at every level, with the restricted control in force
// as its PSS reference, and the restricted check reports only the rest; the
// findings of all PSS checks together still forbid exactly the pods Pod
// Security Admission forbids.
func TestPSSBaselineIDsAtRestricted(t *testing.T) {
	// restricted is a pod the restricted level allows but for what the
	// case sets in its pod and container securityContexts and volumes.
	restricted := func(podSC, a, b, volumes string) string {
		return pod(`{securityContext: {runAsNonRoot: true` + podSC + `}, volumes: [` + volumes + `],
  containers: [{name: a, image: i, securityContext: {allowPrivilegeEscalation: false` + a + `}},
  {name: b, image: i, securityContext: {allowPrivilegeEscalation: false` + b + `}}]}`)
	}
	const dropAll = `, capabilities: {drop: [ALL]}`
	const seccomp = `, seccompProfile: {type: RuntimeDefault}`
	type want map[string][]string // check ID -> details, of the six checks below
	tests := []struct {
		name, level, version, manifest string
		want                           want
		// over is the PSS check each baseline finding must name.
		over map[string]string
	}{
		{
			name:     "capability beyond the default set, all dropped",
			manifest: restricted(seccomp, dropAll, `, capabilities: {drop: [ALL], add: [NET_ADMIN]}`, ""),
			want:     want{"pss-capabilities-baseline": {`container "b" must not include "NET_ADMIN" in securityContext.capabilities.add`}},
		},
		{
			name:     "capability beyond the default set, none dropped",
			manifest: restricted(seccomp, "", `, capabilities: {add: [NET_ADMIN]}`, ""),
			want: want{
				"pss-capabilities-baseline":   {`container "b" must not include "NET_ADMIN" in securityContext.capabilities.add`},
				"pss-capabilities-restricted": {`containers "a", "b" must set securityContext.capabilities.drop=["ALL"]`},
			},
		},
		{
			name:     "default capability only restricted forbids",
			manifest: restricted(seccomp, dropAll, `, capabilities: {drop: [ALL], add: [CHOWN, SYS_ADMIN]}`, ""),
			want: want{
				"pss-capabilities-baseline":   {`container "b" must not include "SYS_ADMIN" in securityContext.capabilities.add`},
				"pss-capabilities-restricted": {`container "b" must not include "CHOWN" in securityContext.capabilities.add`},
			},
		},
		{
			name:     "unconfined pod",
			manifest: restricted(`, seccompProfile: {type: Unconfined}`, dropAll, dropAll, ""),
			want:     want{"pss-seccomp-baseline": {`pod must not set securityContext.seccompProfile.type to "Unconfined"`}},
		},
		{
			name:     "unconfined container beside one without a profile",
			manifest: restricted("", dropAll+`, seccompProfile: {type: Unconfined}`, dropAll, ""),
			want: want{
				"pss-seccomp-baseline":   {`container "a" must not set securityContext.seccompProfile.type to "Unconfined"`},
				"pss-seccomp-restricted": {`pod or container "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`},
			},
		},
		{
			name:     "hostPath and nfs volumes",
			manifest: restricted(seccomp, dropAll, dropAll, `{name: h, hostPath: {path: /opt}}, {name: share, nfs: {server: s, path: /}}`),
			want: want{
				"pss-host-path-volumes":  {`volume "h"`},
				"pss-restricted-volumes": {`volume "share" uses restricted volume type "nfs"`},
			},
		},
		{
			name:     "hostPath volume only",
			manifest: restricted(seccomp, dropAll, dropAll, `{name: h, hostPath: {path: /opt}}`),
			want:     want{"pss-host-path-volumes": {`volume "h"`}},
		},
		{
			name:     "before capabilities_restricted existed (v1.21)",
			version:  "v1.21",
			manifest: restricted(seccomp, "", `, capabilities: {add: [NET_ADMIN]}`, ""),
			want:     want{"pss-capabilities-baseline": {`container "b" must not include "NET_ADMIN" in securityContext.capabilities.add`}},
			over:     map[string]string{"pss-capabilities-baseline": "capabilities_baseline"},
		},
		{
			name:     "at baseline, the baseline controls alone",
			level:    "baseline",
			manifest: restricted("", "", `, capabilities: {add: [NET_ADMIN]}`, `{name: h, hostPath: {path: /opt}}, {name: share, nfs: {server: s, path: /}}`),
			want: want{
				"pss-capabilities-baseline": {`container "b" must not include "NET_ADMIN" in securityContext.capabilities.add`},
				"pss-host-path-volumes":     {`volume "h"`},
			},
			over: map[string]string{"pss-capabilities-baseline": "capabilities_baseline", "pss-host-path-volumes": "hostPathVolumes"},
		},
		{
			name:     "allowed",
			manifest: restricted(seccomp, dropAll, `, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}`, `{name: e, emptyDir: {}}`),
			want:     want{},
		},
	}
	watched := map[string]string{ // check ID -> the restricted PSS check that replaces it, or ""
		"pss-capabilities-baseline": "capabilities_restricted", "pss-capabilities-restricted": "",
		"pss-seccomp-baseline": "seccompProfile_restricted", "pss-seccomp-restricted": "",
		"pss-host-path-volumes": "restrictedVolumes", "pss-restricted-volumes": "",
	}
	var all []pssCheck
	for _, list := range registeredPSSChecks() {
		all = append(all, list...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].meta.ID < all[j].meta.ID })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := caseOptions(t, tc.level, tc.version)
			inv := load(t, "test.yaml", tc.manifest)
			got, total := want{}, 0
			for _, c := range all {
				for _, f := range run(c, inv, opts) {
					total++
					id := string(c.meta.ID)
					over, ok := watched[id]
					if !ok {
						continue
					}
					got[id] = append(got[id], f.Detail)
					if o, ok := tc.over[id]; ok {
						over = o
					}
					if over != "" && (f.PSS == nil || f.PSS.Check != over) {
						t.Errorf("%s: PSS = %+v, want check %s", id, f.PSS, over)
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
			w := inv.Workloads[0]
			forbidden := len(pss.For(opts.PSS).Evaluate(w.PodMeta, w.Spec)) > 0
			if forbidden != (total > 0) {
				t.Errorf("PSA forbids the pod: %v; kubestride reports %d PSS findings", forbidden, total)
			}
		})
	}
}
