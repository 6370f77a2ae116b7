package checks

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// superuser is a ClusterRole with "*" on "*" in "*".
var superuser = clusterRole("superuser", `rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
`)

func adminDetail(subject, binding, role string) string {
	return subject + " must not be cluster-admin-equivalent (" + binding + " grants it " + role +
		`, which allows create, update, delete, get and list on "*" resources in API group "*")`
}

func TestRBACClusterAdminEquivalent(t *testing.T) {
	const reason = "cluster-admin-equivalent subject"
	platform, err := os.ReadFile(filepath.Join("..", "..", "examples", "platform", "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	runCases(t, clusterAdminEquivalentID, []checkCase{
		{
			name:     "the platform example binds cluster-admin to a service account",
			manifest: string(platform),
			want: []finding{{
				Object: "ClusterRoleBinding ci-deployer-admin", Path: "subjects[0]", Reason: reason,
				Detail: adminDetail("ServiceAccount platform/ci-deployer", `ClusterRoleBinding "ci-deployer-admin"`, `ClusterRole "cluster-admin"`),
			}},
		},
		{
			name: "system:masters is left out, the others are reported once each",
			manifest: clusterRoleBinding("admins", "ClusterRole", "cluster-admin",
				`[{kind: Group, name: "system:masters"}, {kind: User, name: alice}, {kind: ServiceAccount, name: ci, namespace: ops}]`),
			want: []finding{
				{Object: "ClusterRoleBinding admins", Path: "subjects[1]", Reason: reason,
					Detail: adminDetail(`User "alice"`, `ClusterRoleBinding "admins"`, `ClusterRole "cluster-admin"`)},
				{Object: "ClusterRoleBinding admins", Path: "subjects[2]", Reason: reason,
					Detail: adminDetail("ServiceAccount ops/ci", `ClusterRoleBinding "admins"`, `ClusterRole "cluster-admin"`)},
			},
		},
		{
			name:     "a service account named as a user",
			manifest: clusterRoleBinding("ci", "ClusterRole", "cluster-admin", `[{kind: User, name: "system:serviceaccount:ops:ci"}]`),
			want: []finding{{
				Object: "ClusterRoleBinding ci", Path: "subjects[0]", Reason: reason,
				Detail: adminDetail(`User "system:serviceaccount:ops:ci"`, `ClusterRoleBinding "ci"`, `ClusterRole "cluster-admin"`),
			}},
		},
		{
			name:     "a custom role with every verb on every resource",
			manifest: superuser + clusterRoleBinding("oncall", "ClusterRole", "superuser", "[{kind: Group, name: oncall}]"),
			want: []finding{{
				Object: "ClusterRoleBinding oncall", Path: "subjects[0]", Reason: reason,
				Detail: adminDetail(`Group "oncall"`, `ClusterRoleBinding "oncall"`, `ClusterRole "superuser"`),
			}},
		},
		{
			name: "the admin verbs spread over several rules",
			manifest: clusterRole("split", `rules:
- {apiGroups: ["*"], resources: ["*"], verbs: [get, list, watch]}
- {apiGroups: ["*"], resources: ["*"], verbs: [create, update, patch, delete]}
`) + clusterRoleBinding("split", "ClusterRole", "split", "[{kind: User, name: bob}]"),
			want: []finding{{
				Object: "ClusterRoleBinding split", Path: "subjects[0]", Reason: reason,
				Detail: adminDetail(`User "bob"`, `ClusterRoleBinding "split"`, `ClusterRole "split"`),
			}},
		},
		{
			name: "a bound group is reported, not each service account in it",
			manifest: `apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: ops}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: b, namespace: ops}
---
` + clusterRoleBinding("ops-admin", "ClusterRole", "cluster-admin", `[{kind: Group, name: "system:serviceaccounts:ops"}]`),
			want: []finding{{
				Object: "ClusterRoleBinding ops-admin", Path: "subjects[0]", Reason: reason,
				Detail: adminDetail(`Group "system:serviceaccounts:ops"`, `ClusterRoleBinding "ops-admin"`, `ClusterRole "cluster-admin"`),
			}},
		},
		{
			name:     "cluster-admin in one namespace",
			manifest: roleBinding("team-a", "owner", "ClusterRole", "cluster-admin", "[{kind: ServiceAccount, name: default}]"),
		},
		{
			name: "every verb but delete",
			manifest: clusterRole("nodelete", `rules:
- {apiGroups: ["*"], resources: ["*"], verbs: [get, list, watch, create, update, patch]}
`) + clusterRoleBinding("nodelete", "ClusterRole", "nodelete", "[{kind: User, name: bob}]"),
		},
		{
			name: "every verb on the core group only",
			manifest: clusterRole("core", `rules:
- {apiGroups: [""], resources: ["*"], verbs: ["*"]}
`) + clusterRoleBinding("core", "ClusterRole", "core", "[{kind: User, name: bob}]"),
		},
		{
			name:     "only system:masters",
			manifest: clusterRoleBinding("masters", "ClusterRole", "cluster-admin", `[{kind: Group, name: "system:masters"}]`),
		},
	})
}

// TestClusterAdminEquivalentGroups runs every RBAC check on one manifest
// and compares the severity of each finding: the findings about the grant
// that makes a subject cluster-admin-equivalent are informational, and
// rbac-cluster-admin-equivalent's is the one critical.
func TestClusterAdminEquivalentGroups(t *testing.T) {
	platform, err := os.ReadFile(filepath.Join("..", "..", "examples", "platform", "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		manifest string
		// want maps "check-id object" to the severities of its findings
		// there, sorted; objects not listed are not compared.
		want map[string][]check.Severity
		// grouped lists the objects whose findings, but
		// rbac-cluster-admin-equivalent's, must all be informational and end
		// with a grouping note; the findings on other objects carry none.
		grouped []string
	}{
		{
			name:     "a superuser role held cluster-wide",
			manifest: superuser + clusterRoleBinding("oncall", "ClusterRole", "superuser", "[{kind: Group, name: oncall}]"),
			want: map[string][]check.Severity{
				"rbac-cluster-admin-equivalent ClusterRoleBinding oncall": {check.Critical},
				"rbac-wildcard ClusterRole superuser":                     {check.Info},
				"rbac-escalate ClusterRole superuser":                     {check.Info},
				"rbac-bind ClusterRole superuser":                         {check.Info},
				"rbac-impersonate ClusterRole superuser":                  {check.Info},
				"rbac-secrets-read ClusterRole superuser":                 {check.Info},
			},
			grouped: []string{"ClusterRole superuser"},
		},
		{
			name: "a superuser role also held in one namespace keeps its grades",
			manifest: superuser + clusterRoleBinding("oncall", "ClusterRole", "superuser", "[{kind: Group, name: oncall}]") +
				roleBinding("team-a", "dev", "ClusterRole", "superuser", "[{kind: User, name: dev}]"),
			want: map[string][]check.Severity{
				"rbac-cluster-admin-equivalent ClusterRoleBinding oncall": {check.Critical},
				"rbac-wildcard ClusterRole superuser":                     {check.High},
				"rbac-escalate ClusterRole superuser":                     {check.Critical},
			},
		},
		{
			name:     "a superuser role held in namespaces only",
			manifest: superuser + roleBinding("team-a", "dev", "ClusterRole", "superuser", "[{kind: User, name: dev}]"),
			want: map[string][]check.Severity{
				"rbac-wildcard ClusterRole superuser": {check.High},
				"rbac-escalate ClusterRole superuser": {check.Critical},
			},
		},
		{
			name: "cluster-admin bound cluster-wide and in a namespace",
			manifest: clusterRoleBinding("admins", "ClusterRole", "cluster-admin", "[{kind: User, name: alice}]") +
				roleBinding("team-a", "owner", "ClusterRole", "cluster-admin", "[{kind: User, name: bob}]"),
			want: map[string][]check.Severity{
				"rbac-cluster-admin-equivalent ClusterRoleBinding admins": {check.Critical},
				"cluster-admin-binding ClusterRoleBinding admins":         {check.Info},
				"cluster-admin-binding RoleBinding team-a/owner":          {check.Critical},
			},
			grouped: []string{"ClusterRoleBinding admins"},
		},
		{
			name:     "the platform example",
			manifest: string(platform),
			want: map[string][]check.Severity{
				"rbac-cluster-admin-equivalent ClusterRoleBinding ci-deployer-admin": {check.Critical},
				"cluster-admin-binding ClusterRoleBinding ci-deployer-admin":         {check.Info},
				// The operator role is not cluster-admin-equivalent.
				"rbac-wildcard ClusterRole platform-operator": {check.High},
			},
			grouped: []string{"ClusterRoleBinding ci-deployer-admin"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inv := load(t, "test.yaml", tc.manifest)
			got := map[string][]check.Severity{}
			details := map[string][]string{}
			for _, c := range check.Default().All() {
				if c.Meta().Topic != check.TopicRBAC {
					continue
				}
				id := c.Meta().ID
				for _, f := range run(c, inv, defaultOptions) {
					sev := f.Severity
					if sev == 0 {
						sev = c.Meta().Severity
					}
					obj := comparable([]check.Finding{f})[0].Object
					key := string(id) + " " + obj
					got[key] = append(got[key], sev)
					details[key] = append(details[key], f.Detail)
					hasNote := strings.HasSuffix(f.Detail, adminRoleNote) || strings.HasSuffix(f.Detail, adminSubjectNote)
					grouped := id != clusterAdminEquivalentID && slices.Contains(tc.grouped, obj)
					if hasNote != grouped || (grouped && sev != check.Info) {
						t.Errorf("%s: %s finding %q: grouped %v, want %v", key, sev, f.Detail, hasNote, grouped)
					}
				}
			}
			for key, want := range tc.want {
				sevs := got[key]
				slices.Sort(sevs)
				if !slices.Equal(sevs, want) {
					t.Errorf("%s: severities %v, want %v (%q)", key, sevs, want, details[key])
				}
			}
		})
	}
}
