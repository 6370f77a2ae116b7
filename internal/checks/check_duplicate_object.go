package checks

// The same object (API group, kind, namespace, name) defined twice across
// the inputs is applied twice: the definition applied last replaces the
// other, so which settings run depends on the order the files are applied
// in, and a review of one definition says nothing of what runs.
//
// Inspected fields: apiVersion (its group; a version no longer served
// counts as the group that replaced it), kind, metadata.namespace,
// metadata.name.
// Allowed values: each object defined once.
//
// Definitions are ordered by file, document and line, so the findings do
// not depend on the order the inputs were given in: the first definition is
// kept, each later one is reported.

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "duplicate-object",
			Title:       "Object defined twice",
			Category:    check.Tampering,
			Topic:       check.TopicObjects,
			Severity:    check.Low,
			Description: "An object defined twice across the manifests is applied twice, and the definition applied last replaces the other, so what runs depends on the order the files are applied in and a review of one definition says nothing of what runs.",
			Remediation: "Keep one definition of the object and delete or rename the other.",
			References:  []string{"https://kubernetes.io/docs/concepts/overview/working-with-objects/names/"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			return duplicateObjects(inv.Objects)
		},
	})
}

// objectIdentity is what makes two definitions the same object.
type objectIdentity struct{ group, kind, namespace, name string }

func identityOf(o *object.Object) objectIdentity {
	apiVersion := o.APIVersion
	if r, ok := removedAPIs[apiVersion+" "+o.Kind]; ok && r.Replacement != "" {
		apiVersion = r.Replacement
	}
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group = ""
	}
	return objectIdentity{group, o.Kind, o.Namespace(), o.Name()}
}

func compareOrigin(a, b *object.Object) int {
	return cmp.Or(cmp.Compare(a.Origin.File, b.Origin.File), cmp.Compare(a.Origin.Doc, b.Origin.Doc), cmp.Compare(a.Origin.Line, b.Origin.Line))
}

func duplicateObjects(objs []*object.Object) []check.Finding {
	// The first definition of each object, and the definitions, in input
	// order, of those defined twice: most objects are defined once.
	first := make(map[objectIdentity]*object.Object, len(objs))
	defs := map[objectIdentity][]*object.Object{}
	for _, o := range objs {
		if o.Meta == nil || o.Name() == "" {
			continue // generateName: every apply makes a new object
		}
		id := identityOf(o)
		f, seen := first[id]
		if !seen {
			first[id] = o
			continue
		}
		d := defs[id]
		if d == nil {
			d = []*object.Object{f}
		}
		defs[id] = append(d, o)
	}
	var groups [][]*object.Object
	for _, d := range defs {
		slices.SortStableFunc(d, compareOrigin)
		groups = append(groups, d)
	}
	slices.SortFunc(groups, func(a, b []*object.Object) int { return compareOrigin(a[0], b[0]) })
	var out []check.Finding
	for _, d := range groups {
		first := d[0]
		noun := first.Kind + " " + strconv.Quote(first.Name())
		if ns := first.Namespace(); ns != "" {
			noun += " in namespace " + strconv.Quote(ns)
		}
		for _, o := range d[1:] {
			out = append(out, check.Finding{
				Object: o,
				Path:   "metadata.name",
				Reason: "object defined twice",
				Detail: noun + " must be defined once (defined at " + first.Origin.String() + " and again at " + o.Origin.String() + "; the one applied last replaces the other)",
			})
		}
	}
	return out
}
