package host

import (
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/object"
)

// StaticPod returns the control-plane component obj runs, when obj is a
// Pod one of whose containers runs kube-apiserver, etcd,
// kube-controller-manager or kube-scheduler (its command, or its image's
// entrypoint when it has no command and the image is the component's): a
// static pod manifest of kubeadm's kind, in a node's manifest directory, a
// repository, or a cluster's kube-system. Its flags are the container's
// command after the program, then its args.
func StaticPod(obj *object.Object) *Component {
	pod, ok := obj.Typed.(*corev1.Pod)
	if !ok {
		return nil
	}
	for i, c := range pod.Spec.Containers {
		name := componentOf(c)
		if name == "" {
			continue
		}
		base := fieldpath.Index("spec.containers", i)
		comp := &Component{Name: name, Object: obj, Container: i, ArgsField: base + ".command"}
		if len(c.Command) > 0 {
			comp.Flags = ParseArgs(c.Command[1:], base+".command", 1)
		}
		if len(c.Args) > 0 || len(c.Command) == 0 {
			comp.ArgsField = base + ".args"
		}
		comp.Flags = append(comp.Flags, ParseArgs(c.Args, base+".args", 0)...)
		return comp
	}
	return nil
}

// componentOf returns the control-plane component container c runs, or "".
func componentOf(c corev1.Container) string {
	if len(c.Command) > 0 {
		prog := path.Base(c.Command[0])
		for _, n := range ControlPlane {
			if prog == n {
				return n
			}
		}
		return ""
	}
	repo := c.Image
	if at := strings.IndexByte(repo, '@'); at >= 0 {
		repo = repo[:at]
	}
	if colon := strings.LastIndexByte(repo, ':'); colon > strings.LastIndexByte(repo, '/') {
		repo = repo[:colon]
	}
	for _, n := range ControlPlane {
		if path.Base(repo) == n && len(c.Args) > 0 && strings.HasPrefix(c.Args[0], "-") {
			return n
		}
	}
	return ""
}

// MirrorAnnotation marks a cluster's mirror of a static pod.
const MirrorAnnotation = "kubernetes.io/config.mirror"

// officialRegistries serve the control-plane images kubeadm runs.
var officialRegistries = []string{"registry.k8s.io/", "k8s.gcr.io/"}

// ControlPlanePod returns the component obj runs when obj is a control-plane
// static pod as kubeadm writes it, and nil otherwise: a Pod in kube-system
// with one container, which runs the component from its official image,
// labelled component=<name> and tier=control-plane, and, read from a
// cluster, a mirror pod (annotated by the kubelet that runs it). Only such
// pods have their host access judged as by design.
func ControlPlanePod(obj *object.Object) *Component {
	pod, ok := obj.Typed.(*corev1.Pod)
	if !ok || obj.Namespace() != "kube-system" || len(pod.Spec.Containers) != 1 || len(pod.Spec.InitContainers) > 0 || len(pod.Spec.EphemeralContainers) > 0 {
		return nil
	}
	c := StaticPod(obj)
	if c == nil || pod.Labels["component"] != c.Name || pod.Labels["tier"] != "control-plane" {
		return nil
	}
	if obj.Origin.Source == object.FromCluster && pod.Annotations[MirrorAnnotation] == "" {
		return nil
	}
	image := pod.Spec.Containers[0].Image
	official := false
	for _, r := range officialRegistries {
		if rest, ok := strings.CutPrefix(image, r); ok {
			repo := rest
			if i := strings.IndexAny(repo, ":@"); i >= 0 {
				repo = repo[:i]
			}
			official = repo == c.Name
		}
	}
	if !official {
		return nil
	}
	return c
}

// hostPathsByDesign are the host directories kubeadm mounts into the
// control-plane pods (and those hardening guides add for audit logs),
// with what is below them.
var hostPathsByDesign = []string{
	"/etc/kubernetes", "/etc/ssl/certs", "/etc/ca-certificates", "/etc/pki",
	"/usr/local/share/ca-certificates", "/usr/share/ca-certificates",
	"/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "/var/log/kubernetes",
}

// HostPathsByDesign reports whether every volume of c's pod is a hostPath
// volume kubeadm gives the component: the directories of hostPathsByDesign
// and, for etcd, its data directory.
func (c *Component) HostPathsByDesign() bool {
	pod, ok := c.Object.Typed.(*corev1.Pod)
	if !ok {
		return false
	}
	allowed := hostPathsByDesign
	if c.Name == Etcd {
		allowed = append(slices.Clone(allowed), c.Value("data-dir", "/var/lib/etcd"))
	}
	for _, v := range pod.Spec.Volumes {
		if v.HostPath == nil {
			return false
		}
		p := path.Clean(v.HostPath.Path)
		if !slices.ContainsFunc(allowed, func(dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }) {
			return false
		}
	}
	return true
}
