package checks

// Pods that no NetworkPolicy selects accept traffic from every pod in the
// cluster (and from outside, when exposed). A default-deny ingress policy —
// one that selects every pod with an empty podSelector and lists Ingress in
// its policy types — makes the namespace closed unless a policy opens it.
//
// Inspected objects: the NetworkPolicy objects whose metadata.namespace is
// the Namespace's name: spec.podSelector, spec.policyTypes, spec.ingress,
// spec.egress; the pod labels of the workloads in the namespace.
// Allowed values: a NetworkPolicy with podSelector {} whose policy types
// include Ingress (an empty policyTypes means Ingress, plus Egress when it has
// egress rules), and no policy with podSelector {} and an ingress rule
// without from or ports, which would allow all ingress again.
//
// Grades: medium (the default) when some workload of the namespace is open
// to every pod: no NetworkPolicy that applies to ingress selects its pods,
// or one that selects them allows all ingress. The detail says how many
// such workloads the namespace holds. Low when every workload of the
// namespace in the scan has its ingress limited by a policy, or the scan
// holds none: the namespace still lacks the default that would close a
// workload added later, but nothing scanned is exposed today.
//
// Only namespaces whose Namespace object is in the scan are judged here; the
// workloads of a namespace the scan knows only through the objects in it
// are judged one by one by workload-ingress-unrestricted.

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perNamespaceObject(check.Meta{
		ID:          "namespace-default-deny-missing",
		Title:       "Namespace without a default-deny ingress NetworkPolicy",
		Category:    check.DenialOfService,
		Severity:    check.Medium,
		Description: "Pods that no NetworkPolicy selects accept connections from every pod in the cluster, so one compromised workload can reach, flood or exploit all of them. A default-deny ingress policy makes every pod in the namespace closed unless another policy opens it.",
		Remediation: "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] and no ingress rules to the namespace, then allow the traffic each workload needs with narrower policies.",
		References:  []string{refNetworkPolicy, refNetworkPolicy + "#default-deny-all-ingress-traffic", refHardening},
	}, namespaceDefaultDenyMissing))
}

func namespaceDefaultDenyMissing(ns inventory.Item[corev1.Namespace], in *inventory.Namespace) []check.Finding {
	var denies bool
	var allowAll []string
	for _, np := range in.NetworkPolicies {
		spec := &np.Value.Spec
		if !selectsAllPods(&spec.PodSelector) || !policyHasType(spec, networkingv1.PolicyTypeIngress) {
			continue
		}
		if allowsAllIngress(spec) {
			allowAll = append(allowAll, np.Name())
		} else {
			denies = true
		}
	}
	if denies && len(allowAll) == 0 {
		return nil
	}
	reason := "no default-deny network policy"
	detail := namespaceNoun(ns.Name()) + " must have a default-deny ingress NetworkPolicy (podSelector: {} with Ingress in policyTypes)"
	if denies {
		// The namespace has one: an allow-all policy undoes it.
		reason = "default deny undone"
		detail = namespaceNoun(ns.Name()) + " must not undo its default-deny ingress NetworkPolicy with a policy that allows all ingress"
	}
	if len(allowAll) > 0 {
		detail += fmt.Sprintf("; %s %s %s every pod and %s all ingress",
			pluralize("NetworkPolicy", "NetworkPolicies", len(allowAll)), joinQuote(allowAll),
			pluralize("selects", "select", len(allowAll)), pluralize("allows", "allow", len(allowAll)))
	}
	sev := check.Low
	if n := unprotectedWorkloads(in); n > 0 {
		sev = 0
		detail += "; " + strconv.Itoa(n) + " " + pluralize("workload is", "workloads are", n) + " selected by no NetworkPolicy that limits " + pluralize("its", "their", n) + " ingress"
	}
	return []check.Finding{{
		Path:     "metadata",
		Reason:   reason,
		Detail:   detail,
		Severity: sev,
	}}
}

// selectsAllPods reports whether a podSelector is empty ({}), which selects
// every pod in the namespace.
func selectsAllPods(s *metav1.LabelSelector) bool {
	return len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0
}

// policyHasType reports whether a policy applies to traffic of type t, with
// the API server's defaulting of an empty policyTypes: Ingress always, and
// Egress when the policy has egress rules.
func policyHasType(spec *networkingv1.NetworkPolicySpec, t networkingv1.PolicyType) bool {
	if len(spec.PolicyTypes) == 0 {
		return t == networkingv1.PolicyTypeIngress || (t == networkingv1.PolicyTypeEgress && len(spec.Egress) > 0)
	}
	for _, pt := range spec.PolicyTypes {
		if pt == t {
			return true
		}
	}
	return false
}

// allowsAllIngress reports whether an ingress rule of the policy has neither
// from nor ports, which allows every source on every port.
func allowsAllIngress(spec *networkingv1.NetworkPolicySpec) bool {
	for _, r := range spec.Ingress {
		if len(r.From) == 0 && len(r.Ports) == 0 {
			return true
		}
	}
	return false
}

// unprotectedWorkloads counts the workloads of the namespace whose pods
// accept ingress from every pod (see ingressPolicies.open).
func unprotectedWorkloads(in *inventory.Namespace) int {
	policies := namespaceIngressPolicies(in)
	n := 0
	for _, w := range in.Workloads {
		if open, _ := policies.open(w); open {
			n++
		}
	}
	return n
}

// ingressPolicy is a NetworkPolicy that applies to ingress, with its pod
// selector parsed.
type ingressPolicy struct {
	name     string
	sel      labels.Selector
	allowAll bool
}

// ingressPolicies are the ingress policies of one namespace.
type ingressPolicies []ingressPolicy

// namespaceIngressPolicies returns the NetworkPolicies of the namespace that
// apply to ingress. A policy with an invalid selector selects nothing (the
// API server would refuse it), so it is left out.
func namespaceIngressPolicies(in *inventory.Namespace) ingressPolicies {
	policies := make(ingressPolicies, 0, len(in.NetworkPolicies))
	for _, np := range in.NetworkPolicies {
		spec := &np.Value.Spec
		if !policyHasType(spec, networkingv1.PolicyTypeIngress) {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(&spec.PodSelector)
		if err != nil {
			continue
		}
		policies = append(policies, ingressPolicy{name: np.Name(), sel: sel, allowAll: allowsAllIngress(spec)})
	}
	return policies
}

// open reports whether the pods of w accept ingress from every pod: no
// policy selects them, or one that does allows all ingress (policies add
// up, so that one opens them whatever the others say). openedBy names that
// policy, "" when none selects the pods.
func (ps ingressPolicies) open(w *inventory.Workload) (open bool, openedBy string) {
	set := labels.Set(w.PodMeta.Labels)
	limited := false
	for _, p := range ps {
		if !p.sel.Matches(set) {
			continue
		}
		if p.allowAll {
			return true, p.name
		}
		limited = true
	}
	return !limited, ""
}
