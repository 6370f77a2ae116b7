package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/cli"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scope"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// bundleFindings returns the findings of r on the objects named by keep
// (kind/name), as "id kind namespace/name: message", sorted.
// perScan are the checks whose finding on an object depends on what else
// the input holds: mesh-not-installed reports once per scan on whichever
// object comes first (no service mesh anywhere), mesh-workload-not-injected
// judges a workload only when a mesh is installed somewhere. The tests that
// compare objects' findings between two inputs leave them out.
var perScan = map[check.ID]bool{"mesh-not-installed": true, "mesh-workload-not-injected": true}

func bundleFindings(r *report.Report, keep map[string]bool) []string {
	var out []string
	for _, f := range r.Findings {
		res := f.Resource
		if !keep[res.Kind+"/"+res.Name] || perScan[f.ID] {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s %s/%s: %s", f.ID, res.Kind, res.Namespace, res.Name, f.Message))
	}
	slices.Sort(out)
	return out
}

// TestNamespacelessBundleMatchesTheCluster applies an install bundle that
// sets no namespaces with -n, as users do, and requires that kubestride
// gives the same answers on the files with -n as on the live cluster.
func TestNamespacelessBundleMatchesTheCluster(t *testing.T) {
	ctx := context.Background()
	const ns = "widgets"
	file := filepath.Join("..", "cli", "testdata", "nsbundle", "install.yaml")
	manifest, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := testcluster.Shared.Namespace(ctx, ns, nil); err != nil {
		t.Fatal(err)
	}
	if err := applyInNamespace(ctx, testcluster.Shared.Config("admin"), ns, manifest); err != nil {
		t.Fatal(err)
	}

	// The bundle's objects, by kind/name.
	bundle := map[string]bool{}
	clusterScoped := map[string]bool{}
	r := utilyaml.NewYAMLReader(bufioReader(manifest))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var u unstructured.Unstructured
		if err := yaml.Unmarshal(doc, &u.Object); err != nil {
			t.Fatal(err)
		}
		if u.Object != nil {
			bundle[u.GetKind()+"/"+u.GetName()] = true
			if scope.Builtin(u.GroupVersionKind().GroupKind()) == scope.Cluster {
				clusterScoped[u.GetKind()+"/"+u.GetName()] = true
			}
		}
	}
	namespaced := map[string]bool{}
	for k := range bundle {
		if !clusterScoped[k] {
			namespaced[k] = true
		}
	}
	kc := testcluster.Shared.Kubeconfig

	fromFiles, stderr, code := kubestride(t, "scan", "-n", ns, "-f", "json", file)
	if code == report.ExitError {
		t.Fatalf("scan of the files: exit code %d; stderr:\n%s", code, stderr)
	}
	files := bundleFindings(fromFiles, bundle)
	if len(files) == 0 {
		t.Fatal("the scan of the files found nothing on the bundle")
	}
	for _, f := range files {
		if strings.Contains(f, "not bound") {
			t.Errorf("a role of the bundle is reported unbound: %s", f)
		}
	}

	// A scan of the namespace lists no cluster-scoped objects: compare its
	// namespaced ones; the whole cluster's scan has them all.
	for _, tc := range []struct {
		name string
		args []string
		keep map[string]bool
	}{
		{"--cluster -n", []string{"-n", ns}, namespaced},
		{"--cluster", nil, bundle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			live, stderr, code := kubestride(t, append([]string{"scan", "--cluster", "--kubeconfig", kc, "-f", "json"}, tc.args...)...)
			if code == report.ExitError {
				t.Fatalf("scan of the cluster: exit code %d; stderr:\n%s", code, stderr)
			}
			want := bundleFindings(live, tc.keep)
			got := bundleFindings(fromFiles, tc.keep)
			// The files hold no Namespace object, so their workloads are
			// judged for network policies one by one; the cluster has the
			// Namespace, which is judged instead. The verdicts must agree.
			var perWorkload bool
			got = slices.DeleteFunc(got, func(f string) bool {
				is := strings.HasPrefix(f, "workload-ingress-unrestricted ")
				perWorkload = perWorkload || is
				return is
			})
			if perWorkload && !slices.ContainsFunc(live.Findings, func(f report.Finding) bool {
				return f.ID == "namespace-default-deny-missing" && f.Resource.Kind == "Namespace" && f.Resource.Name == ns
			}) {
				t.Errorf("the files' workloads have unrestricted ingress, but the cluster's namespace %q is not reported", ns)
			}
			if len(want) == 0 {
				t.Fatal("the scan of the cluster found nothing on the bundle")
			}
			t.Logf("%d findings on the bundle's objects", len(want))
			if !slices.Equal(got, want) {
				t.Errorf("the files scanned with -n %s and the cluster differ\nfiles:\n  %s\ncluster:\n  %s", ns, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}

	t.Run("rbac paths", func(t *testing.T) {
		subjects := func(args ...string) map[string]string {
			var out, errb strings.Builder
			code := cli.Main(append([]string{"rbac", "paths", "-f", "json"}, args...), cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
			if code == report.ExitError {
				t.Fatalf("rbac paths %v: exit code %d; stderr:\n%s", args, code, errb.String())
			}
			var res struct {
				Paths []struct {
					Subject struct{ Kind, Name, Namespace string }
					Hops    []json.RawMessage
				}
			}
			if err := json.Unmarshal([]byte(out.String()), &res); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, p := range res.Paths {
				// The bundle's subjects: its ServiceAccount.
				if p.Subject.Kind == "ServiceAccount" && p.Subject.Namespace == ns {
					var hops []string
					for _, h := range p.Hops {
						hops = append(hops, string(h))
					}
					got[p.Subject.Kind+" "+p.Subject.Namespace+"/"+p.Subject.Name] = strings.Join(hops, "\n")
				}
			}
			return got
		}
		files := subjects("-n", ns, file)
		live := subjects("--cluster", "--kubeconfig", kc)
		if len(files) == 0 {
			t.Fatal("rbac paths on the files found no path of the bundle's service account")
		}
		if len(files) != len(live) {
			t.Errorf("subjects with a path: files %v, cluster %v", slices.Sorted(mapKeys(files)), slices.Sorted(mapKeys(live)))
		}
		for s, hops := range files {
			if live[s] != hops {
				t.Errorf("%s: the files' path\n%s\ndiffers from the cluster's\n%s", s, hops, live[s])
			}
		}
	})

	t.Run("who-can", func(t *testing.T) {
		for _, args := range [][]string{{"-n", ns, file}, {"-n", ns, "--cluster", "--kubeconfig", kc}} {
			var out, errb strings.Builder
			code := cli.Main(append([]string{"rbac", "who-can", "get", "secrets", "-f", "json"}, args...), cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
			if code != report.ExitOK {
				t.Fatalf("who-can %v: exit code %d; stderr:\n%s", args, code, errb.String())
			}
			if !strings.Contains(out.String(), `"name": "widget-operator-leader-election"`) {
				t.Errorf("who-can %v does not name the bundle's RoleBinding:\n%s", args, out.String())
			}
		}
	})
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestScopeTableMatchesDiscovery requires that the static table of package
// scope gives every kind the API server serves the scope its discovery
// gives, so that manifests are placed as kubectl places them.
func TestScopeTableMatchesDiscovery(t *testing.T) {
	dc, err := discovery.NewDiscoveryClientForConfig(testcluster.Shared.Config("admin"))
	if err != nil {
		t.Fatal(err)
	}
	lists, err := dc.ServerPreferredResources()
	if err != nil {
		t.Fatal(err)
	}
	// Custom resources that other tests define are not built in.
	dyn, err := dynamic.NewForConfig(testcluster.Shared.Config("admin"))
	if err != nil {
		t.Fatal(err)
	}
	crds, err := dyn.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	custom := map[schema.GroupKind]bool{}
	for _, c := range crds.Items {
		group, _, _ := unstructured.NestedString(c.Object, "spec", "group")
		kind, _, _ := unstructured.NestedString(c.Object, "spec", "names", "kind")
		custom[schema.GroupKind{Group: group, Kind: kind}] = true
	}
	checked := 0
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range l.APIResources {
			if strings.Contains(res.Name, "/") {
				continue // a subresource
			}
			gk := schema.GroupKind{Group: gv.Group, Kind: res.Kind}
			if custom[gk] {
				continue
			}
			want := scope.Cluster
			if res.Namespaced {
				want = scope.Namespaced
			}
			got := scope.Builtin(gk)
			if got != want {
				t.Errorf("%s: scope %d, the API server says %d (namespaced=%v)", gk, got, want, res.Namespaced)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Errorf("only %d kinds served", checked)
	}
}
