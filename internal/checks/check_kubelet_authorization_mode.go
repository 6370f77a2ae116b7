package checks

// A kubelet in authorization mode AlwaysAllow lets every authenticated (or
// anonymous) caller of its API run commands in any container on the node,
// read its logs and list its pods: the API server's RBAC does not apply.
//
// Inspected: --authorization-mode and authorization.mode of every kubelet
// (flags over its KubeletConfiguration; a kubelet without --config is in
// AlwaysAllow by default, a configuration file in Webhook). Allowed:
// Webhook, which asks the API server (SubjectAccessReview).

import (
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	s := kubeletSetting{
		flag: "authorization-mode", field: "authorization.mode",
		flagDefault: "AlwaysAllow", fileDefault: "Webhook",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			return string(c.Authorization.Mode), c.Authorization.Mode != ""
		},
		zeroDefaulted: true,
		ok:            is("Webhook"), want: "=Webhook", byDefault: "AlwaysAllow by default: every request is allowed",
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-authorization-mode",
		Title:       "Kubelet allows every request",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "A kubelet whose authorization mode is not Webhook allows every request that reaches its API: exec into any container on the node, its logs and its pods, without the API server's RBAC.",
		Remediation: "Set authorization.mode: Webhook in the KubeletConfiguration (or --authorization-mode=Webhook).",
		CIS:         "4.2.2",
		References:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization"},
	}, func(v *nodeView) []check.Finding {
		return judgeKubelets(v, s, "kubelet requests not authorized")
	}))
}
