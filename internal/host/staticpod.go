package host

import (
	"path"
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
