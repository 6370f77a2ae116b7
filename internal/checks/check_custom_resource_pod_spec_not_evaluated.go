package checks

// A custom resource can hold a pod spec that its controller runs (an
// operator's worker pods, say). kubestride evaluates the pods of the custom
// resources in its pod template table (Argo Rollouts and Workflows, Knative
// Serving, OpenKruise, and the configuration's podTemplates); a pod spec
// anywhere else would pass every check unseen, privileged or not.
//
// Inspected fields: every mapping of a custom resource (an object of a kind
// that is not built in) that holds a containers list whose items set image,
// outside metadata and outside the pod specs the table already evaluates.
// Allowed values: none; each such pod spec is reported once, at its
// outermost place.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "custom-resource-pod-spec-not-evaluated",
			Title:       "Pod spec in a custom resource not evaluated",
			Category:    check.ElevationOfPrivilege,
			Topic:       check.TopicWorkloads,
			Severity:    check.Info,
			Description: "A custom resource holds what looks like a pod spec (a containers list with images) at a field kubestride does not know to hold one, so none of the workload checks, Pod Security Standards included, evaluated the pods its controller will run.",
			Remediation: "Add the custom resource's group, kind and the path of its pod template or pod spec to podTemplates in the kubestride configuration, so that its pods are evaluated like a Deployment's.",
			References:  []string{"https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/custom-resources/", refPSS},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, obj := range inv.Objects {
				if obj.Typed != nil || len(obj.Raw) == 0 {
					continue
				}
				out = append(out, unevaluatedPodSpecs(obj, inv.Workloads)...)
			}
			return out
		},
	})
}

func unevaluatedPodSpecs(obj *object.Object, workloads []*inventory.Workload) []check.Finding {
	var covered []string
	for _, w := range workloads {
		if w.Object == obj {
			covered = append(covered, w.SpecPath)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(obj.Raw))
	dec.UseNumber()
	var root any
	if dec.Decode(&root) != nil {
		return nil // the loader reports JSON it could not read
	}
	group, _, ok := strings.Cut(obj.APIVersion, "/")
	if !ok {
		group = ""
	}
	var out []check.Finding
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			if path != "" && looksLikePodSpec(v) {
				if !isCovered(path, covered) {
					out = append(out, check.Finding{
						Object: obj,
						Path:   path,
						Reason: "pod spec not evaluated",
						Detail: fmt.Sprintf("pod spec at %s was not evaluated: add {group: %s, kind: %s, path: %s} to podTemplates in the configuration", path, group, obj.Kind, path),
					})
				}
				return
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				if path == "" && (k == "metadata" || k == "apiVersion" || k == "kind") {
					continue
				}
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				walk(v[k], fieldpath.Key(path, k))
			}
		case []any:
			for i, x := range v {
				walk(x, fieldpath.Index(path, i))
			}
		}
	}
	walk(root, "")
	return out
}

// looksLikePodSpec reports whether m holds a containers list whose items
// are mappings that set image.
func looksLikePodSpec(m map[string]any) bool {
	list, ok := m["containers"].([]any)
	if !ok || len(list) == 0 {
		return false
	}
	for _, x := range list {
		c, ok := x.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := c["image"]; !ok {
			return false
		}
	}
	return true
}

// isCovered reports whether path is, or is inside, one of the evaluated pod
// specs.
func isCovered(path string, covered []string) bool {
	for _, c := range covered {
		if path == c || strings.HasPrefix(path, c+".") || strings.HasPrefix(path, c+"[") {
			return true
		}
	}
	return false
}
