package rbac

import (
	"cmp"
	"math/bits"
	"slices"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestride/kubestride/internal/inventory"
)

// EdgeKind names how a subject becomes another one.
type EdgeKind string

// The edges of the privilege-escalation graph.
const (
	// EdgeRunsPodAs: creating pods or workloads in a namespace runs them as
	// any ServiceAccount of that namespace.
	EdgeRunsPodAs EdgeKind = "runs-pod-as"
	// EdgeReadsTokenSecret: reading a legacy token Secret yields its
	// ServiceAccount's token.
	EdgeReadsTokenSecret EdgeKind = "reads-token-secret"
	// EdgeCreatesToken: creating serviceaccounts/token mints a token.
	EdgeCreatesToken EdgeKind = "creates-token"
	// EdgeImpersonates: impersonating a user, group or ServiceAccount.
	EdgeImpersonates EdgeKind = "impersonates"
	// EdgeBindsRoles: writing a ClusterRoleBinding to a
	// cluster-admin-equivalent ClusterRole that the API server lets the
	// subject bind, or adding any permission to a ClusterRole the subject is
	// bound to cluster-wide, which it may escalate. It also leads back to
	// the subject itself, holding a role it may bind in one namespace (or
	// cluster-wide), or the role it may escalate in one namespace.
	EdgeBindsRoles EdgeKind = "binds-roles"
	// EdgeCreatesTokenSecret: creating a Secret of type
	// kubernetes.io/service-account-token annotated with a ServiceAccount of
	// the namespace, which the token controller fills with its token, and
	// reading it back (get, list or watch secrets there: the create's
	// answer comes before the token does).
	EdgeCreatesTokenSecret EdgeKind = "creates-token-secret"
	// EdgeNodeProxy: nodes/proxy reaches the kubelet API, which execs in any
	// pod of the node.
	EdgeNodeProxy EdgeKind = "node-proxy"
	// EdgeExecsIntoPod: pods/exec or pods/attach on a pod runs commands as
	// its ServiceAccount.
	EdgeExecsIntoPod EdgeKind = "execs-into-pod"
	// EdgeUpdatesWorkload: updating a workload changes what runs as its
	// ServiceAccount.
	EdgeUpdatesWorkload EdgeKind = "updates-workload"
	// EdgeIsClusterAdmin ends a path at a subject that is already
	// cluster-admin-equivalent.
	EdgeIsClusterAdmin EdgeKind = "is-cluster-admin"
)

// ClusterAdmin is the node of the graph that stands for
// cluster-admin-equivalent power: every verb on every resource of every API
// group, cluster-wide.
var ClusterAdmin = Subject{Kind: "ClusterAdminEquivalent", Name: "cluster-admin-equivalent"}

// Via is the grant that enables an edge: a binding, its role, and the
// namespace the permission is used in ("" for cluster-wide).
type Via struct {
	Binding   Ref    `json:"binding"`
	Role      Ref    `json:"role"`
	Namespace string `json:"namespace,omitempty"`
	// Assumed is true when the binding is the API server's bootstrap
	// policy for a controller, which the input does not hold (see
	// BootstrapControllerPolicy).
	Assumed bool `json:"assumed,omitempty"`
}

// Hop is one edge of a path.
type Hop struct {
	Edge EdgeKind `json:"edge"`
	// Action is the request that the grant allows, such as "create pods".
	Action string `json:"action"`
	// Request is that request; nil on the last hop, a cluster admin's
	// grant of every verb.
	Request *Request `json:"request,omitempty"`
	To      Subject  `json:"to"`
	Via     Via      `json:"via"`
	// Also are the further requests the API server checks before it
	// allows Request: the bind check of a binding write, the escalate check
	// of a role update.
	Also []Need `json:"also,omitempty"`
}

// Need is a further request a hop needs, with the grant that allows it.
type Need struct {
	Action  string  `json:"action"`
	Request Request `json:"request"`
	Via     Via     `json:"via"`
}

// Path is a shortest chain of hops from Subject to ClusterAdmin. The path
// of a subject that is cluster-admin-equivalent already has zero hops
// before its last: its Hops hold only the EdgeIsClusterAdmin hop that
// names its grant.
type Path struct {
	Subject Subject `json:"subject"`
	Hops    []Hop   `json:"hops"`
}

// SystemMasters is the group the API server allows everything to,
// before RBAC is asked.
const SystemMasters = "system:masters"

// adminVerbs are the verbs that, on "*" resources of group "*"
// cluster-wide, make a subject cluster-admin-equivalent.
var adminVerbs = []string{"create", "update", "delete", "get", "list"}

// workloadKinds are the resources whose creation runs a pod.
var workloadKinds = []struct{ group, resource string }{
	{"", "pods"}, {"", "replicationcontrollers"},
	{"apps", "deployments"}, {"apps", "replicasets"}, {"apps", "statefulsets"}, {"apps", "daemonsets"},
	{"batch", "jobs"}, {"batch", "cronjobs"},
}

// capability is what one rule of one binding lets the subjects of the
// binding do, before it is expanded to target subjects.
type capability struct {
	kind   EdgeKind
	ns     string // "" for every namespace (a ClusterRoleBinding)
	rule   *rbacv1.PolicyRule
	action string // for capabilities decided without a target
	// req is the request, for capabilities decided without a target (the
	// namespace is the target's).
	req Request
	b   *binding
	// pre is the hop that makes b first: the subject writes a binding to,
	// or escalates, the role whose rules the capability comes from. The
	// hop leads to the subject itself, now holding the role.
	pre *Hop
	// also are the further requests the edge needs, with the grant that
	// allows them; a Need without a Via is allowed by b too. Their
	// requests have no namespace: it is the edge's.
	also []Need
}

// edge is an expanded edge from a key to a node, granted by b in ns for
// the request req.
type edge struct {
	kind   EdgeKind
	action string
	to     int
	b      *binding
	ns     string
	req    Request
}

func (e *edge) via() Via {
	return Via{Binding: e.b.ref, Role: e.b.role, Namespace: e.ns, Assumed: e.b.assumed}
}

// pathWorkload is a workload with the node of its ServiceAccount.
type pathWorkload struct {
	ns, name, group, resource string
	kind                      int // in workloadKinds
	pod                       bool
	sa                        int
}

type tokenSecret struct {
	ns, name string
	sa       int
}

// reachKey is what the nodes a capability reaches depend on: its kind,
// its namespace, and what its rule allows. A rule with resourceNames
// decides target by target; one without allows a kind of target whatever
// its name, or none: allows says which (see reachKeyOf).
type reachKey struct {
	kind   EdgeKind
	ns     string
	rule   *rbacv1.PolicyRule
	allows uint16
}

// reachKeyOf returns the reachKey of c, as expand decides its edges.
func reachKeyOf(c capability) reachKey {
	k := reachKey{kind: c.kind, ns: c.ns}
	switch c.kind {
	case EdgeRunsPodAs, EdgeCreatesTokenSecret, EdgeNodeProxy:
		return k // every ServiceAccount of the namespace, or of a workload
	}
	if len(c.rule.ResourceNames) > 0 {
		k.rule = c.rule
		return k
	}
	set := func(bit int, ok bool) {
		if ok {
			k.allows |= 1 << bit
		}
	}
	switch c.kind {
	case EdgeReadsTokenSecret:
		set(0, firstAllowed(c.rule, readVerbs, func(verb string) Request { return Request{Verb: verb, Resource: "secrets"} }) != nil)
	case EdgeCreatesToken:
		set(0, RuleAllows(c.rule, Request{Verb: "create", Resource: "serviceaccounts", Subresource: "token"}))
	case EdgeImpersonates:
		for i, r := range impersonated {
			set(i, RuleAllows(c.rule, Request{Verb: "impersonate", Resource: r}))
		}
	case EdgeExecsIntoPod:
		set(0, firstAllowed(c.rule, execSubresources, func(sub string) Request { return Request{Verb: "create", Resource: "pods", Subresource: sub} }) != nil)
	case EdgeUpdatesWorkload:
		for i, wk := range workloadKinds {
			set(i, firstAllowed(c.rule, updateVerbs, func(verb string) Request { return Request{Verb: verb, Group: wk.group, Resource: wk.resource} }) != nil)
		}
	}
	return k
}

// nodeSet is a set of nodes of a graph, one bit each.
type nodeSet []uint64

func newNodeSet(nodes int) nodeSet { return make(nodeSet, (nodes+63)/64) }

func (s nodeSet) has(n int) bool { return s[n/64]&(1<<(n%64)) != 0 }

func (s nodeSet) add(n int) { s[n/64] |= 1 << (n % 64) }

// union adds the nodes of o to s.
func (s nodeSet) union(o nodeSet) {
	for i, w := range o {
		s[i] |= w
	}
}

// each calls f with the nodes of s in increasing order.
func (s nodeSet) each(f func(int)) {
	for i, w := range s {
		for ; w != 0; w &= w - 1 {
			f(i*64 + bits.TrailingZeros64(w))
		}
	}
}

// graph is the privilege-escalation graph of a model and an inventory.
type graph struct {
	nodes []Subject
	index map[Subject]int
	// saByNS holds the ServiceAccounts of the inventory per namespace, and
	// saNamespaces its keys, sorted.
	saByNS       map[string][]int
	saNamespaces []string
	workloads    []pathWorkload
	// workloadsByNS holds the indexes of the workloads of each namespace,
	// in order, and under "" those of every workload.
	workloadsByNS map[string][]int32
	// saNodesByNS holds the ServiceAccount nodes per namespace, in node
	// order, once every node is known.
	saNodesByNS map[string][]int
	tokens      []tokenSecret
}

func (g *graph) node(s Subject) int {
	if i, ok := g.index[s]; ok {
		return i
	}
	g.index[s] = len(g.nodes)
	g.nodes = append(g.nodes, s)
	return len(g.nodes) - 1
}

// Paths returns, for every subject that is cluster-admin-equivalent or can
// become so, one shortest path to ClusterAdmin, sorted by subject: zero
// hops and the grant (see Path) for the first, the hops to the first
// cluster-admin-equivalent subject or to ClusterAdmin for the others. The
// group system:masters, which the API server allows everything without
// asking RBAC, is left out. The subjects are those WhoCan considers,
// the ServiceAccounts workloads and token Secrets name, and the subjects
// rules allow to impersonate by name.
//
// A subject is cluster-admin-equivalent when ClusterRoleBindings allow it
// to create, update, delete, get and list "*" resources of API group "*".
// The edges are those of the EdgeKind constants; impersonating the group
// system:masters leads to ClusterAdmin directly, and so do the binding
// writes and role escalations the API server's escalation check allows
// (see bindingHops). A binding write or role escalation that gives the
// subject a role in one namespace, or a ClusterRole that is not
// cluster-admin-equivalent everywhere, is a hop back to the subject, which
// then holds the role's rules (see grantCapabilities). Not followed:
// workloads without a namespace.
func Paths(m *Model, inv *inventory.Inventory) []Path {
	m, controllers := m.withControllers()
	g := &graph{index: make(map[Subject]int, 1+len(m.candidates)+len(inv.ServiceAccounts)), saByNS: map[string][]int{},
		workloads: make([]pathWorkload, 0, len(inv.Workloads)), workloadsByNS: map[string][]int32{}, saNodesByNS: map[string][]int{}}
	g.node(ClusterAdmin)
	for _, s := range m.candidates {
		g.node(s)
	}
	held := map[Subject]bool{}
	for _, it := range inv.ServiceAccounts {
		if ns := it.Value.Namespace; ns != "" {
			sa := ServiceAccount(ns, it.Value.Name)
			held[sa] = true
			g.saByNS[ns] = append(g.saByNS[ns], g.node(sa))
		}
	}
	// The controllers' ServiceAccounts, assumed with their bindings, are
	// ways through, not subjects to report.
	assumed := map[Subject]bool{}
	for _, sa := range controllers {
		if !held[sa] {
			assumed[sa] = true
			g.saByNS[sa.Namespace] = append(g.saByNS[sa.Namespace], g.node(sa))
		}
	}
	g.saNamespaces = sortedKeys(g.saByNS)
	for _, w := range inv.Workloads {
		if w.Namespace() == "" {
			continue // its namespace, and so its ServiceAccount, is unknown
		}
		sa := cmp.Or(w.Spec.ServiceAccountName, w.Spec.DeprecatedServiceAccount, "default")
		group, resource := resourceOfKind(w.Kind)
		if resource == "" {
			continue
		}
		kind := slices.Index(workloadKinds, struct{ group, resource string }{group, resource})
		pw := pathWorkload{ns: w.Namespace(), name: w.Name(), group: group, resource: resource, kind: kind,
			pod: w.Kind == "Pod", sa: g.node(ServiceAccount(w.Namespace(), sa))}
		wi := int32(len(g.workloads))
		g.workloadsByNS[pw.ns] = append(g.workloadsByNS[pw.ns], wi)
		g.workloadsByNS[""] = append(g.workloadsByNS[""], wi)
		g.workloads = append(g.workloads, pw)
	}
	for _, it := range inv.Secrets {
		s := it.Value
		if s.Type != corev1.SecretTypeServiceAccountToken || s.Namespace == "" {
			continue
		}
		if name := s.Annotations[corev1.ServiceAccountNameKey]; name != "" {
			g.tokens = append(g.tokens, tokenSecret{s.Namespace, s.Name, g.node(ServiceAccount(s.Namespace, name))})
		}
	}

	// Capabilities per identity key.
	keyCaps := map[string][]capability{}
	// keyRBAC holds, per key, the rules that may allow it to write
	// bindings or roles.
	keyRBAC := map[string][]scopedRule{}
	// keySecrets holds, per key, the rules that may allow it to create or
	// read Secrets.
	keySecrets := map[string][]scopedRule{}
	addBinding := func(b *binding, ns string) {
		var caps []capability
		var rbacRules, secretRules []scopedRule
		for i := range b.rules {
			r := &b.rules[i].PolicyRule
			caps = appendCapabilities(caps, r, ns, b)
			if writesRBAC(r) {
				rbacRules = append(rbacRules, scopedRule{r, ns, b})
			}
			if touchesSecrets(r) {
				secretRules = append(secretRules, scopedRule{r, ns, b})
			}
		}
		if len(caps) == 0 && len(rbacRules) == 0 && len(secretRules) == 0 {
			return
		}
		for _, s := range b.subjects {
			k := subjectKey(s, b.ref.Namespace)
			if k == "" {
				continue
			}
			if len(rbacRules) > 0 {
				keyRBAC[k] = append(keyRBAC[k], rbacRules...)
			}
			if len(secretRules) > 0 {
				keySecrets[k] = append(keySecrets[k], secretRules...)
			}
			if len(caps) == 0 {
				continue
			}
			keyCaps[k] = append(keyCaps[k], caps...)
			if sub, ok := subjectOf(s, b.ref.Namespace); ok {
				g.node(sub)
			}
		}
		// Name impersonation targets as nodes, so that their own power counts.
		for _, c := range caps {
			if c.kind == EdgeImpersonates {
				for _, n := range c.rule.ResourceNames {
					for _, t := range impersonationTargets(c.rule, c.ns, n) {
						g.node(t)
					}
				}
			}
		}
	}
	for _, b := range m.cluster {
		addBinding(b, "")
	}
	for _, ns := range sortedKeys(m.namespaced) {
		for _, b := range m.namespaced[ns] {
			addBinding(b, ns)
		}
	}

	for i, s := range g.nodes {
		if i > 0 && s.Kind != rbacv1.UserKind && s.Kind != rbacv1.GroupKind {
			g.saNodesByNS[s.Namespace] = append(g.saNodesByNS[s.Namespace], i)
		}
	}

	// Identity keys of every node, and the nodes holding each key.
	nodeKeys := make([][]string, len(g.nodes))
	nodesByKey := map[string][]int{}
	for i, s := range g.nodes {
		if i == 0 {
			continue
		}
		nodeKeys[i] = identityKeys(s)
		for _, k := range nodeKeys[i] {
			if k != "u:" { // a group asks with no user name
				nodesByKey[k] = append(nodesByKey[k], i)
			}
		}
	}

	// Which nodes are cluster-admin-equivalent, and by which binding: the
	// first that grants the first of adminVerbs.
	adminGrant := make([]*binding, len(g.nodes))
	var adminHits [][]hit
	var adminIndex []hitIndex
	for _, v := range adminVerbs {
		hs := m.hits(Request{Verb: v, Group: "*", Resource: "*"})
		adminHits, adminIndex = append(adminHits, hs), append(adminIndex, indexHits(hs))
	}
	for i := 1; i < len(g.nodes); i++ {
		first := -1
		for vi, index := range adminIndex {
			h := index.first(nodeKeys[i])
			if h < 0 {
				first = -1
				break
			}
			if vi == 0 {
				first = h
			}
		}
		if first >= 0 {
			adminGrant[i] = adminHits[0][first].b
		}
	}

	// What binding writes and role escalations in one namespace, or of
	// roles that are not cluster-admin-equivalent, give each node that is
	// not cluster-admin-equivalent already.
	isAdmin := func(n int) bool { return adminGrant[n] != nil }
	g.grantCapabilities(m, keyRBAC, nodeKeys, isAdmin, keyCaps)
	// And what creating and reading back Secrets by two grants gives.
	g.secretCapabilities(keySecrets, nodeKeys, isAdmin, keyCaps)

	// Index, by target, the keys whose capabilities reach it. The edges
	// themselves are not kept: a key with broad rights reaches most nodes,
	// and keeping every edge would cost memory in keys times nodes. A
	// path's hops are expanded again below. What a capability reaches
	// depends only on its reachKey, which many capabilities share (those of
	// the subjects of one binding, and of the many rules that allow the
	// same kinds of targets in the same namespace): each is expanded once,
	// into a set of nodes.
	keys := sortedKeys(keyCaps)
	reaches := map[reachKey]nodeSet{}
	reach := func(c capability) nodeSet {
		rk := reachKeyOf(c)
		if s, ok := reaches[rk]; ok {
			return s
		}
		s := newNodeSet(len(g.nodes))
		g.expand(c, false, s.has, func(e edge) { s.add(e.to) })
		reaches[rk] = s
		return s
	}
	// byTarget holds, for each node, the set of key indexes that reach it.
	keyWords := (len(keys) + 63) / 64
	byTarget := make([]uint64, len(g.nodes)*keyWords)
	keyReach := newNodeSet(len(g.nodes))
	for ki, k := range keys {
		if len(nodesByKey[k]) == 0 {
			continue
		}
		clear(keyReach)
		for _, c := range keyCaps[k] {
			keyReach.union(reach(c))
		}
		word, bit := ki/64, uint64(1)<<(ki%64)
		keyReach.each(func(n int) { byTarget[n*keyWords+word] |= bit })
	}
	// firstEdge returns the first edge key k's capabilities enable to to,
	// with the capability that enables it.
	firstEdge := func(k string, to int) (edge, capability) {
		for _, c := range keyCaps[k] {
			if !reach(c).has(to) {
				continue
			}
			var out edge
			found := false
			g.expand(c, true, func(n int) bool { return found || n != to }, func(e edge) {
				if !found && e.to == to {
					out, found = e, true
				}
			})
			return out, c
		}
		return edge{}, capability{}
	}

	// Breadth-first search backwards from ClusterAdmin and the
	// cluster-admin-equivalent subjects.
	const unset = -1
	type step struct{ key, to int32 }
	dist := make([]int, len(g.nodes))
	next := make([]step, len(g.nodes))
	var queue []int
	for i := range dist {
		dist[i] = unset
		if i == 0 || adminGrant[i] != nil {
			dist[i] = 0
			queue = append(queue, i)
		}
	}
	direct := bindingHops(m, nodeKeys, nodesByKey, func(n int) bool { return dist[n] == 0 })
	keyDone := make([]uint64, keyWords)
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		// The keys that reach t, in key order, that no earlier target took.
		for w, set := range byTarget[t*keyWords : (t+1)*keyWords] {
			set &^= keyDone[w]
			keyDone[w] |= set
			for ; set != 0; set &= set - 1 {
				ki := w*64 + bits.TrailingZeros64(set)
				for _, n := range nodesByKey[keys[ki]] {
					if dist[n] == unset {
						dist[n] = dist[t] + 1
						next[n] = step{int32(ki), int32(t)}
						queue = append(queue, n)
					}
				}
			}
		}
		if t == 0 {
			for n, h := range direct {
				if h != nil && dist[n] == unset {
					dist[n] = 1
					next[n] = step{-1, 0}
					queue = append(queue, n)
				}
			}
		}
	}

	adminHop := func(b *binding) Hop {
		return Hop{Edge: EdgeIsClusterAdmin, Action: `create, update, delete, get, list "*" resources in API group "*"`,
			To: ClusterAdmin, Via: Via{Binding: b.ref, Role: b.role}}
	}
	// The paths, and the hops of the paths of zero hops, in one
	// allocation each.
	admins, reaching := 0, 0
	for i := 1; i < len(g.nodes); i++ {
		if !assumed[g.nodes[i]] {
			if adminGrant[i] != nil && g.nodes[i] != masters {
				admins++
			}
			if dist[i] > 0 {
				reaching++
			}
		}
	}
	var out []Path // nil when there is none
	if admins+reaching > 0 {
		out = make([]Path, 0, admins+reaching)
	}
	adminHops := make([]Hop, 0, admins)
	for i := 1; i < len(g.nodes); i++ {
		if assumed[g.nodes[i]] {
			continue
		}
		if gr := adminGrant[i]; gr != nil && g.nodes[i] != masters {
			adminHops = append(adminHops, adminHop(gr))
			out = append(out, Path{Subject: g.nodes[i], Hops: adminHops[len(adminHops)-1 : len(adminHops) : len(adminHops)]})
		}
		if dist[i] <= 0 {
			continue
		}
		p := Path{Subject: g.nodes[i]}
		for n := i; dist[n] > 0; {
			if next[n].key < 0 {
				p.Hops = append(p.Hops, *direct[n])
				break
			}
			e, c := firstEdge(keys[next[n].key], int(next[n].to))
			if c.pre != nil {
				h := *c.pre
				h.To = g.nodes[n]
				p.Hops = append(p.Hops, h)
			}
			req := e.req
			hop := Hop{Edge: e.kind, Action: e.action, Request: &req, To: g.nodes[e.to], Via: e.via()}
			for _, need := range c.also {
				if need.Via.Binding.Kind == "" {
					need.Via = e.via()
				}
				need.Request.Namespace = e.ns
				need.Action += inNamespace(e.ns)
				hop.Also = append(hop.Also, need)
			}
			p.Hops = append(p.Hops, hop)
			n = e.to
			if gr := adminGrant[n]; gr != nil {
				p.Hops = append(p.Hops, adminHop(gr))
				break
			}
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Path) int { return compareSubjects(a.Subject, b.Subject) })
	return out
}

// hitIndex maps each identity key to the first of a list of hits with a
// subject the key names.
type hitIndex map[string]int

func indexHits(hs []hit) hitIndex {
	index := hitIndex{}
	for i, h := range hs {
		for _, s := range h.b.subjects {
			if k := subjectKey(s, h.b.ref.Namespace); k != "" {
				if _, ok := index[k]; !ok {
					index[k] = i
				}
			}
		}
	}
	return index
}

// first returns the index of the first hit with a subject among keys, the
// hit whose grant hit.grant finds for them; -1 if none.
func (x hitIndex) first(keys []string) int {
	first := -1
	for _, k := range keys {
		if i, ok := x[k]; ok && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

// IsClusterAdmin reports whether s is cluster-admin-equivalent.
func (m *Model) IsClusterAdmin(s Subject) bool {
	for _, v := range adminVerbs {
		if ok, _ := m.Allowed(s, Request{Verb: v, Group: "*", Resource: "*"}); !ok {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// resourceOfKind is the API group and resource of a workload kind; ""
// for kinds no request creates a pod with (PodTemplate).
func resourceOfKind(kind string) (group, resource string) {
	switch kind {
	case "Pod":
		return "", "pods"
	case "ReplicationController":
		return "", "replicationcontrollers"
	case "Deployment":
		return "apps", "deployments"
	case "ReplicaSet":
		return "apps", "replicasets"
	case "StatefulSet":
		return "apps", "statefulsets"
	case "DaemonSet":
		return "apps", "daemonsets"
	case "Job":
		return "batch", "jobs"
	case "CronJob":
		return "batch", "cronjobs"
	}
	return "", ""
}

// allowsAnyName reports whether rule allows req for some object name: with
// no name, or one of its resourceNames.
func allowsAnyName(rule *rbacv1.PolicyRule, req Request) bool {
	if RuleAllows(rule, req) {
		return true
	}
	if len(rule.ResourceNames) > 0 {
		req.Name = rule.ResourceNames[0]
		return RuleAllows(rule, req)
	}
	return false
}

func describe(verb, group, resource string) string {
	if group != "" {
		resource += "." + group
	}
	return verb + " " + resource
}

// appendCapabilities appends what rule, granted in ns ("" everywhere),
// enables.
func appendCapabilities(caps []capability, rule *rbacv1.PolicyRule, ns string, b *binding) []capability {
	add := func(kind EdgeKind, action string, req Request) {
		caps = append(caps, capability{kind: kind, ns: ns, rule: rule, action: action, req: req, b: b})
	}
	scope := ns
	if scope == "" {
		scope = "*" // any namespace: a namespaced request a ClusterRoleBinding allows
	}
	for _, wk := range workloadKinds {
		if RuleAllows(rule, Request{Verb: "create", Group: wk.group, Resource: wk.resource, Namespace: scope}) {
			add(EdgeRunsPodAs, describe("create", wk.group, wk.resource), Request{Verb: "create", Group: wk.group, Resource: wk.resource})
			break
		}
	}
	secrets := func(verb string) bool {
		return allowsAnyName(rule, Request{Verb: verb, Resource: "secrets", Namespace: scope})
	}
	if secrets("get") || secrets("list") {
		add(EdgeReadsTokenSecret, "", Request{})
	}
	if RuleAllows(rule, Request{Verb: "create", Resource: "secrets", Namespace: scope}) {
		if read, ok := readsSecrets(rule, scope); ok {
			caps = append(caps, capability{kind: EdgeCreatesTokenSecret, ns: ns, rule: rule, req: Request{Verb: "create", Resource: "secrets"}, b: b,
				also: []Need{{Action: read.action, Request: read.req}}})
		}
	}
	if allowsAnyName(rule, Request{Verb: "create", Resource: "serviceaccounts", Subresource: "token", Namespace: scope}) {
		add(EdgeCreatesToken, "", Request{})
	}
	for _, r := range []string{"users", "groups", "serviceaccounts"} {
		if allowsAnyName(rule, Request{Verb: "impersonate", Resource: r, Namespace: scope}) {
			add(EdgeImpersonates, "", Request{})
			break
		}
	}
	for _, sub := range []string{"exec", "attach"} {
		if allowsAnyName(rule, Request{Verb: "create", Resource: "pods", Subresource: sub, Namespace: scope}) {
			add(EdgeExecsIntoPod, "", Request{})
			break
		}
	}
	for _, wk := range workloadKinds {
		if allowsAnyName(rule, Request{Verb: "update", Group: wk.group, Resource: wk.resource, Namespace: scope}) ||
			allowsAnyName(rule, Request{Verb: "patch", Group: wk.group, Resource: wk.resource, Namespace: scope}) {
			add(EdgeUpdatesWorkload, "", Request{})
			break
		}
	}
	if ns != "" {
		return caps // the rest is cluster-scoped power
	}
	for _, verb := range []string{"get", "create"} {
		if allowsAnyName(rule, Request{Verb: verb, Resource: "nodes", Subresource: "proxy"}) {
			add(EdgeNodeProxy, verb+" nodes/proxy", Request{Verb: verb, Resource: "nodes", Subresource: "proxy"})
			break
		}
	}
	return caps
}

// impersonationTargets are the subjects impersonating name allows under
// rule in ns ("" cluster-wide).
func impersonationTargets(rule *rbacv1.PolicyRule, ns, name string) []Subject {
	var out []Subject
	if ns == "" {
		if RuleAllows(rule, Request{Verb: "impersonate", Resource: "users", Name: name}) {
			out = append(out, normalize(User(name)))
		}
		if RuleAllows(rule, Request{Verb: "impersonate", Resource: "groups", Name: name}) {
			out = append(out, Group(name))
		}
	} else if RuleAllows(rule, Request{Verb: "impersonate", Resource: "serviceaccounts", Namespace: ns, Name: name}) {
		out = append(out, ServiceAccount(ns, name))
	}
	return out
}

// expand calls emit with every edge c enables to a node that has is
// false for (has saves building edges that are dropped). Unless full, the
// edges carry no action, which only the hops of a path need. A rule
// without resourceNames allows a request whatever its name: what it allows
// is asked once for every target, not for each.
func (g *graph) expand(c capability, full bool, has func(int) bool, emit func(edge)) {
	named := c.rule != nil && len(c.rule.ResourceNames) > 0
	namespaces := g.saNamespaces
	if c.ns != "" {
		namespaces = []string{c.ns}
	}
	workloads := g.workloadsByNS[c.ns] // in scope
	switch c.kind {
	case EdgeRunsPodAs:
		for _, ns := range namespaces {
			for _, sa := range g.saByNS[ns] {
				if has(sa) {
					continue
				}
				req := c.req
				req.Namespace = ns
				emit(edge{c.kind, label(full, func() string { return c.action + " in " + ns }), sa, c.b, ns, req})
			}
		}
	case EdgeReadsTokenSecret:
		verbs := readVerbs
		if !named {
			verbs = firstAllowed(c.rule, verbs, func(verb string) Request { return Request{Verb: verb, Resource: "secrets"} })
		}
		for _, t := range g.tokens {
			if c.ns != "" && c.ns != t.ns || has(t.sa) {
				continue
			}
			for _, verb := range verbs {
				if req := (Request{Verb: verb, Resource: "secrets", Namespace: t.ns, Name: nameIf(verb == "get", t.name)}); !named || RuleAllows(c.rule, req) {
					emit(edge{c.kind, label(full, func() string { return verb + " secret " + t.ns + "/" + t.name }), t.sa, c.b, t.ns, req})
					break
				}
			}
		}
	case EdgeCreatesTokenSecret:
		for _, ns := range namespaces {
			for _, sa := range g.saByNS[ns] {
				if has(sa) {
					continue
				}
				req := c.req
				req.Namespace = ns
				emit(edge{c.kind, label(full, func() string {
					return "create secrets in " + ns + " (a service-account-token Secret for " + g.nodes[sa].Name + ")"
				}), sa, c.b, ns, req})
			}
		}
	case EdgeCreatesToken:
		if !named && !RuleAllows(c.rule, Request{Verb: "create", Resource: "serviceaccounts", Subresource: "token"}) {
			return
		}
		for _, ns := range namespaces {
			for _, sa := range g.saByNS[ns] {
				if has(sa) {
					continue
				}
				if req := (Request{Verb: "create", Resource: "serviceaccounts", Subresource: "token", Namespace: ns, Name: g.nodes[sa].Name}); !named || RuleAllows(c.rule, req) {
					emit(edge{c.kind, label(full, func() string { return "create serviceaccounts/token " + ns + "/" + g.nodes[sa].Name }), sa, c.b, ns, req})
				}
			}
		}
	case EdgeImpersonates:
		if req := (Request{Verb: "impersonate", Resource: "groups", Name: SystemMasters}); c.ns == "" && !has(0) && RuleAllows(c.rule, req) {
			// The authorizer allows everything to system:masters,
			// whatever RBAC says.
			emit(edge{c.kind, label(full, func() string { return "impersonate groups " + SystemMasters }), 0, c.b, "", req})
		}
		// Which resources the rule allows impersonating by any name.
		var anyName [3]bool // by the index of the resource in impersonated
		if !named {
			for i, r := range impersonated {
				anyName[i] = RuleAllows(c.rule, Request{Verb: "impersonate", Resource: r})
			}
		}
		try := func(i int) {
			s := g.nodes[i]
			if has(i) {
				return
			}
			req := Request{Verb: "impersonate", Name: s.Name}
			ri := 0
			switch s.Kind {
			case rbacv1.UserKind:
				req.Resource = "users"
			case rbacv1.GroupKind:
				req.Resource, ri = "groups", 1
			default:
				if c.ns != "" && c.ns != s.Namespace {
					return
				}
				req.Resource, req.Namespace, ri = "serviceaccounts", s.Namespace, 2
			}
			if c.ns != "" && req.Namespace == "" {
				return // users and groups are cluster-scoped
			}
			if named && RuleAllows(c.rule, req) || !named && anyName[ri] {
				emit(edge{c.kind, label(full, func() string { return "impersonate " + req.Resource + " " + s.Name }), i, c.b, req.Namespace, req})
			}
		}
		if c.ns != "" {
			// Only the ServiceAccounts of the namespace.
			for _, i := range g.saNodesByNS[c.ns] {
				try(i)
			}
			return
		}
		for i := 1; i < len(g.nodes); i++ {
			try(i)
		}
	case EdgeNodeProxy:
		for _, w := range g.workloads {
			if has(w.sa) {
				continue
			}
			emit(edge{c.kind, label(full, func() string { return c.action + " to exec in " + w.ns + "/" + w.name }), w.sa, c.b, "", c.req})
		}
	case EdgeExecsIntoPod:
		subs := execSubresources
		if !named {
			subs = firstAllowed(c.rule, subs, func(sub string) Request { return Request{Verb: "create", Resource: "pods", Subresource: sub} })
		}
		if len(subs) == 0 {
			return
		}
		for _, wi := range workloads {
			w := &g.workloads[wi]
			if has(w.sa) {
				continue
			}
			for _, sub := range subs {
				if req := (Request{Verb: "create", Resource: "pods", Subresource: sub, Namespace: w.ns, Name: nameIf(w.pod, w.name)}); !named || RuleAllows(c.rule, req) {
					emit(edge{c.kind, label(full, func() string { return "create pods/" + sub + " in " + w.ns + " (" + w.resource + " " + w.name + ")" }), w.sa, c.b, w.ns, req})
					break
				}
			}
		}
	case EdgeUpdatesWorkload:
		// verbs holds, per workload kind, the verbs to try.
		verbs := make([][]string, len(workloadKinds))
		for i, wk := range workloadKinds {
			verbs[i] = updateVerbs
			if !named {
				verbs[i] = firstAllowed(c.rule, updateVerbs, func(verb string) Request { return Request{Verb: verb, Group: wk.group, Resource: wk.resource} })
			}
		}
		for _, wi := range workloads {
			w := &g.workloads[wi]
			if has(w.sa) {
				continue
			}
			for _, verb := range verbs[w.kind] {
				if req := (Request{Verb: verb, Group: w.group, Resource: w.resource, Namespace: w.ns, Name: w.name}); !named || RuleAllows(c.rule, req) {
					emit(edge{c.kind, label(full, func() string { return describe(verb, w.group, w.resource) + " " + w.ns + "/" + w.name }), w.sa, c.b, w.ns, req})
					break
				}
			}
		}
	}
}

// The verbs and subresources that expand tries, in order.
var (
	readVerbs        = []string{"get", "list"}
	updateVerbs      = []string{"update", "patch"}
	execSubresources = []string{"exec", "attach"}
	impersonated     = []string{"users", "groups", "serviceaccounts"}
)

// firstAllowed returns the first of values whose request rule allows, as
// a list of one, or none.
func firstAllowed(rule *rbacv1.PolicyRule, values []string, request func(string) Request) []string {
	for i, v := range values {
		if RuleAllows(rule, request(v)) {
			return values[i : i+1]
		}
	}
	return nil
}

// label returns action() when full, else "".
func label(full bool, action func() string) string {
	if full {
		return action()
	}
	return ""
}

func nameIf(ok bool, name string) string {
	if ok {
		return name
	}
	return ""
}

// grantsAdmin reports whether rules make whoever holds them cluster-wide
// cluster-admin-equivalent.
func grantsAdmin(rules []rule) bool {
	for _, v := range adminVerbs {
		req := Request{Verb: v, Group: "*", Resource: "*"}
		if !slices.ContainsFunc(rules, func(r rule) bool { return RuleAllows(&r.PolicyRule, req) }) {
			return false
		}
	}
	return true
}

// bindingHops returns, for every node but those skip names, the first hop
// straight to ClusterAdmin that the API server's RBAC storage allows it
// (nil if none), in the order of its escalation check
// (pkg/registry/rbac/escalation_check.go and the policy-based storage):
//
//   - Writing a ClusterRoleBinding (create, or update or patch of one that
//     exists, as roleRef is immutable) to a ClusterRole R is allowed only
//     when the subject may bind R (verb bind on clusterroles/R,
//     cluster-wide: only ClusterRoleBindings allow it) or already holds
//     every permission R grants cluster-wide. R leads to ClusterAdmin when
//     it is cluster-admin-equivalent, and a subject that holds all of such
//     an R is cluster-admin-equivalent already: only bind opens the hop.
//     Writing RoleBindings never does: what they grant stays in their
//     namespace, where bind is checked too (a ClusterRole bound by a
//     RoleBinding grants only in that namespace).
//   - Updating or patching a ClusterRole (creating it, when a
//     ClusterRoleBinding names a ClusterRole that does not exist) to add
//     permissions the subject does not hold is allowed only with verb
//     escalate on it; it leads to ClusterAdmin when a ClusterRoleBinding
//     gives that ClusterRole to the subject.
//
// The hop's Request is the write, and Also the bind or escalate check.
func bindingHops(m *Model, nodeKeys [][]string, nodesByKey map[string][]int, skip func(int) bool) []*Hop {
	const group = rbacv1.GroupName
	out := make([]*Hop, len(nodeKeys))
	// Every request here is cluster-scoped: only the ClusterRoleBindings
	// that may write RBAC objects can allow it. byKey holds, per identity
	// key, those that name it, by index.
	writers := m.rbacWriters().cluster
	byKey := map[string][]int{}
	for i, b := range writers {
		for _, s := range b.subjects {
			if k := subjectKey(s, ""); k != "" && !slices.Contains(byKey[k], i) {
				byKey[k] = append(byKey[k], i)
			}
		}
	}
	// nodeWriters holds, per node, the indexes of the writers that apply
	// to it, in order; nil until asked.
	nodeWriters := make([][]int, len(nodeKeys))
	// first returns the first writer that allows req to node n, as the
	// authorizer finds it.
	first := func(n int, req Request) (Via, bool) {
		if nodeWriters[n] == nil {
			ws := []int{}
			for _, k := range nodeKeys[n] {
				ws = append(ws, byKey[k]...)
			}
			slices.Sort(ws)
			nodeWriters[n] = slices.Compact(ws)
		}
		for _, i := range nodeWriters[n] {
			b := writers[i]
			for ri := range b.rules {
				if RuleAllows(&b.rules[ri].PolicyRule, req) {
					return Via{Binding: b.ref, Role: b.role, Assumed: b.assumed}, true
				}
			}
		}
		return Via{}, false
	}
	// try gives each node of the lists of nodes (nil for every node) that
	// may make every request of reqs (the write, then the check) the hop
	// they make.
	try := func(action string, write []Request, check Request, checkAction string, nodes [][]int) {
		visit := func(n int) {
			if n == 0 || out[n] != nil || skip(n) {
				return
			}
			checkVia, ok := first(n, check)
			if !ok {
				return
			}
			for _, w := range write {
				if via, ok := first(n, w); ok {
					req := w
					out[n] = &Hop{Edge: EdgeBindsRoles, Action: describe(w.Verb, w.Group, w.Resource) + nameIf(w.Name != "", " "+w.Name) + action,
						Request: &req, To: ClusterAdmin, Via: via,
						Also: []Need{{Action: checkAction, Request: check, Via: checkVia}}}
					break
				}
			}
		}
		if nodes == nil {
			for n := range nodeKeys {
				visit(n)
			}
		}
		for _, ns := range nodes {
			for _, n := range ns {
				visit(n)
			}
		}
	}
	for _, r := range sortedKeys(m.clusterRules) {
		if !grantsAdmin(m.clusterRules[r]) {
			continue
		}
		write := []Request{{Verb: "create", Group: group, Resource: "clusterrolebindings"}}
		for _, b := range m.cluster {
			if b.role == (Ref{Kind: "ClusterRole", Name: r}) {
				for _, v := range []string{"update", "patch"} {
					write = append(write, Request{Verb: v, Group: group, Resource: "clusterrolebindings", Name: b.ref.Name})
				}
			}
		}
		bind := Request{Verb: "bind", Group: group, Resource: "clusterroles", Name: r}
		try(" to ClusterRole "+r, write, bind, describe("bind", group, "clusterroles")+" "+r, nil)
	}
	for _, b := range m.cluster {
		if b.role.Kind != "ClusterRole" || len(b.subjects) == 0 {
			continue
		}
		r := b.role.Name
		esc := Request{Verb: "escalate", Group: group, Resource: "clusterroles", Name: r}
		write := []Request{{Verb: "update", Group: group, Resource: "clusterroles", Name: r}, {Verb: "patch", Group: group, Resource: "clusterroles", Name: r}}
		action := " bound by " + b.ref.String()
		if !b.found {
			esc.Name = "" // a create names no object
			write = []Request{{Verb: "create", Group: group, Resource: "clusterroles"}}
			action = " " + r + " that " + b.ref.String() + " binds"
		}
		// The nodes the binding applies to. A user with no name is a
		// group's (see identityKeys), which nodesByKey leaves out.
		holders := [][]int{}
		for _, s := range b.subjects {
			k := subjectKey(s, "")
			if k == "u:" {
				var groups []int
				for n, keys := range nodeKeys {
					if slices.Contains(keys, k) {
						groups = append(groups, n)
					}
				}
				holders = append(holders, groups)
				continue
			}
			holders = append(holders, nodesByKey[k])
		}
		try(action, write, esc, describe("escalate", group, "clusterroles")+nameIf(esc.Name != "", " "+r), holders)
	}
	return out
}
