package scan

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/source"
)

// TestControlPlaneHostAccessByDesign: a kubeadm control-plane static pod is
// not reported for the host network and kubeadm's host paths, which it
// needs, and a notice says how many findings that leaves out; anything else
// about it stands, and a pod that only looks like one is judged in full.
func TestControlPlaneHostAccessByDesign(t *testing.T) {
	data, err := os.ReadFile("../nodefs/testdata/kubeadm/etc/kubernetes/manifests/kube-apiserver.yaml")
	if err != nil {
		t.Fatal(err)
	}
	kubeadm := string(data)
	hostAccess := []string{"host-path-writable", "pss-host-path-volumes", "pss-host-namespaces", "service-account-token-automount", "default-service-account", "host-users-not-disabled", "workload-ingress-unrestricted"}
	scanOf := func(text string, src object.Source) *report.Report {
		s := New(Options{Check: restrictedLatest})
		errs := source.Decode("kube-apiserver.yaml", []byte(text), func(o *object.Object) {
			o.Origin.Source = src
			s.Add(context.Background(), o, nil)
		})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return s.Report(context.Background(), nil)
	}
	ids := func(r *report.Report) []string {
		var out []string
		for _, f := range r.Findings {
			out = append(out, string(f.ID))
		}
		return out
	}
	tests := []struct {
		name     string
		text     string
		src      object.Source
		byDesign bool
	}{
		{"kubeadm's static pod", kubeadm, object.FromFile, true},
		{"a mirror pod on a cluster", strings.Replace(kubeadm, "  annotations:\n", "  annotations:\n    kubernetes.io/config.mirror: 3f1a\n", 1), object.FromCluster, true},
		{"on a cluster, not a mirror pod", kubeadm, object.FromCluster, false},
		{"another image", strings.Replace(kubeadm, "registry.k8s.io/kube-apiserver", "evil.example.com/kube-apiserver", 1), object.FromFile, false},
		{"another namespace", strings.Replace(kubeadm, "namespace: kube-system", "namespace: default", 1), object.FromFile, false},
		{"a host path kubeadm does not mount", strings.Replace(kubeadm, "path: /etc/kubernetes/pki", "path: /", 1), object.FromFile, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := scanOf(tc.text, tc.src)
			got := ids(r)
			for _, id := range hostAccess {
				want := tc.byDesign
				if tc.name == "a host path kubeadm does not mount" && id != "host-path-writable" && id != "pss-host-path-volumes" {
					want = true // the host network is still by design
				}
				if slices.Contains(got, id) == want {
					t.Errorf("finding of %s present: %v, want %v (findings: %v)", id, !want, want, got)
				}
			}
			for _, id := range []string{"pss-run-as-non-root", "apiserver-anonymous-auth"} {
				if !slices.Contains(got, id) {
					t.Errorf("finding of %s missing: other findings stand (findings: %v)", id, got)
				}
			}
			notice := slices.ContainsFunc(r.Notices, func(n report.Notice) bool { return strings.Contains(n.Message, "needs by design") })
			if notice != (tc.byDesign || tc.name == "a host path kubeadm does not mount") {
				t.Errorf("notices = %v", r.Notices)
			}
		})
	}
}
