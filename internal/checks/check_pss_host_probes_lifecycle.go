package checks

// Probes and lifecycle handlers are run by the kubelet, from the node. A
// host set in one makes the kubelet connect to any address the manifest
// names — another pod, a node-local service, a cloud metadata endpoint —
// on the workload's behalf, bypassing NetworkPolicies.
//
// Pod Security Standards control "hostProbesAndHostLifecycle" (baseline,
// v1.34+).
// Restricted fields, in spec.containers[*], spec.initContainers[*] and
// spec.ephemeralContainers[*]:
//   livenessProbe.httpGet.host, livenessProbe.tcpSocket.host
//   readinessProbe.httpGet.host, readinessProbe.tcpSocket.host
//   startupProbe.httpGet.host, startupProbe.tcpSocket.host
//   lifecycle.postStart.httpGet.host, lifecycle.postStart.tcpSocket.host
//   lifecycle.preStop.httpGet.host, lifecycle.preStop.tcpSocket.host
// Allowed values: "", undefined.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-host-probes-lifecycle",
			Title:       "Probe or lifecycle handler sets a host",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A probe or lifecycle handler that sets httpGet.host or tcpSocket.host makes the kubelet connect from the node to an address of the manifest's choosing. That lets a workload reach endpoints its own network access does not allow, such as node-local services or cloud metadata.",
			Remediation: "Remove host from httpGet and tcpSocket probes and lifecycle handlers, so that they target the pod's own IP.",
			References:  []string{refPSS + "#baseline", refProbes},
		},
		psaID: "hostProbesAndHostLifecycle",
		locate: func(w *inventory.Workload) string {
			for _, c := range w.Containers() {
				for _, p := range []struct {
					name  string
					probe *corev1.Probe
				}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}} {
					if p.probe == nil {
						continue
					}
					if f := handlerHost(p.probe.HTTPGet, p.probe.TCPSocket); f != "" {
						return c.Field(p.name + "." + f)
					}
				}
				if c.Lifecycle == nil {
					continue
				}
				for _, h := range []struct {
					name    string
					handler *corev1.LifecycleHandler
				}{{"lifecycle.postStart", c.Lifecycle.PostStart}, {"lifecycle.preStop", c.Lifecycle.PreStop}} {
					if h.handler == nil {
						continue
					}
					if f := handlerHost(h.handler.HTTPGet, h.handler.TCPSocket); f != "" {
						return c.Field(h.name + "." + f)
					}
				}
			}
			return ""
		},
	})
}

// handlerHost returns "httpGet.host" or "tcpSocket.host", whichever is set
// first, or "".
func handlerHost(http *corev1.HTTPGetAction, tcp *corev1.TCPSocketAction) string {
	switch {
	case http != nil && http.Host != "":
		return "httpGet.host"
	case tcp != nil && tcp.Host != "":
		return "tcpSocket.host"
	}
	return ""
}
