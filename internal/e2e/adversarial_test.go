package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/source"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// applyAsKubectl creates every object of a manifest in namespace ns the way
// `kubectl create -f` reads a file: the YAML-or-JSON stream decoder, each
// document converted to JSON by sigs.k8s.io/yaml, Lists (anything with
// items) flattened into their items. It returns how many objects it created.
func applyAsKubectl(ctx context.Context, cfg *rest.Config, ns string, manifest []byte) (int, error) {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return 0, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return 0, err
	}
	var create func(data []byte) (int, error)
	create = func(data []byte) (int, error) {
		obj, _, err := unstructured.UnstructuredJSONScheme.Decode(data, nil, nil)
		if err != nil {
			return 0, err
		}
		if list, ok := obj.(*unstructured.UnstructuredList); ok {
			n := 0
			for _, item := range list.Items {
				b, err := item.MarshalJSON()
				if err != nil {
					return n, err
				}
				c, err := create(b)
				n += c
				if err != nil {
					return n, err
				}
			}
			return n, nil
		}
		u := obj.(*unstructured.Unstructured)
		gvk := u.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", gvk, err)
		}
		u.SetNamespace(ns)
		if _, err := dyn.Resource(m.Resource).Namespace(ns).Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return 0, err
		}
		return 1, nil
	}
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	n := 0
	for {
		var ext runtime.RawExtension
		if err := d.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
		ext.Raw = bytes.TrimSpace(ext.Raw)
		if len(ext.Raw) == 0 || string(ext.Raw) == "null" {
			continue
		}
		c, err := create(ext.Raw)
		n += c
		if err != nil {
			return n, err
		}
	}
}

// podSecurity returns the Pod Security Standards findings of a report, for
// the pod named name, as "check: message".
func podSecurity(r *report.Report, kind, name string) []string {
	var out []string
	for _, f := range r.Findings {
		if f.PSS != nil && f.Resource.Kind == kind && f.Resource.Name == name {
			out = append(out, string(f.ID)+": "+f.Message)
		}
	}
	slices.Sort(out)
	return out
}

// TestAdversarialManifestsMatchTheAPIServer applies every manifest built to
// fool a reader to a real API server as kubectl does, reads back what the
// server stored, and requires the scan of the file to give the same Pod
// Security findings as the scan of the stored pod; it also requires the
// verdict each manifest is built around.
func TestAdversarialManifestsMatchTheAPIServer(t *testing.T) {
	ctx := context.Background()
	cfg := testcluster.Shared.Config("admin")
	dir := t.TempDir()
	for i, tc := range source.AdversarialManifests() {
		t.Run(tc.Name, func(t *testing.T) {
			ns := fmt.Sprintf("adversarial-%d", i)
			if err := testcluster.Shared.Namespace(ctx, ns, nil); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, fmt.Sprintf("manifest-%d.yaml", i))
			if err := os.WriteFile(file, []byte(tc.Text), 0o644); err != nil {
				t.Fatal(err)
			}
			fromFile, stderr, _ := kubestride(t, "scan", "-f", "json", "--pss-level", "baseline", file)
			n, err := applyAsKubectl(ctx, cfg, ns, []byte(tc.Text))
			if err != nil || n == 0 {
				// kubectl applies nothing: the scan must not pass it clean.
				t.Logf("kubectl's reader and the API server do not take it (%v)", err)
				if len(fromFile.Errors) == 0 && len(podSecurity(fromFile, "Pod", "p")) == 0 {
					t.Errorf("the scan neither reports an error nor finds the pod:\n%s", tc.Text)
				}
				return
			}
			stored, err := admin(t).CoreV1().Pods(ns).Get(ctx, "p", metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				t.Fatalf("the API server stored no pod \"p\" from:\n%s", tc.Text)
			} else if err != nil {
				t.Fatal(err)
			}
			switch tc.Want {
			case "privileged":
				if c := stored.Spec.Containers[0].SecurityContext; c == nil || c.Privileged == nil || !*c.Privileged {
					t.Fatalf("the stored pod is not privileged; the manifest does not test what it claims:\n%s", tc.Text)
				}
			case "hostPID":
				if !stored.Spec.HostPID {
					t.Fatalf("the stored pod does not share the host PID namespace; the manifest does not test what it claims:\n%s", tc.Text)
				}
			}

			if len(fromFile.Errors) > 0 {
				t.Errorf("the scan of the file reports errors: %v\n%s", fromFile.Errors, stderr)
			}
			fromServer, stderr, _ := kubestride(t, "scan", "--cluster", "--kubeconfig", testcluster.Shared.Kubeconfig,
				"-n", ns, "-f", "json", "--pss-level", "baseline")
			want := podSecurity(fromServer, "Pod", "p")
			if len(want) == 0 {
				t.Fatalf("the scan of the stored pod finds nothing:\n%s", stderr)
			}
			got := podSecurity(fromFile, "Pod", "p")
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("Pod Security findings of the file differ from those of the stored pod\nfile:   %q\nserver: %q\nmanifest:\n%s", got, want, tc.Text)
			}
		})
	}
}
