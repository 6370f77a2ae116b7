package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACWildcard(t *testing.T) {
	const reason = "wildcard role rules"
	allStar := "rules:\n- {apiGroups: [\"*\"], resources: [\"*\"], verbs: [\"*\"]}\n"
	runCases(t, "rbac-wildcard", []checkCase{
		{
			name:     "explicit rules",
			manifest: clusterRole("reader", "rules:\n- {apiGroups: [\"\", apps], resources: [pods, deployments], verbs: [get, list]}\n"),
		},
		{
			name: "every field, bound in a namespace",
			manifest: clusterRole("ops", allStar) +
				roleBinding("ci", "ops", "ClusterRole", "ops", "[{kind: ServiceAccount, name: ci}]"),
			want: []finding{{
				Object: "ClusterRole ops", Path: "rules[0].verbs", Reason: reason,
				Detail: `ClusterRole "ops" grants "*" in verbs, apiGroups and resources (rules[0]); bound to ServiceAccount ci/ci via RoleBinding ci/ops`,
			}},
		},
		{
			// Its holder is cluster-admin-equivalent: the finding is grouped
			// under rbac-cluster-admin-equivalent.
			name: "every field, bound cluster-wide",
			manifest: clusterRole("ops", allStar) +
				clusterRoleBinding("ops", "ClusterRole", "ops", "[{kind: ServiceAccount, name: ci, namespace: kube-system}]"),
			want: []finding{{
				Object: "ClusterRole ops", Path: "rules[0].verbs", Reason: reason, Severity: check.Info,
				Detail: `ClusterRole "ops" grants "*" in verbs, apiGroups and resources (rules[0]); bound to ServiceAccount kube-system/ci via ClusterRoleBinding "ops"` + adminRoleNote,
			}},
		},
		{
			name:     "not bound lowers the severity",
			manifest: clusterRole("ops", allStar),
			want: []finding{{
				Object: "ClusterRole ops", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "ops" grants "*" in verbs, apiGroups and resources (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name: "a binding without subjects holds nothing",
			manifest: clusterRole("ops", allStar) +
				clusterRoleBinding("ops", "ClusterRole", "ops", "[]"),
			want: []finding{{
				Object: "ClusterRole ops", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "ops" grants "*" in verbs, apiGroups and resources (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "apiGroups only",
			manifest: role("team-a", "any-group", "rules:\n- {apiGroups: [\"*\"], resources: [pods], verbs: [get]}\n"),
			want: []finding{{
				Object: "Role team-a/any-group", Path: "rules[0].apiGroups", Reason: reason, Severity: check.Medium,
				Detail: `Role team-a/any-group grants "*" in apiGroups (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "subresource wildcards",
			manifest: role("team-a", "scaler", "rules:\n- {apiGroups: [apps], resources: [deployments, \"*/scale\", \"*/status\"], verbs: [update]}\n"),
			want: []finding{{
				Object: "Role team-a/scaler", Path: "rules[0].resources", Reason: reason, Severity: check.Medium,
				Detail: `Role team-a/scaler grants "*/scale", "*/status" in resources (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "star verbs and a subresource wildcard",
			manifest: role("team-a", "scaler", "rules:\n- {apiGroups: [apps], resources: [deployments, \"*/scale\"], verbs: [\"*\"]}\n"),
			want: []finding{{
				Object: "Role team-a/scaler", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `Role team-a/scaler grants "*" in verbs and "*/scale" in resources (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "star resources subsume subresource wildcards",
			manifest: role("team-a", "all", "rules:\n- {apiGroups: [apps], resources: [\"*/scale\", \"*\"], verbs: [get]}\n"),
			want: []finding{{
				Object: "Role team-a/all", Path: "rules[0].resources", Reason: reason, Severity: check.Medium,
				Detail: `Role team-a/all grants "*" in resources (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "non-resource URLs",
			manifest: clusterRole("urls", "rules:\n- {nonResourceURLs: [\"/healthz\", \"/apis/*\"], verbs: [get]}\n- {nonResourceURLs: [\"*\"], verbs: [get]}\n"),
			want: []finding{{
				Object: "ClusterRole urls", Path: "rules[1].nonResourceURLs", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "urls" grants "*" in nonResourceURLs (rules[1]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "one finding per rule",
			manifest: role("team-a", "two", "rules:\n- {apiGroups: [\"\"], resources: [pods], verbs: [\"*\"]}\n- {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n- {apiGroups: [\"\"], resources: [\"*\"], verbs: [get]}\n"),
			want: []finding{
				{
					Object: "Role team-a/two", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
					Detail: `Role team-a/two grants "*" in verbs (rules[0]); not bound in the scanned manifests`,
				},
				{
					Object: "Role team-a/two", Path: "rules[2].resources", Reason: reason, Severity: check.Medium,
					Detail: `Role team-a/two grants "*" in resources (rules[2]); not bound in the scanned manifests`,
				},
			},
		},
		{
			name:     "pods/* is not a wildcard",
			manifest: role("team-a", "literal", "rules:\n- {apiGroups: [\"\"], resources: [\"pods/*\"], verbs: [get]}\n"),
		},
		{
			name: "built-in roles are not reported",
			manifest: clusterRole("cluster-admin", allStar) + clusterRole("admin", allStar) +
				clusterRole("edit", allStar) + clusterRole("view", allStar) +
				clusterRole("system:controller:namespace-controller", allStar) +
				role("kube-system", "system:controller:bootstrap-signer", allStar),
		},
		{
			name:     "a Role named like a default ClusterRole is reported",
			manifest: role("team-a", "admin", allStar) + roleBinding("team-a", "admin", "Role", "admin", "[{kind: User, name: gina}]"),
			want: []finding{{
				Object: "Role team-a/admin", Path: "rules[0].verbs", Reason: reason,
				Detail: `Role team-a/admin grants "*" in verbs, apiGroups and resources (rules[0]); bound to User "gina" via RoleBinding team-a/admin`,
			}},
		},
		{
			name: "a RoleBinding holds only the Role of its own namespace",
			manifest: role("team-a", "ops", allStar) +
				roleBinding("team-b", "ops", "Role", "ops", "[{kind: User, name: gina}]") +
				clusterRoleBinding("ops", "Role", "ops", "[{kind: User, name: gina}]"),
			want: []finding{{
				Object: "Role team-a/ops", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `Role team-a/ops grants "*" in verbs, apiGroups and resources (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name: "aggregated rules point at the selector that pulled them in",
			manifest: clusterRole("monitoring", "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {team: a}\n  - matchExpressions: [{key: monitoring, operator: Exists}]\nrules: []\n") +
				"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: extra\n  labels: {monitoring: \"yes\"}\n" +
				"rules:\n- {apiGroups: [\"\"], resources: [pods], verbs: [get]}\n- {apiGroups: [\"*\"], resources: [prometheusrules], verbs: [get]}\n---\n" +
				clusterRoleBinding("monitoring", "ClusterRole", "monitoring", "[{kind: Group, name: sre}]"),
			want: []finding{
				{
					Object: "ClusterRole monitoring", Path: "aggregationRule.clusterRoleSelectors[1]", Reason: reason,
					Detail: `ClusterRole "monitoring" grants "*" in apiGroups (rules[1] of aggregated ClusterRole "extra"); bound to Group "sre" via ClusterRoleBinding "monitoring"`,
				},
				{
					Object: "ClusterRole extra", Path: "rules[1].apiGroups", Reason: reason,
					Detail: `ClusterRole "extra" grants "*" in apiGroups (rules[1]); bound to Group "sre" via ClusterRoleBinding "monitoring" through ClusterRole "monitoring"`,
				},
			},
		},
		{
			name: "held through the default edit role",
			manifest: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: crontabs-edit\n  labels: {rbac.authorization.k8s.io/aggregate-to-edit: \"true\"}\n" +
				"rules:\n- {apiGroups: [stable.example.com], resources: [crontabs], verbs: [\"*\"]}\n---\n" +
				roleBinding("team-a", "editors", "ClusterRole", "edit", "[{kind: Group, name: devs}]"),
			want: []finding{{
				Object: "ClusterRole crontabs-edit", Path: "rules[0].verbs", Reason: reason, Severity: check.Low,
				Detail: `ClusterRole "crontabs-edit" grants "*" in verbs within API group "stable.example.com" (rules[0]); bound to Group "devs" via RoleBinding team-a/editors through ClusterRole "edit"`,
			}},
		},
	})
}

// TestRBACWildcardScope grades a bound wildcard rule by what it covers.
func TestRBACWildcardScope(t *testing.T) {
	const reason = "wildcard role rules"
	const bound = `; bound to ServiceAccount cert-manager/controller via ClusterRoleBinding "controller"`
	tests := []struct {
		name, rule string
		want       finding
	}{
		{
			name: "own custom resource group",
			rule: `{apiGroups: [cert-manager.io], resources: ["*"], verbs: ["*"]}`,
			want: finding{Path: "rules[0].verbs", Severity: check.Low,
				Detail: `grants "*" in verbs and resources within API group "cert-manager.io" (rules[0])`},
		},
		{
			name: "several custom resource groups",
			rule: `{apiGroups: [cert-manager.io, acme.cert-manager.io], resources: ["*", "*/status"], verbs: [get, update]}`,
			want: finding{Path: "rules[0].resources", Severity: check.Low,
				Detail: `grants "*" in resources within API groups "cert-manager.io", "acme.cert-manager.io" (rules[0])`},
		},
		{
			name: "read-only aggregated API",
			rule: `{apiGroups: [metrics.k8s.io, custom.metrics.k8s.io], resources: ["*"], verbs: [get, list, watch]}`,
			want: finding{Path: "rules[0].resources", Severity: check.Low,
				Detail: `grants "*" in resources within API groups "metrics.k8s.io", "custom.metrics.k8s.io" (rules[0])`},
		},
		{
			name: "custom group beside the core group",
			rule: `{apiGroups: [cert-manager.io, ""], resources: ["*"], verbs: [get]}`,
			want: finding{Path: "rules[0].resources",
				Detail: `grants "*" in resources (rules[0])`},
		},
		{
			name: "core group",
			rule: `{apiGroups: [""], resources: ["*"], verbs: ["*"]}`,
			want: finding{Path: "rules[0].verbs",
				Detail: `grants "*" in verbs and resources (rules[0])`},
		},
		{
			name: "apps",
			rule: `{apiGroups: [apps], resources: ["*"], verbs: [get]}`,
			want: finding{Path: "rules[0].resources",
				Detail: `grants "*" in resources (rules[0])`},
		},
		{
			name: "rbac",
			rule: `{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: ["*"]}`,
			want: finding{Path: "rules[0].verbs",
				Detail: `grants "*" in verbs (rules[0])`},
		},
		{
			name: "a built-in group ending in .k8s.io",
			rule: `{apiGroups: [admissionregistration.k8s.io], resources: ["*"], verbs: ["*"]}`,
			want: finding{Path: "rules[0].verbs",
				Detail: `grants "*" in verbs and resources (rules[0])`},
		},
		{
			name: "every group",
			rule: `{apiGroups: ["*"], resources: [certificates], verbs: [get]}`,
			want: finding{Path: "rules[0].apiGroups",
				Detail: `grants "*" in apiGroups (rules[0])`},
		},
		{
			name: "named objects of a core resource",
			rule: `{apiGroups: [""], resources: [configmaps], resourceNames: [cert-manager-controller], verbs: ["*"]}`,
			want: finding{Path: "rules[0].verbs", Severity: check.Medium,
				Detail: `grants "*" in verbs on objects named "cert-manager-controller" only (rules[0])`},
		},
		{
			name: "named objects of a custom resource",
			rule: `{apiGroups: [cert-manager.io], resources: [issuers], resourceNames: [default, backup], verbs: ["*"]}`,
			want: finding{Path: "rules[0].verbs", Severity: check.Info,
				Detail: `grants "*" in verbs within API group "cert-manager.io" on objects named "default", "backup" only (rules[0])`},
		},
		{
			name: "non-resource URLs",
			rule: `{nonResourceURLs: ["*"], verbs: [get]}`,
			want: finding{Path: "rules[0].nonResourceURLs",
				Detail: `grants "*" in nonResourceURLs (rules[0])`},
		},
	}
	for _, tc := range tests {
		want := tc.want
		want.Object, want.Reason = "ClusterRole controller", reason
		want.Detail = `ClusterRole "controller" ` + want.Detail + bound
		runCases(t, "rbac-wildcard", []checkCase{{
			name: tc.name,
			manifest: clusterRole("controller", "rules:\n- "+tc.rule+"\n") +
				clusterRoleBinding("controller", "ClusterRole", "controller", "[{kind: ServiceAccount, name: controller, namespace: cert-manager}]"),
			want: []finding{want},
		}})
	}
	runCases(t, "rbac-wildcard", []checkCase{{
		name:     "not bound lowers the grade again",
		manifest: clusterRole("controller", "rules:\n- {apiGroups: [cert-manager.io], resources: [\"*\"], verbs: [get]}\n"),
		want: []finding{{
			Object: "ClusterRole controller", Path: "rules[0].resources", Reason: reason, Severity: check.Info,
			Detail: `ClusterRole "controller" grants "*" in resources within API group "cert-manager.io" (rules[0]); not bound in the scanned manifests`,
		}},
	}})
}
