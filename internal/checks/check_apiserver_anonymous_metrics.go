package checks

// The API server's /metrics lists every resource, verb and user agent it
// serves, the admission webhooks it calls and how long etcd takes: a map of
// the cluster and a view of its load. With anonymous authentication on (the
// kube-apiserver's default), an RBAC grant of the /metrics non-resource URL
// to system:anonymous or system:unauthenticated opens it to anyone who
// reaches the API server's port, without credentials.
//
// Inspected: ClusterRoleBindings (and their ClusterRoles, through package
// rbac's model: aggregation and bootstrap roles included) that allow get
// on the nonResourceURL /metrics (written as /metrics, a prefix such as
// /met*, or *) to User system:anonymous or Group system:unauthenticated;
// the --anonymous-auth flag of every kube-apiserver in the scan (static
// pod, kubeadm configuration, or the node command's processes).
// Allowed values: no such grant, or every kube-apiserver in the scan sets
// --anonymous-auth=false.
//
// Grades: high when a kube-apiserver in the scan allows anonymous requests
// (--anonymous-auth unset or true; with --authentication-config, which
// decides anonymous access in a file the objects do not hold, it may);
// medium, about the binding alone, when the scan holds no kube-apiserver:
// anonymous authentication is on by default.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/rbac"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "apiserver-anonymous-metrics",
			Title:       "API server metrics open to anonymous requests",
			Category:    check.InformationDisclosure,
			Topic:       check.TopicRBAC,
			Severity:    check.High,
			Description: "RBAC allows the /metrics non-resource URL to system:anonymous or system:unauthenticated, and the kube-apiserver accepts anonymous requests (its default), so anyone who reaches the API server's port reads its metrics: every resource, verb and client it serves, its webhooks and its etcd latency. Without the API server's flags in the scan, anonymous authentication is assumed on, as it is by default.",
			Remediation: "Remove system:anonymous and system:unauthenticated from the bindings that allow /metrics and let only the monitoring system's identity read it, and set --anonymous-auth=false on the kube-apiserver (or limit anonymous access to the health endpoints with an AuthenticationConfiguration).",
			References: []string{
				refAnonymous,
				"https://kubernetes.io/docs/concepts/cluster-administration/system-metrics/",
				refRBAC + "#role-examples",
			},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			grants := anonymousMetricsGrants(inv)
			if len(grants) == 0 {
				return nil
			}
			apiservers := nodeViewOf(inv).of(host.APIServer)
			var open []string
			for _, c := range apiservers {
				if _, ok := c.Flag("authentication-config"); ok {
					open = append(open, c.String()+" (by default; its --authentication-config may turn anonymous access off)")
					continue
				}
				if on, _, _ := flagBool(c, "anonymous-auth", true); on {
					open = append(open, c.String())
				}
			}
			if len(apiservers) > 0 && len(open) == 0 {
				return nil // every API server refuses anonymous requests
			}
			bindings := map[rbac.Ref]rbacBinding{}
			for _, b := range allBindings(inv) {
				if b.cluster {
					bindings[rbac.Ref{Kind: "ClusterRoleBinding", Name: b.obj.Name()}] = b // the last one counts
				}
			}
			var out []check.Finding
			for _, g := range grants {
				b, ok := bindings[g.Binding]
				if !ok {
					continue
				}
				i := slices.IndexFunc(b.subjects, func(s rbacv1.Subject) bool { return s.Kind == g.Subject.Kind && s.Name == g.Subject.Name })
				if i < 0 {
					continue
				}
				f := check.Finding{
					Object: b.obj,
					Path:   subjectPath(i),
					Reason: "anonymous metrics",
				}
				grant := fmt.Sprintf("%s must not allow /metrics to %s through %s", b.String(), b.subjectNoun(b.subjects[i]), b.roleNoun())
				if len(open) > 0 {
					f.Detail = grant + "; " + strings.Join(open, ", ") + " " + pluralize("accepts", "accept", len(open)) + " anonymous requests"
				} else {
					f.Severity = check.Medium
					f.Detail = grant + ": the kube-apiserver accepts anonymous requests unless it sets --anonymous-auth=false (its flags are not in the scan)"
				}
				out = append(out, f)
			}
			return out
		},
	})
}

// anonymousMetricsGrants returns the grants that allow get /metrics to
// system:anonymous (as a user, or through system:unauthenticated), one per
// binding and subject, in binding order.
func anonymousMetricsGrants(inv *inventory.Inventory) []rbac.Grant {
	_, grants := rbacModel(inv).Allowed(rbac.User(rbac.AnonymousUser), rbac.Request{Verb: "get", NonResourceURL: "/metrics"})
	slices.SortStableFunc(grants, func(a, b rbac.Grant) int {
		return cmp.Or(cmp.Compare(a.Binding.Name, b.Binding.Name), cmp.Compare(a.Subject.Kind, b.Subject.Kind))
	})
	return grants
}
