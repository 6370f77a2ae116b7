package checks

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

// perNamespaceObject builds a check that looks at each Namespace object of
// the scan, in load order, with what the inventory holds in that namespace.
// A namespace that objects only name (no Namespace object was loaded) is
// not visited. fn may leave Object unset.
func perNamespaceObject(meta check.Meta, fn func(ns inventory.Item[corev1.Namespace], in *inventory.Namespace) []check.Finding) check.Check {
	meta.Topic = check.TopicNamespaces
	return funcCheck{meta: meta, run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
		var out []check.Finding
		for _, ns := range inv.Namespaces {
			in := inv.Namespace(ns.Name())
			if in == nil {
				in = &inventory.Namespace{Name: ns.Name()}
			}
			for _, f := range fn(ns, in) {
				if f.Object == nil {
					f.Object = ns.Object
				}
				out = append(out, f)
			}
		}
		return out
	}}
}

// namespaceNoun returns `namespace "payments"`.
func namespaceNoun(name string) string { return "namespace " + strconv.Quote(name) }

// labelPath returns the path of the label key in metadata.labels.
func labelPath(key string) string { return fieldpath.Key("metadata.labels", key) }

// labelsPath returns metadata.labels when the object sets labels, and
// metadata otherwise: the nearest existing parent of a missing label.
func labelsPath(labels map[string]string) string {
	if labels != nil {
		return "metadata.labels"
	}
	return "metadata"
}
