package checks

// Pod Security Admission's restricted level accepts any Localhost seccomp
// profile: it judges the profile's type, never what the profile on the
// node filters. A Localhost profile whose default action is SCMP_ACT_ALLOW
// or SCMP_ACT_LOG filters nothing a container escape needs, and one that is
// not on the node keeps the container from starting.
//
// Inspected fields, with the profile they name looked up under the
// kubelet's seccomp directory of the node tree given (scan --node-root):
//   securityContext.seccompProfile of the pod and of each container (the
//   container's wins), type Localhost, localhostProfile
//   the annotations seccomp.security.alpha.kubernetes.io/pod and
//   container.seccomp.security.alpha.kubernetes.io/NAME ("localhost/PATH"),
//   which Pod Security Admission still reads, where no field is set
// Allowed: a profile on the node with a blocking default action. Without a
// node tree the check is not evaluated.

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/inventory"
)

// The seccomp annotations that came before securityContext.seccompProfile.
const (
	seccompPodAnnotation       = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerAnnotation = "container.seccomp.security.alpha.kubernetes.io/"
)

func init() {
	check.Register(localCheck{meta: check.Meta{
		ID:          "seccomp-localhost-non-blocking",
		Title:       "Localhost seccomp profile filters nothing",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Medium,
		Topic:       check.TopicWorkloads,
		NeedsHost:   true,
		Description: "The container runs under a Localhost seccomp profile whose default action lets every system call it does not name run (SCMP_ACT_ALLOW, SCMP_ACT_LOG), or under a profile the node does not hold. Pod Security Admission passes it, judging only the profile's type.",
		Remediation: "Point localhostProfile at a profile whose defaultAction is SCMP_ACT_ERRNO and that allows only what the workload calls, installed under the kubelet's seccomp directory on every node, or use type RuntimeDefault.",
		References: []string{
			"https://kubernetes.io/docs/tutorials/security/seccomp/",
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		},
	}, run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
		if inv.Host == nil {
			return nil
		}
		var out []check.Finding
		for _, w := range inv.Workloads {
			out = append(out, localhostProfiles(inv.Host, w)...)
		}
		return out
	}})
}

// seccompSource is a workload's seccomp profile for a container and where
// it is written; name is the localhostProfile, empty when the profile is
// not Localhost.
type seccompSource struct {
	name, path string
}

// podSeccomp returns the pod-level profile: the field, else the annotation.
func podSeccomp(w *inventory.Workload) (seccompSource, bool) {
	if sc := w.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		return fieldSeccomp(sc.SeccompProfile, w.Path("securityContext.seccompProfile")), true
	}
	return annotationSeccomp(w, seccompPodAnnotation)
}

func fieldSeccomp(p *corev1.SeccompProfile, at string) seccompSource {
	if p.Type != corev1.SeccompProfileTypeLocalhost || p.LocalhostProfile == nil {
		return seccompSource{path: at}
	}
	return seccompSource{name: *p.LocalhostProfile, path: fieldpath.Join(at, "localhostProfile")}
}

func annotationSeccomp(w *inventory.Workload, key string) (seccompSource, bool) {
	if w.PodMeta == nil {
		return seccompSource{}, false
	}
	v, ok := w.PodMeta.Annotations[key]
	if !ok {
		return seccompSource{}, false
	}
	at := fieldpath.Key(fieldpath.Join(w.MetaPath, "annotations"), key)
	if name, ok := strings.CutPrefix(v, "localhost/"); ok {
		return seccompSource{name: name, path: at}, true
	}
	return seccompSource{path: at}, true
}

// localhostProfiles judges the Localhost profiles of w's containers
// against the profiles of node n.
func localhostProfiles(n *host.Node, w *inventory.Workload) []check.Finding {
	if isWindowsPod(w) {
		return nil
	}
	pod, podSet := podSeccomp(w)
	var out []check.Finding
	for _, c := range w.Containers() {
		src, set := pod, podSet
		switch {
		case c.SecurityContext != nil && c.SecurityContext.SeccompProfile != nil:
			src, set = fieldSeccomp(c.SecurityContext.SeccompProfile, c.Field("securityContext.seccompProfile")), true
		case c.Kind != inventory.EphemeralContainer:
			if a, ok := annotationSeccomp(w, seccompContainerAnnotation+c.Name); ok && !(podSet && w.Spec.SecurityContext != nil && w.Spec.SecurityContext.SeccompProfile != nil) {
				src, set = a, true
			}
		}
		if !set || src.name == "" {
			continue
		}
		noun := containerNoun(c)
		prof, ok := n.SeccompProfile(src.name)
		switch {
		case !ok:
			out = append(out, check.Finding{Object: w.Object, Path: src.path, Reason: "seccomp profile not on the node",
				Detail: fmt.Sprintf("%s runs under Localhost seccomp profile %q, which %s does not hold: the container cannot start", noun, src.name, path.Join(n.Root, n.SeccompDir))})
		case !prof.Blocks():
			out = append(out, check.Finding{Object: w.Object, Path: src.path, Reason: "non-blocking seccomp profile",
				Detail: fmt.Sprintf("%s must run under a seccomp profile that refuses system calls by default, not Localhost profile %q (defaultAction %s)", noun, src.name, prof.DefaultAction)})
		}
	}
	return out
}
