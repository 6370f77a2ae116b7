package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"

	"github.com/kubestride/kubestride/internal/testcluster"
)

// installCRDs installs the CustomResourceDefinitions of testdata/file on
// the shared cluster and waits until the API server serves each at its
// storage version; when the test ends it removes them and waits until
// their API groups are gone, so that the shared cluster's other tests see
// none of them.
func installCRDs(t *testing.T, file string) {
	t.Helper()
	ctx := context.Background()
	cfg := testcluster.Shared.Config("admin")
	dyn := must(dynamic.NewForConfig(cfg))
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	type crd struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec struct {
			Group string `json:"group"`
			Names struct {
				Plural string `json:"plural"`
			} `json:"names"`
			Versions []struct {
				Name    string `json:"name"`
				Storage bool   `json:"storage"`
			} `json:"versions"`
		} `json:"spec"`
	}
	var (
		names  []string
		groups []string
		served []schema.GroupVersionResource
	)
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var c crd
		if err := d.Decode(&c); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if c.Metadata.Name == "" {
			continue
		}
		names = append(names, c.Metadata.Name)
		if !slices.Contains(groups, c.Spec.Group) {
			groups = append(groups, c.Spec.Group)
		}
		for _, v := range c.Spec.Versions {
			if v.Storage {
				served = append(served, schema.GroupVersionResource{Group: c.Spec.Group, Version: v.Name, Resource: c.Spec.Names.Plural})
			}
		}
	}
	t.Cleanup(func() {
		for _, n := range names {
			_ = dyn.Resource(crdGVR).Delete(ctx, n, metav1.DeleteOptions{})
		}
		dc := must(discovery.NewDiscoveryClientForConfig(cfg))
		waitFor(t, "the CRDs of "+file+" to be removed", func() bool {
			list, err := dc.ServerGroups()
			return err == nil && !slices.ContainsFunc(list.Groups, func(g metav1.APIGroup) bool { return slices.Contains(groups, g.Name) })
		})
	})
	if err := applyServerSide(ctx, cfg, data); err != nil {
		t.Fatalf("install the CRDs of %s: %v", file, err)
	}
	waitFor(t, "the CRDs of "+file+" to be served", func() bool {
		for _, gvr := range served {
			if _, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{}); err != nil {
				return false
			}
		}
		return true
	})
}
