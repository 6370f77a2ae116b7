package scope

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubestride/kubestride/internal/object"
)

func obj(apiVersion, kind, ns string) *object.Object {
	return &object.Object{APIVersion: apiVersion, Kind: kind, Meta: &metav1.ObjectMeta{Name: "x", Namespace: ns}}
}

func crd(group, kind, scope string) *object.Object {
	o := obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "")
	o.Raw = []byte(`{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","spec":{"group":"` + group + `","scope":"` + scope + `","names":{"kind":"` + kind + `"}}}`)
	return o
}

func TestBuiltin(t *testing.T) {
	for _, tc := range []struct {
		group, kind string
		want        Scope
	}{
		{"", "ServiceAccount", Namespaced},
		{"", "Secret", Namespaced},
		{"apps", "Deployment", Namespaced},
		{"rbac.authorization.k8s.io", "Role", Namespaced},
		{"rbac.authorization.k8s.io", "RoleBinding", Namespaced},
		{"networking.k8s.io", "NetworkPolicy", Namespaced},
		{"batch", "CronJob", Namespaced},
		{"", "Namespace", Cluster},
		{"", "Node", Cluster},
		{"", "PersistentVolume", Cluster},
		{"rbac.authorization.k8s.io", "ClusterRole", Cluster},
		{"rbac.authorization.k8s.io", "ClusterRoleBinding", Cluster},
		{"storage.k8s.io", "StorageClass", Cluster},
		{"admissionregistration.k8s.io", "ValidatingWebhookConfiguration", Cluster},
		{"apiextensions.k8s.io", "CustomResourceDefinition", Cluster},
		{"apiregistration.k8s.io", "APIService", Cluster},
		{"example.com", "Widget", Unknown},
		{"apps", "NoSuchKind", Unknown},
	} {
		if got := Builtin(schema.GroupKind{Group: tc.group, Kind: tc.kind}); got != tc.want {
			t.Errorf("Builtin(%s.%s) = %d, want %d", tc.kind, tc.group, got, tc.want)
		}
	}
}

func TestPlacer(t *testing.T) {
	for _, tc := range []struct {
		name string
		ns   string
		// objs are the input in order; want is each one's namespace after
		// placement.
		objs    []*object.Object
		want    []string
		notices []string
	}{
		{
			name: "built-in kinds",
			ns:   "tools",
			objs: []*object.Object{
				obj("v1", "ServiceAccount", ""), obj("rbac.authorization.k8s.io/v1", "Role", ""),
				obj("rbac.authorization.k8s.io/v1", "RoleBinding", ""), obj("apps/v1", "Deployment", ""),
				obj("rbac.authorization.k8s.io/v1", "ClusterRole", ""), obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", ""),
				obj("v1", "Namespace", ""), obj("apps/v1", "Deployment", "other"),
			},
			want:    []string{"tools", "tools", "tools", "tools", "", "", "", "other"},
			notices: []string{`4 objects without metadata.namespace were placed in namespace "tools" (as kubectl apply -n tools would)`},
		},
		{
			name:    "default namespace",
			objs:    []*object.Object{obj("v1", "ConfigMap", "")},
			want:    []string{"default"},
			notices: []string{`1 object without metadata.namespace was placed in namespace "default" (as kubectl apply -n default would)`},
		},
		{
			name: "a definition after its custom resources decides their scope",
			ns:   "ops",
			objs: []*object.Object{
				obj("example.com/v1", "Widget", ""), obj("example.com/v1", "Gadget", ""), obj("other.io/v1", "Thing", ""),
				crd("example.com", "Widget", "Namespaced"), crd("example.com", "Gadget", "Cluster"),
			},
			want: []string{"ops", "", "", "", ""},
			notices: []string{
				`1 object without metadata.namespace was placed in namespace "ops" (as kubectl apply -n ops would)`,
				`1 object without metadata.namespace was left without a namespace: Thing.other.io, whose scope no CustomResourceDefinition in the input declares`,
			},
		},
		{
			name: "nothing to place",
			objs: []*object.Object{obj("v1", "Namespace", ""), obj("v1", "Secret", "a")},
			want: []string{"", "a"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPlacer(tc.ns)
			var used []*object.Object
			for _, o := range tc.objs {
				p.See(o)
				if p.Place(o) {
					used = append(used, o)
				} else {
					p.Hold(o)
				}
			}
			used = append(used, p.Release()...)
			if len(used) != len(tc.objs) {
				t.Fatalf("%d objects came back, want %d", len(used), len(tc.objs))
			}
			for i, o := range tc.objs {
				if o.Namespace() != tc.want[i] {
					t.Errorf("%s %d: namespace %q, want %q", o.Kind, i, o.Namespace(), tc.want[i])
				}
			}
			if got := strings.Join(p.Notices(), "\n"); got != strings.Join(tc.notices, "\n") {
				t.Errorf("notices:\n%s\nwant:\n%s", got, strings.Join(tc.notices, "\n"))
			}
		})
	}
}
