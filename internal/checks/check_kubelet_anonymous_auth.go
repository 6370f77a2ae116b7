package checks

// A kubelet answers requests that carry no credentials on its port 10250 as
// system:anonymous unless anonymous authentication is off; with a
// permissive authorization mode that is the exec, logs and pod list of
// every pod on the node.
//
// Inspected: --anonymous-auth and authentication.anonymous.enabled of every
// kubelet (flags over its KubeletConfiguration; a kubelet without --config
// allows anonymous requests by default, a configuration file does not).
// Allowed: false.

import (
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	s := kubeletSetting{
		flag: "anonymous-auth", field: "authentication.anonymous.enabled",
		flagDefault: "true", fileDefault: "false",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			return boolPtr(c.Authentication.Anonymous.Enabled)
		},
		ok: isFalse, want: "=false", byDefault: "anonymous requests are allowed by default",
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-anonymous-auth",
		Title:       "Kubelet accepts anonymous requests",
		Category:    check.Spoofing,
		Severity:    check.High,
		Description: "A kubelet with anonymous authentication serves requests without credentials on its port 10250 as system:anonymous; whatever its authorization mode lets through (everything under AlwaysAllow) is open to anyone who reaches the node.",
		Remediation: "Set authentication.anonymous.enabled: false in the KubeletConfiguration (or --anonymous-auth=false).",
		CIS:         "4.2.1",
		References:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authentication"},
	}, func(v *nodeView) []check.Finding {
		return judgeKubelets(v, s, "anonymous kubelet requests")
	}))
}
