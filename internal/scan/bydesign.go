package scan

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
)

// controlPlanePodKey identifies a pod by where it was read and its name,
// so that a cross-object check's finding on its summary finds it.
type controlPlanePodKey struct {
	file, namespace, name string
	doc                   int
}

func podKey(o *object.Object) controlPlanePodKey {
	return controlPlanePodKey{o.Origin.File, o.Namespace(), o.Name(), o.Origin.Doc}
}

// byDesignOf reports whether finding f of check id is about what a
// control-plane static pod needs by design (host.ControlPlanePod): the host
// network, the host paths kubeadm mounts (and only those), and what the
// host network makes moot or impossible (a probe of the host's address,
// user namespaces, network policies, which do not select host-network
// pods, and service accounts, which static pods cannot have). The node
// checks judge such a pod's flags; its other findings stand.
func (s *Scanner) byDesignOf(id check.ID, f check.Finding) bool {
	if f.Object == nil {
		return false
	}
	c := s.controlPlane[podKey(f.Object)]
	if c == nil {
		return false
	}
	pod := c.Object.Typed.(*corev1.Pod)
	switch id {
	case "pss-host-namespaces":
		return f.Path == "spec.hostNetwork" && len(f.Related) == 0
	case "pss-host-path-volumes", "pss-restricted-volumes", "host-path-writable":
		return c.HostPathsByDesign()
	case "pss-host-probes-lifecycle", "host-users-not-disabled", "workload-ingress-unrestricted",
		"service-account-token-automount", "default-service-account":
		return pod.Spec.HostNetwork
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
