package checks

// Admission plugins enforce what authorization cannot: NodeRestriction
// keeps a kubelet to its own Node and the pods bound to it (without it a
// node's credentials can relabel other nodes, attract workloads and
// rewrite their pods' status); PodSecurity enforces the Pod Security
// Standards; ServiceAccount, NamespaceLifecycle, the certificate plugins and
// the webhook and policy plugins guard tokens, terminating namespaces,
// certificate signers and every admission policy of the cluster.
// AlwaysAdmit (deprecated) admits everything.
//
// Inspected: --enable-admission-plugins, --disable-admission-plugins and
// the deprecated --admission-control (which, when set, is the whole list)
// of every kube-apiserver (static pod or process), against the plugins
// v1.37 enables by default. NodeRestriction is not among them: it must be
// enabled explicitly. Allowed: NodeRestriction enabled, AlwaysAdmit not
// enabled, none of the guarding plugins disabled.

import (
	"fmt"
	"slices"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

// defaultAdmissionPlugins are the admission plugins the kube-apiserver of
// v1.37 enables when --enable-admission-plugins does not name them.
var defaultAdmissionPlugins = []string{
	"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "TaintNodesByCondition", "PodSecurity",
	"Priority", "DefaultTolerationSeconds", "DefaultStorageClass", "StorageObjectInUseProtection",
	"PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval", "CertificateSigning",
	"ClusterTrustBundleAttest", "CertificateSubjectRestriction", "DefaultIngressClass",
	"PodTopologyLabels", "MutatingAdmissionPolicy", "MutatingAdmissionWebhook",
	"ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota",
}

// guardingAdmissionPlugins are the plugins, on by default, whose absence
// opens a path to privilege, and what each guards.
var guardingAdmissionPlugins = []struct{ name, guards string }{
	{"NamespaceLifecycle", "objects created in terminating or missing namespaces"},
	{"ServiceAccount", "pods running as service accounts that do not exist"},
	{"PodSecurity", "the Pod Security Standards of the namespaces' labels"},
	{"CertificateApproval", "who may approve certificate signing requests"},
	{"CertificateSigning", "who may sign certificate signing requests"},
	{"CertificateSubjectRestriction", "certificates requested for the group system:masters"},
	{"ValidatingAdmissionPolicy", "the ValidatingAdmissionPolicies of the cluster"},
	{"ValidatingAdmissionWebhook", "the validating admission webhooks of the cluster"},
	{"MutatingAdmissionWebhook", "the mutating admission webhooks of the cluster"},
}

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-admission-plugins",
		Title:       "API server admission plugins weaken the cluster",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "NodeRestriction, which is not enabled by default, limits a kubelet's credentials to its own Node and pods; without it one compromised node can relabel other nodes and steer workloads to itself. AlwaysAdmit admits everything, and disabling a plugin that is on by default (PodSecurity, ServiceAccount, NamespaceLifecycle, the certificate, webhook and policy plugins) switches off the control it enforces.",
		Remediation: "Set --enable-admission-plugins=NodeRestriction on the kube-apiserver (with any other plugins you need), never enable AlwaysAdmit, and do not list PodSecurity, ServiceAccount, NamespaceLifecycle, the certificate, webhook or policy plugins in --disable-admission-plugins.",
		CIS:         "1.2.10, 1.2.12, 1.2.13, 1.2.14",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/",
			"https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			out = append(out, admissionFindings(c)...)
		}
		return out
	}))
}

// admissionFindings judges the admission plugins c enables.
func admissionFindings(c *host.Component) []check.Finding {
	const reason = "weak admission plugins"
	var out []check.Finding
	enable, enableSet := c.Flag("enable-admission-plugins")
	disable, disableSet := c.Flag("disable-admission-plugins")
	enabled := func(p string) bool {
		if slices.Contains(c.List("disable-admission-plugins"), p) && !slices.Contains(c.List("enable-admission-plugins"), p) {
			return false
		}
		return slices.Contains(c.List("enable-admission-plugins"), p) || slices.Contains(defaultAdmissionPlugins, p)
	}
	// at returns where plugin p is decided: the flag that names it, or
	// the missing --enable-admission-plugins.
	at := func(p, detail string) check.Finding {
		switch {
		case disableSet && slices.Contains(c.List("disable-admission-plugins"), p):
			return flagAt(c, disable, reason, detail)
		case enableSet:
			return flagAt(c, enable, reason, detail)
		}
		return flagMissing(c, "enable-admission-plugins", reason, detail)
	}
	if legacy, ok := c.Flag("admission-control"); ok {
		list := c.List("admission-control")
		enabled = func(p string) bool { return slices.Contains(list, p) }
		at = func(_, detail string) check.Finding { return flagAt(c, legacy, reason, detail) }
	}
	if !enabled("NodeRestriction") {
		why := "it is not enabled by default"
		if _, ok := c.Flag("admission-control"); ok {
			why = "--admission-control lists every plugin that runs"
		} else if disableSet && slices.Contains(c.List("disable-admission-plugins"), "NodeRestriction") {
			why = "--disable-admission-plugins lists it"
		}
		out = append(out, at("NodeRestriction",
			fmt.Sprintf("%s must enable the NodeRestriction admission plugin (%s)", c, why)))
	}
	if enabled("AlwaysAdmit") {
		out = append(out, at("AlwaysAdmit",
			fmt.Sprintf("%s must not enable the AlwaysAdmit admission plugin", c)))
	}
	for _, g := range guardingAdmissionPlugins {
		if !enabled(g.name) {
			out = append(out, at(g.name,
				fmt.Sprintf("%s must not disable the %s admission plugin (it guards %s)", c, g.name, g.guards)))
		}
	}
	return out
}
