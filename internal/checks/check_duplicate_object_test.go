package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/source"
)

func TestDuplicateObject(t *testing.T) {
	const id = "duplicate-object"
	runCases(t, id, []checkCase{{
		name: "two documents of one file, and a deprecated version of the same Deployment",
		manifest: `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: fast}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: a, image: example.com/a:1}]}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: app, namespace: shop}
spec:
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: a, image: example.com/a:1}]}
`,
		lines: true,
		want: []finding{{
			Object: "ConfigMap shop/settings",
			Path:   "metadata.name",
			Reason: "object defined twice",
			Detail: `ConfigMap "settings" in namespace "shop" must be defined once (defined at test.yaml:1 and again at test.yaml:5; the one applied last replaces the other)`,
			Line:   7,
		}, {
			Object: "Deployment shop/app",
			Path:   "metadata.name",
			Reason: "object defined twice",
			Detail: `Deployment "app" in namespace "shop" must be defined once (defined at test.yaml:10 and again at test.yaml:19; the one applied last replaces the other)`,
			Line:   21,
		}},
	}, {
		name: "same name, other kind, namespace or group",
		manifest: `apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: other}
---
apiVersion: v1
kind: Secret
metadata: {name: app, namespace: shop}
---
apiVersion: example.com/v1
kind: ConfigMap
metadata: {name: app, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {generateName: job-, namespace: shop}
spec: {containers: [{name: a, image: example.com/a:1}]}
---
apiVersion: v1
kind: Pod
metadata: {generateName: job-, namespace: shop}
spec: {containers: [{name: a, image: example.com/a:1}]}
`,
		want: nil,
	}})

	// Across files, the result does not depend on the order they are given in.
	files := [][2]string{
		{"b/rbac.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n"},
		{"a/rbac.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n"},
	}
	want := []finding{{
		Object: "ClusterRole reader",
		Path:   "metadata.name",
		Reason: "object defined twice",
		Detail: `ClusterRole "reader" must be defined once (defined at a/rbac.yaml:5 and again at b/rbac.yaml:1; the one applied last replaces the other)`,
	}}
	for _, order := range [][]int{{0, 1}, {1, 0}} {
		inv := inventory.New()
		summary := inventory.New()
		for _, i := range order {
			source.Decode(files[i][0], []byte(files[i][1]), inv.Add)
			source.Decode(files[i][0], []byte(files[i][1]), summary.AddSummary)
		}
		for name, inv := range map[string]*inventory.Inventory{"whole": inv, "summaries": summary} {
			got := comparable(run(registered(t, id), inv, defaultOptions))
			if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Line" }, cmp.Ignore())); diff != "" {
				t.Errorf("order %v, %s inventory: findings mismatch (-want +got):\n%s", order, name, diff)
			}
		}
	}
}
