package rbac

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/source"
)

// pathsBase is a cluster where the ServiceAccount kube-system/admin is
// cluster-admin-equivalent and runs the Deployment kube-system/controller,
// and shop has two ServiceAccounts with no power.
const pathsBase = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: all}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admin}
subjects:
- {kind: ServiceAccount, name: admin, namespace: kube-system}
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: root}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: all}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: admin, namespace: kube-system}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: controller, namespace: kube-system}
spec:
  selector: {matchLabels: {app: controller}}
  template:
    metadata: {labels: {app: controller}}
    spec:
      serviceAccountName: admin
      containers: [{name: c, image: controller:1}]
---
apiVersion: v1
kind: Secret
metadata:
  name: admin-token
  namespace: kube-system
  annotations: {kubernetes.io/service-account.name: admin}
type: kubernetes.io/service-account-token
`

// grantTo returns a Role (or ClusterRole, with ns "") with rules, bound to
// subject.
func grantTo(ns, name, subject, rules string) string {
	kind, bkind, nsLine := "ClusterRole", "ClusterRoleBinding", ""
	if ns != "" {
		kind, bkind, nsLine = "Role", "RoleBinding", ", namespace: "+ns
	}
	return `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ` + kind + `
metadata: {name: ` + name + nsLine + `}
rules:
` + rules + `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ` + bkind + `
metadata: {name: ` + name + nsLine + `}
subjects: [` + subject + `]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ` + kind + `, name: ` + name + `}
`
}

const mallory = `{kind: User, apiGroup: rbac.authorization.k8s.io, name: mallory}`

// pathsOf returns the paths of manifests of one hop or more: those of
// subjects that are not cluster-admin-equivalent already.
func pathsOf(t *testing.T, manifests string) []Path {
	t.Helper()
	inv := inventory.New()
	if errs := source.Decode("paths.yaml", []byte(manifests), inv.Add); len(errs) > 0 {
		t.Fatalf("decode: %v", errs)
	}
	var out []Path
	for _, p := range Paths(Build(inv), inv) {
		if p.Hops[0].Edge != EdgeIsClusterAdmin {
			out = append(out, p)
		}
	}
	return out
}

var (
	adminSA  = ServiceAccount("kube-system", "admin")
	adminHop = Hop{Edge: EdgeIsClusterAdmin, Action: `create, update, delete, get, list "*" resources in API group "*"`, To: ClusterAdmin,
		Via: Via{Binding: Ref{Kind: "ClusterRoleBinding", Name: "admin"}, Role: Ref{Kind: "ClusterRole", Name: "all"}}}
)

func roleVia(ns, name string) Via {
	return Via{Binding: Ref{Kind: "RoleBinding", Name: name, Namespace: ns}, Role: Ref{Kind: "Role", Name: name, Namespace: ns}, Namespace: ns}
}

func clusterVia(name, ns string) Via {
	return Via{Binding: Ref{Kind: "ClusterRoleBinding", Name: name}, Role: Ref{Kind: "ClusterRole", Name: name}, Namespace: ns}
}

func TestPathsEdges(t *testing.T) {
	tests := []struct {
		name  string
		extra string
		want  []Path
	}{
		{
			name:  "no grant",
			extra: "",
		},
		{
			name:  "runs-pod-as: create a workload in the namespace",
			extra: grantTo("kube-system", "deploy", mallory, `- {apiGroups: [batch], resources: [cronjobs], verbs: [create]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeRunsPodAs, Action: "create cronjobs.batch in kube-system", Request: &Request{Verb: "create", Group: "batch", Resource: "cronjobs", Namespace: "kube-system"}, To: adminSA, Via: roleVia("kube-system", "deploy")},
				adminHop,
			}}},
		},
		{
			name:  "runs-pod-as: pods of another namespace give nothing",
			extra: grantTo("shop", "deploy", mallory, `- {apiGroups: [""], resources: [pods], verbs: [create]}`),
		},
		{
			name:  "reads-token-secret: get the token Secret by name",
			extra: grantTo("kube-system", "peek", mallory, `- {apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [admin-token]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeReadsTokenSecret, Action: "get secret kube-system/admin-token", Request: &Request{Verb: "get", Resource: "secrets", Namespace: "kube-system", Name: "admin-token"}, To: adminSA, Via: roleVia("kube-system", "peek")},
				adminHop,
			}}},
		},
		{
			name:  "reads-token-secret: list secrets",
			extra: grantTo("", "peek", mallory, `- {apiGroups: [""], resources: [secrets], verbs: [list]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeReadsTokenSecret, Action: "list secret kube-system/admin-token", Request: &Request{Verb: "list", Resource: "secrets", Namespace: "kube-system"}, To: adminSA, Via: clusterVia("peek", "kube-system")},
				adminHop,
			}}},
		},
		{
			name:  "reads-token-secret: other resourceNames give nothing",
			extra: grantTo("kube-system", "peek", mallory, `- {apiGroups: [""], resources: [secrets], verbs: [get, list], resourceNames: [other]}`),
		},
		{
			name:  "creates-token: on that ServiceAccount",
			extra: grantTo("kube-system", "mint", mallory, `- {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create], resourceNames: [admin]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeCreatesToken, Action: "create serviceaccounts/token kube-system/admin", Request: &Request{Verb: "create", Resource: "serviceaccounts", Subresource: "token", Namespace: "kube-system", Name: "admin"}, To: adminSA, Via: roleVia("kube-system", "mint")},
				adminHop,
			}}},
		},
		{
			name:  "creates-token: on another ServiceAccount gives nothing",
			extra: grantTo("kube-system", "mint", mallory, `- {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create], resourceNames: [other]}`),
		},
		{
			name:  "impersonates: a user by name",
			extra: grantTo("", "sudo", mallory, `- {apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [root]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeImpersonates, Action: "impersonate users root", Request: &Request{Verb: "impersonate", Resource: "users", Name: "root"}, To: User("root"), Via: clusterVia("sudo", "")},
				adminHop,
			}}},
		},
		{
			name:  "impersonates: any ServiceAccount",
			extra: grantTo("", "sudo", mallory, `- {apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeImpersonates, Action: "impersonate serviceaccounts admin", Request: &Request{Verb: "impersonate", Resource: "serviceaccounts", Namespace: "kube-system", Name: "admin"}, To: adminSA, Via: clusterVia("sudo", "kube-system")},
				adminHop,
			}}},
		},
		{
			name:  "impersonates: any group, system:masters included",
			extra: grantTo("", "sudo", mallory, `- {apiGroups: [""], resources: [groups], verbs: [impersonate]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeImpersonates, Action: "impersonate groups system:masters", Request: &Request{Verb: "impersonate", Resource: "groups", Name: "system:masters"}, To: ClusterAdmin, Via: clusterVia("sudo", "")},
			}}},
		},
		{
			name:  "impersonates: another user gives nothing",
			extra: grantTo("", "sudo", mallory, `- {apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [nobody]}`),
		},
		{
			name:  "binds-roles: bind clusterroles without a binding write gives nothing",
			extra: grantTo("", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind, escalate]}`),
		},
		{
			name:  "binds-roles: create clusterrolebindings without bind gives nothing",
			extra: grantTo("", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create, update, patch]}`),
		},
		{
			name: "binds-roles: create clusterrolebindings and bind cluster-admin by name",
			extra: grantTo("", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				bindHop(clusterVia("binder", ""), clusterVia("binder", ""), "cluster-admin", &Request{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"},
					"create clusterrolebindings.rbac.authorization.k8s.io to ClusterRole cluster-admin"),
			}}},
		},
		{
			name: "binds-roles: bind on a role that is not cluster-admin-equivalent gives nothing",
			extra: grantTo("", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [view, edit, admin, binder]}`),
		},
		{
			name: "binds-roles: update an existing ClusterRoleBinding of a cluster-admin-equivalent role",
			extra: grantTo("", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [update], resourceNames: [admin]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [all]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				bindHop(clusterVia("binder", ""), clusterVia("binder", ""), "all", &Request{Verb: "update", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings", Name: "admin"},
					"update clusterrolebindings.rbac.authorization.k8s.io admin to ClusterRole all"),
			}}},
		},
		{
			name: "binds-roles: bind and binding writes from two grants",
			extra: grantTo("", "writer", `{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:authenticated"}`, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}`) +
				grantTo("", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				bindHop(clusterVia("writer", ""), clusterVia("binder", ""), "all", &Request{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"},
					"create clusterrolebindings.rbac.authorization.k8s.io to ClusterRole all"),
			}}},
		},
		{
			name: "binds-roles: bind and binding writes in a namespace whose service accounts have no power lead nowhere",
			extra: `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: binder}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings, rolebindings], verbs: [create]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: binder, namespace: shop}
subjects: [` + mallory + `]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
`,
		},
		{
			name: "binds-roles: a RoleBinding written in kube-system to a bindable ClusterRole runs pods as its service accounts",
			extra: grantTo("kube-system", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [deployer]}`) + `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deployer}
rules:
- {apiGroups: [""], resources: [pods], verbs: [create]}
`,
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeBindsRoles, Action: "create rolebindings.rbac.authorization.k8s.io in kube-system to ClusterRole deployer",
					Request: &Request{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "rolebindings", Namespace: "kube-system"},
					To:      User("mallory"), Via: roleVia("kube-system", "binder"),
					Also: []Need{{Action: "bind clusterroles.rbac.authorization.k8s.io deployer in kube-system",
						Request: Request{Verb: "bind", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "deployer", Namespace: "kube-system"}, Via: roleVia("kube-system", "binder")}}},
				{Edge: EdgeRunsPodAs, Action: "create pods in kube-system", Request: &Request{Verb: "create", Resource: "pods", Namespace: "kube-system"}, To: adminSA,
					Via: Via{Binding: Ref{Kind: "RoleBinding", Namespace: "kube-system"}, Role: Ref{Kind: "ClusterRole", Name: "deployer"}, Namespace: "kube-system"}},
				adminHop,
			}}},
		},
		{
			name: "binds-roles: a RoleBinding write without bind gives nothing",
			extra: grantTo("kube-system", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}`) + `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deployer}
rules:
- {apiGroups: [""], resources: [pods], verbs: [create]}
`,
		},
		{
			name: "binds-roles: a ClusterRoleBinding written to a bindable ClusterRole that is not cluster-admin-equivalent",
			extra: grantTo("", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [minter]}`) + `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: minter}
rules:
- {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}
`,
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeBindsRoles, Action: "create clusterrolebindings.rbac.authorization.k8s.io to ClusterRole minter",
					Request: &Request{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"},
					To:      User("mallory"), Via: clusterVia("binder", ""),
					Also: []Need{{Action: "bind clusterroles.rbac.authorization.k8s.io minter",
						Request: Request{Verb: "bind", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "minter"}, Via: clusterVia("binder", "")}}},
				{Edge: EdgeCreatesToken, Action: "create serviceaccounts/token kube-system/admin", Request: &Request{Verb: "create", Resource: "serviceaccounts", Subresource: "token", Namespace: "kube-system", Name: "admin"}, To: adminSA,
					Via: Via{Binding: Ref{Kind: "ClusterRoleBinding"}, Role: Ref{Kind: "ClusterRole", Name: "minter"}, Namespace: "kube-system"}},
				adminHop,
			}}},
		},
		{
			name:  "binds-roles: escalate a Role bound in kube-system",
			extra: grantTo("kube-system", "self", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate, patch], resourceNames: [self]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeBindsRoles, Action: "patch roles.rbac.authorization.k8s.io self in kube-system bound by RoleBinding kube-system/self",
					Request: &Request{Verb: "patch", Group: "rbac.authorization.k8s.io", Resource: "roles", Name: "self", Namespace: "kube-system"},
					To:      User("mallory"), Via: roleVia("kube-system", "self"),
					Also: []Need{{Action: "escalate roles.rbac.authorization.k8s.io self in kube-system",
						Request: Request{Verb: "escalate", Group: "rbac.authorization.k8s.io", Resource: "roles", Name: "self", Namespace: "kube-system"}, Via: roleVia("kube-system", "self")}}},
				{Edge: EdgeRunsPodAs, Action: "create pods in kube-system", Request: &Request{Verb: "create", Resource: "pods", Namespace: "kube-system"}, To: adminSA, Via: roleVia("kube-system", "self")},
				adminHop,
			}}},
		},
		{
			name:  "binds-roles: escalate a ClusterRole bound cluster-wide",
			extra: grantTo("", "self", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, update], resourceNames: [self]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{{
				Edge: EdgeBindsRoles, Action: "update clusterroles.rbac.authorization.k8s.io self bound by ClusterRoleBinding self",
				Request: &Request{Verb: "update", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "self"}, To: ClusterAdmin, Via: clusterVia("self", ""),
				Also: []Need{{Action: "escalate clusterroles.rbac.authorization.k8s.io self", Request: Request{Verb: "escalate", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "self"}, Via: clusterVia("self", "")}},
			}}}},
		},
		{
			name:  "binds-roles: escalate a ClusterRole bound to someone else gives nothing",
			extra: grantTo("", "self", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, update, patch], resourceNames: [view, all]}`),
		},
		{
			name:  "binds-roles: update without escalate gives nothing",
			extra: grantTo("", "self", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [update, patch]}`),
		},
		{
			// The namespace holds a token Secret already: reading any
			// Secret would read that one instead.
			name: "creates-token-secret: create secrets, and get the one it names",
			extra: grantTo("kube-system", "mint", mallory, `- {apiGroups: [""], resources: [secrets], verbs: [create]}
- {apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [mine]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeCreatesTokenSecret, Action: "create secrets in kube-system (a service-account-token Secret for admin)", Request: &Request{Verb: "create", Resource: "secrets", Namespace: "kube-system"}, To: adminSA, Via: roleVia("kube-system", "mint"),
					Also: []Need{{Action: "get secrets mine (the name it gives the Secret it creates) in kube-system", Request: Request{Verb: "get", Resource: "secrets", Namespace: "kube-system", Name: "mine"}, Via: roleVia("kube-system", "mint")}}},
				adminHop,
			}}},
		},
		{
			name: "creates-token-secret: create with one grant, get with another",
			extra: grantTo("kube-system", "mint", mallory, `- {apiGroups: [""], resources: [secrets], verbs: [create]}`) +
				grantTo("", "getter", mallory, `- {apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [mine]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeCreatesTokenSecret, Action: "create secrets in kube-system (a service-account-token Secret for admin)", Request: &Request{Verb: "create", Resource: "secrets", Namespace: "kube-system"}, To: adminSA, Via: roleVia("kube-system", "mint"),
					Also: []Need{{Action: "get secrets mine (the name it gives the Secret it creates) in kube-system", Request: Request{Verb: "get", Resource: "secrets", Namespace: "kube-system", Name: "mine"}, Via: clusterVia("getter", "")}}},
				adminHop,
			}}},
		},
		{
			// The create's answer comes before the token controller fills
			// the Secret: without reading it back there is no token.
			name:  "creates-token-secret: create alone gives nothing",
			extra: grantTo("kube-system", "mint", mallory, `- {apiGroups: [""], resources: [secrets], verbs: [create]}`),
		},
		{
			name:  "creates-token-secret: secrets of another namespace give nothing",
			extra: grantTo("shop", "mint", mallory, `- {apiGroups: [""], resources: [secrets], verbs: [create, get, list]}`),
		},
		{
			name:  "binds-roles: bind and escalate in a namespace without a write give nothing",
			extra: grantTo("shop", "binder", mallory, `- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate, bind]}`),
		},
		{
			name:  "node-proxy: get nodes/proxy",
			extra: grantTo("", "kubelet", mallory, `- {apiGroups: [""], resources: [nodes/proxy], verbs: [get]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeNodeProxy, Action: "get nodes/proxy to exec in kube-system/controller", Request: &Request{Verb: "get", Resource: "nodes", Subresource: "proxy"}, To: adminSA, Via: clusterVia("kubelet", "")},
				adminHop,
			}}},
		},
		{
			name:  "execs-into-pod: pods/attach in the namespace",
			extra: grantTo("kube-system", "debug", mallory, `- {apiGroups: [""], resources: [pods/attach], verbs: [create]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeExecsIntoPod, Action: "create pods/attach in kube-system (deployments controller)", Request: &Request{Verb: "create", Resource: "pods", Subresource: "attach", Namespace: "kube-system"}, To: adminSA, Via: roleVia("kube-system", "debug")},
				adminHop,
			}}},
		},
		{
			name:  "execs-into-pod: pods/exec in another namespace gives nothing",
			extra: grantTo("shop", "debug", mallory, `- {apiGroups: [""], resources: [pods/exec], verbs: [create]}`),
		},
		{
			name:  "updates-workload: patch the Deployment by name",
			extra: grantTo("kube-system", "rollout", mallory, `- {apiGroups: [apps], resources: [deployments], verbs: [patch], resourceNames: [controller]}`),
			want: []Path{{Subject: User("mallory"), Hops: []Hop{
				{Edge: EdgeUpdatesWorkload, Action: "patch deployments.apps kube-system/controller", Request: &Request{Verb: "patch", Group: "apps", Resource: "deployments", Namespace: "kube-system", Name: "controller"}, To: adminSA, Via: roleVia("kube-system", "rollout")},
				adminHop,
			}}},
		},
		{
			name:  "updates-workload: another Deployment gives nothing",
			extra: grantTo("kube-system", "rollout", mallory, `- {apiGroups: [apps], resources: [deployments], verbs: [update, patch], resourceNames: [other]}`),
		},
		{
			name: "the shortest of two paths",
			extra: grantTo("shop", "deploy", mallory, `- {apiGroups: [""], resources: [pods], verbs: [create]}`) +
				grantTo("kube-system", "rollout", `{kind: ServiceAccount, name: builder, namespace: shop}`, `- {apiGroups: [apps], resources: [deployments], verbs: [update]}`) +
				grantTo("", "zz-kubelet", mallory, `- {apiGroups: [""], resources: [nodes/proxy], verbs: [create]}`),
			want: []Path{
				{Subject: User("mallory"), Hops: []Hop{
					{Edge: EdgeNodeProxy, Action: "create nodes/proxy to exec in kube-system/controller", Request: &Request{Verb: "create", Resource: "nodes", Subresource: "proxy"}, To: adminSA, Via: clusterVia("zz-kubelet", "")},
					adminHop,
				}},
				{Subject: ServiceAccount("shop", "builder"), Hops: []Hop{
					{Edge: EdgeUpdatesWorkload, Action: "update deployments.apps kube-system/controller", Request: &Request{Verb: "update", Group: "apps", Resource: "deployments", Namespace: "kube-system", Name: "controller"}, To: adminSA, Via: roleVia("kube-system", "rollout")},
					adminHop,
				}},
			},
		},
		{
			name: "workloads without a namespace are not followed",
			extra: grantTo("", "debug", mallory, `- {apiGroups: [""], resources: [pods/exec], verbs: [create], resourceNames: [stray]}`) + `
---
apiVersion: v1
kind: Pod
metadata: {name: stray}
spec: {serviceAccountName: admin, containers: [{name: c, image: c:1}]}
` + grantTo("", "sa-binder", `{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts"}`,
				`- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}`),
			want: []Path{
				{Subject: Group("system:serviceaccounts"), Hops: []Hop{
					bindHop(clusterVia("sa-binder", ""), clusterVia("sa-binder", ""), "all", &Request{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}, "create clusterrolebindings.rbac.authorization.k8s.io to ClusterRole all"),
				}},
				{Subject: ServiceAccount("shop", "app"), Hops: []Hop{
					bindHop(clusterVia("sa-binder", ""), clusterVia("sa-binder", ""), "all", &Request{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}, "create clusterrolebindings.rbac.authorization.k8s.io to ClusterRole all"),
				}},
				{Subject: ServiceAccount("shop", "builder"), Hops: []Hop{
					bindHop(clusterVia("sa-binder", ""), clusterVia("sa-binder", ""), "all", &Request{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}, "create clusterrolebindings.rbac.authorization.k8s.io to ClusterRole all"),
				}},
			},
		},
		{
			name: "two hops, through a group",
			extra: grantTo("shop", "deploy", `{kind: Group, apiGroup: rbac.authorization.k8s.io, name: devs}`, `- {apiGroups: [""], resources: [pods], verbs: [create]}`) +
				grantTo("kube-system", "rollout", `{kind: ServiceAccount, name: builder, namespace: shop}`, `- {apiGroups: [apps], resources: [deployments], verbs: [update]}`),
			want: []Path{
				{Subject: Group("devs"), Hops: []Hop{
					{Edge: EdgeRunsPodAs, Action: "create pods in shop", Request: &Request{Verb: "create", Resource: "pods", Namespace: "shop"}, To: ServiceAccount("shop", "builder"), Via: roleVia("shop", "deploy")},
					{Edge: EdgeUpdatesWorkload, Action: "update deployments.apps kube-system/controller", Request: &Request{Verb: "update", Group: "apps", Resource: "deployments", Namespace: "kube-system", Name: "controller"}, To: adminSA, Via: roleVia("kube-system", "rollout")},
					adminHop,
				}},
				{Subject: ServiceAccount("shop", "builder"), Hops: []Hop{
					{Edge: EdgeUpdatesWorkload, Action: "update deployments.apps kube-system/controller", Request: &Request{Verb: "update", Group: "apps", Resource: "deployments", Namespace: "kube-system", Name: "controller"}, To: adminSA, Via: roleVia("kube-system", "rollout")},
					adminHop,
				}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pathsOf(t, pathsBase+tt.extra)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Paths (-want +got):\n%s", diff)
			}
		})
	}
}

// bindHop is the hop a binding write to the cluster-admin-equivalent
// ClusterRole role makes, with the bind check.
func bindHop(write, bind Via, role string, req *Request, action string) Hop {
	return Hop{Edge: EdgeBindsRoles, Action: action, Request: req, To: ClusterAdmin, Via: write,
		Also: []Need{{Action: "bind clusterroles.rbac.authorization.k8s.io " + role,
			Request: Request{Verb: "bind", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: role}, Via: bind}}}
}

// TestPathsCycles: ServiceAccounts that can become each other, with and
// without a way out, neither loop nor report a path without one.
func TestPathsCycles(t *testing.T) {
	loop := grantTo("shop", "deploy", `{kind: ServiceAccount, name: app}, {kind: ServiceAccount, name: builder}`,
		`- {apiGroups: [""], resources: [pods], verbs: [create]}`)
	if got := pathsOf(t, pathsBase+loop); len(got) != 0 {
		t.Errorf("Paths of a cycle without a way out = %v, want none", got)
	}
	out := loop + grantTo("", "binder", `{kind: ServiceAccount, name: app, namespace: shop}`,
		`- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, patch]}`)
	escalateHop := Hop{Edge: EdgeBindsRoles, Action: "patch clusterroles.rbac.authorization.k8s.io binder bound by ClusterRoleBinding binder",
		Request: &Request{Verb: "patch", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "binder"}, To: ClusterAdmin, Via: clusterVia("binder", ""),
		Also: []Need{{Action: "escalate clusterroles.rbac.authorization.k8s.io binder",
			Request: Request{Verb: "escalate", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "binder"}, Via: clusterVia("binder", "")}}}
	want := []Path{
		{Subject: ServiceAccount("shop", "app"), Hops: []Hop{
			escalateHop,
		}},
		{Subject: ServiceAccount("shop", "builder"), Hops: []Hop{
			{Edge: EdgeRunsPodAs, Action: "create pods in shop", Request: &Request{Verb: "create", Resource: "pods", Namespace: "shop"}, To: ServiceAccount("shop", "app"), Via: roleVia("shop", "deploy")},
			escalateHop,
		}},
	}
	if diff := cmp.Diff(want, pathsOf(t, pathsBase+out)); diff != "" {
		t.Errorf("Paths (-want +got):\n%s", diff)
	}
}

// TestPathsOfClusterAdmins: subjects that are cluster-admin-equivalent,
// even through a group, have a path of zero hops naming their grant, though
// they hold escalating grants; system:masters is left out.
func TestPathsOfClusterAdmins(t *testing.T) {
	extra := grantTo("", "sudo", `{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:kube-system"}`,
		`- {apiGroups: [""], resources: [users], verbs: [impersonate]}`) +
		grantTo("", "all-verbs", `{kind: Group, apiGroup: rbac.authorization.k8s.io, name: ops}`,
			`- {apiGroups: ["*"], resources: ["*"], verbs: [create, update, delete, get, list]}`) +
		grantTo("", "nearly", `{kind: Group, apiGroup: rbac.authorization.k8s.io, name: readers}`,
			`- {apiGroups: ["*"], resources: ["*"], verbs: [get, list]}`) +
		grantTo("", "masters", `{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:masters"}`,
			`- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`)
	inv := inventory.New()
	if errs := source.Decode("paths.yaml", []byte(pathsBase+extra), inv.Add); len(errs) > 0 {
		t.Fatalf("decode: %v", errs)
	}
	m := Build(inv)
	for _, tt := range []struct {
		s    Subject
		want bool
	}{{adminSA, true}, {User("root"), true}, {Group("ops"), true}, {Group("readers"), false}, {User("mallory"), false}} {
		if got := m.IsClusterAdmin(tt.s); got != tt.want {
			t.Errorf("IsClusterAdmin(%s) = %v, want %v", tt.s, got, tt.want)
		}
	}
	// The kube-system group itself may impersonate root and readers may
	// read the admin's token Secret: they have paths; the admin
	// ServiceAccount, in that group, has a path of zero hops.
	var subjects []string
	for _, p := range Paths(m, inv) {
		subjects = append(subjects, p.Subject.String())
		if zero := p.Hops[0].Edge == EdgeIsClusterAdmin; zero != m.IsClusterAdmin(p.Subject) {
			t.Errorf("path of %s: zero hops %v, cluster-admin-equivalent %v", p.Subject, zero, !zero)
		}
	}
	if diff := cmp.Diff([]string{"user:root", "group:ops", "group:readers", "group:system:serviceaccounts:kube-system", "serviceaccount:kube-system:admin"}, subjects); diff != "" {
		t.Errorf("subjects with paths (-want +got):\n%s", diff)
	}
	ops := Path{Subject: Group("ops"), Hops: []Hop{{Edge: EdgeIsClusterAdmin, Action: `create, update, delete, get, list "*" resources in API group "*"`,
		To: ClusterAdmin, Via: clusterVia("all-verbs", "")}}}
	if diff := cmp.Diff(ops, Paths(m, inv)[1]); diff != "" {
		t.Errorf("path of group ops (-want +got):\n%s", diff)
	}
}

// TestPathsThroughControllers: manifests hold none of the API server's
// bootstrap controller policy, which every cluster has; creating pods in
// kube-system runs them as a controller's ServiceAccount, and the
// clusterrole-aggregation-controller may escalate its own ClusterRole.
// The controllers' ServiceAccounts are ways through, not subjects of
// paths. With the policy's binding in the input (a live cluster's), only
// the ServiceAccounts the input holds are targets.
func TestPathsThroughControllers(t *testing.T) {
	const agg = "clusterrole-aggregation-controller"
	grant := grantTo("kube-system", "deploy", mallory, `- {apiGroups: [""], resources: [pods], verbs: [create]}`)
	role := Ref{Kind: "ClusterRole", Name: ControllerPrefix + agg}
	binding := Ref{Kind: "ClusterRoleBinding", Name: ControllerPrefix + agg}
	want := []Path{{Subject: User("mallory"), Hops: []Hop{
		{Edge: EdgeRunsPodAs, Action: "create pods in kube-system", Request: &Request{Verb: "create", Resource: "pods", Namespace: "kube-system"},
			To: ServiceAccount("kube-system", agg), Via: roleVia("kube-system", "deploy")},
		{Edge: EdgeBindsRoles, Action: "update clusterroles.rbac.authorization.k8s.io " + role.Name + " bound by " + binding.String(),
			Request: &Request{Verb: "update", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: role.Name}, To: ClusterAdmin,
			Via: Via{Binding: binding, Role: role, Assumed: true},
			Also: []Need{{Action: "escalate clusterroles.rbac.authorization.k8s.io " + role.Name,
				Request: Request{Verb: "escalate", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: role.Name},
				Via:     Via{Binding: binding, Role: role, Assumed: true}}}},
	}}}
	if diff := cmp.Diff(want, pathsOf(t, grant)); diff != "" {
		t.Errorf("Paths (-want +got):\n%s", diff)
	}

	// The binding present (as on a live cluster) but not the
	// ServiceAccount: the controller manager does not run as it.
	withBinding := grant + `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:controller:clusterrole-aggregation-controller"}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, get, list, patch, update, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:controller:clusterrole-aggregation-controller"}
subjects: [{kind: ServiceAccount, name: clusterrole-aggregation-controller, namespace: kube-system}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:controller:clusterrole-aggregation-controller"}
`
	for _, p := range pathsOf(t, withBinding) {
		if p.Hops[0].To == ServiceAccount("kube-system", agg) {
			t.Errorf("path through %s, whose ServiceAccount the input does not hold: %+v", agg, p)
		}
	}
	// With its ServiceAccount too, the input's own objects make the path.
	got := pathsOf(t, withBinding+`
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: clusterrole-aggregation-controller, namespace: kube-system}
`)
	if len(got) != 2 || got[0].Subject != User("mallory") || len(got[0].Hops) != 2 || got[0].Hops[0].To != ServiceAccount("kube-system", agg) ||
		got[0].Hops[1].Via.Assumed || got[1].Subject != ServiceAccount("kube-system", agg) {
		t.Errorf("Paths with the controller's binding and ServiceAccount = %+v, want mallory through %s, and %[2]s itself, assuming nothing", got, agg)
	}

	// Pods created elsewhere reach no controller.
	if got := pathsOf(t, grantTo("shop", "deploy", mallory, `- {apiGroups: [""], resources: [pods], verbs: [create]}`)); len(got) != 0 {
		t.Errorf("Paths of pods created in shop = %+v, want none", got)
	}
}
