// Package rbac is kubestride's model of Kubernetes RBAC: it answers "may this
// subject do this?", "who may do this?" and "what may this subject do?"
// exactly as the API server's RBAC authorizer would, from the Roles,
// ClusterRoles, RoleBindings and ClusterRoleBindings of an inventory.
//
// Build resolves every binding once: a RoleBinding grants the rules of its
// Role or ClusterRole in its own namespace only; a ClusterRoleBinding grants
// the rules of its ClusterRole everywhere. A binding whose role is missing
// grants nothing. A ClusterRole with an aggregationRule gets the rules the
// aggregation controller would give it: the rules of every other ClusterRole
// that one of its label selectors selects, transitively through other
// aggregated ClusterRoles and without looping; its own listed rules are
// replaced, as the controller replaces them (an aggregated ClusterRole that
// selects nothing grants nothing). In an aggregation cycle, where what the
// controller leaves depends on the order it syncs the roles, every role of
// the cycle gets the union of the rules written in the cycle's roles and of
// what they select: never less than the controller may grant (see aggregate).
//
// The API server's bootstrap ClusterRoles that manifests bind to without
// carrying are assumed when the inventory lacks them: cluster-admin with its
// rules, and admin, edit and view with their aggregation rules and labels,
// so that a binding to edit grants what the scanned roles labelled
// aggregate-to-edit (or aggregate-to-view) grant. Their own bootstrap rules
// are not assumed: the answer is what a real cluster allows at least.
//
// Rules lists what a role grants with where each rule is written (its own
// rules, or the aggregated ClusterRole and selector it came through), and
// Holders lists the bindings that give a role to someone, directly or
// through the ClusterRoles that aggregate it; the scanner's RBAC checks use
// both to report a risky rule with who actually holds it.
//
// A subject is a User, a Group or a ServiceAccount, and asks with the
// identity the authenticators would give it: a user is also in
// system:authenticated (system:anonymous is in system:unauthenticated
// instead); the ServiceAccount ns/name is the user
// "system:serviceaccount:ns:name" in the groups system:serviceaccounts,
// system:serviceaccounts:ns and system:authenticated; a group asks as an
// unnamed member of that group alone, so that it is allowed only what is
// granted to the group itself.
//
// Rules match as in the authorizer: "*" matches any verb, API group or
// resource; "*/sub" matches the subresource sub of any resource; a rule that
// lists resourceNames matches only requests for one of those names (never a
// list, watch or create, which carry no name); nonResourceURLs match exactly
// or, ending in "*", by prefix. Only ClusterRoleBindings can allow requests
// without a namespace (cluster-scoped resources, all namespaces at once, and
// non-resource URLs).
//
// Paths finds privilege-escalation paths: a graph whose nodes are subjects
// and ClusterAdmin (cluster-admin-equivalent power), and whose edges are
// what a grant lets a subject become: the ServiceAccounts its pods,
// workloads, token Secrets (read, or created for the token controller to
// fill), tokens, impersonation, nodes/proxy, exec and workload updates
// reach, or ClusterAdmin itself through a ClusterRoleBinding write that the
// API server's escalation check allows (bind on a cluster-admin-equivalent
// ClusterRole) or an escalate of a ClusterRole bound to the subject. A
// binding write the check allows to any other role, in one namespace or
// cluster-wide, and the escalation of a role bound in one namespace, are a
// hop back to the subject, which then holds that role's rules there: a
// subject that may bind admin in a namespace runs pods as that namespace's
// ServiceAccounts. One backward breadth-first search from ClusterAdmin and
// the subjects that are already cluster-admin-equivalent gives every other
// subject one shortest path, each hop naming its binding and role.
package rbac
