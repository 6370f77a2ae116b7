package checks

// The node checks judge the control plane and the nodes: the flags of
// kube-apiserver, etcd, kube-controller-manager, kube-scheduler and the
// kubelet, the configuration files they read, the PKI and the auditd
// watches. They read what package host models: the control-plane static
// pods and configuration objects of the inventory (Inventory.NodeObjects,
// from manifests, a node's files or a cluster's kube-system) and what the
// node command read beside them (Inventory.Host: processes, the kubelet's
// unit, file modes, certificates, keys, audit rules).

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

// nodeCheck returns a check of control-plane and node settings.
func nodeCheck(meta check.Meta, run func(v *nodeView) []check.Finding) funcCheck {
	meta.Topic = check.TopicNode
	return funcCheck{meta: meta, run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
		return shownPaths(inv, run(nodeViewOf(inv)))
	}}
}

// shownPaths points the findings about a file the node command read (by its
// path on the node) at where it was read: under --root, for a copy of a
// node's files.
func shownPaths(inv *inventory.Inventory, fs []check.Finding) []check.Finding {
	if inv.Host == nil {
		return fs
	}
	for i := range fs {
		if f := fs[i].File; f != nil {
			if fi, ok := inv.Host.Files[f.Path]; ok && fi.Path != "" && fi.Path != f.Path {
				shown := *f
				shown.Path = fi.Path
				fs[i].File = &shown
			}
		}
	}
	return fs
}

// nodeCheckAt returns a check of control-plane and node settings that
// judges validity at a time: the scan's (check.Options.Now), or nodeNow's.
func nodeCheckAt(meta check.Meta, run func(v *nodeView, now time.Time) []check.Finding) funcCheck {
	meta.Topic = check.TopicNode
	return funcCheck{meta: meta, run: func(inv *inventory.Inventory, opts check.Options) []check.Finding {
		now := opts.Now
		if now.IsZero() {
			now = nodeNow()
		}
		return shownPaths(inv, run(nodeViewOf(inv), now))
	}}
}

// nodeView is what the node checks read of an inventory, computed once.
type nodeView struct {
	inv *inventory.Inventory
	// components are those of the static pods and of kubeadm's
	// ClusterConfigurations, in load order, then those the node command
	// read (processes, the kubelet's unit).
	components []*host.Component
}

type nodeViewKey struct{}

func nodeViewOf(inv *inventory.Inventory) *nodeView {
	return inv.Derived(nodeViewKey{}, func(inv *inventory.Inventory) any {
		v := &nodeView{inv: inv}
		for _, obj := range inv.NodeObjects {
			switch host.KindOf(obj) {
			case host.StaticPodKind:
				v.components = append(v.components, host.StaticPod(obj))
			case host.KubeadmConfigKind:
				// A configuration whose extraArgs do not decode gives
				// no component; kubeadm refuses it too.
				if cs, err := host.KubeadmComponents(obj); err == nil {
					v.components = append(v.components, cs...)
				}
			}
		}
		if inv.Host != nil {
			v.components = append(v.components, inv.Host.Components...)
		}
		return v
	}).(*nodeView)
}

// of returns the components named name.
func (v *nodeView) of(name string) []*host.Component {
	var out []*host.Component
	for _, c := range v.components {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// objects returns the node objects of kind k, in load order.
func (v *nodeView) objects(k host.Kind) []*object.Object {
	var out []*object.Object
	for _, obj := range v.inv.NodeObjects {
		if host.KindOf(obj) == k {
			out = append(out, obj)
		}
	}
	return out
}

// file returns what the node command read of the file at path on the
// node; ok is false when it did not read it (no node command, or a path
// it was not pointed at).
func (v *nodeView) file(path string) (host.FileInfo, bool) {
	if v.inv.Host == nil {
		return host.FileInfo{}, false
	}
	fi, ok := v.inv.Host.Files[path]
	return fi, ok
}

// flagAt returns a finding about flag f of c.
func flagAt(c *host.Component, f host.Flag, reason, detail string) check.Finding {
	switch {
	case c.Object != nil:
		return check.Finding{Object: c.Object, Path: f.Field, Reason: reason, Detail: detail}
	case f.File != "":
		return check.Finding{File: &object.File{Path: f.File, Line: f.Line, Key: "--" + f.Name}, Reason: reason, Detail: detail}
	}
	return check.Finding{File: &object.File{Path: c.Source, Key: "--" + f.Name}, Reason: reason, Detail: detail}
}

// flagMissing returns a finding about flag name, which c does not set:
// at the list of c's arguments in a static pod, or at c's source.
func flagMissing(c *host.Component, name, reason, detail string) check.Finding {
	if c.Object != nil {
		return check.Finding{Object: c.Object, Path: c.ArgsField, Reason: reason, Detail: detail}
	}
	return check.Finding{File: &object.File{Path: c.Source, Key: "--" + name}, Reason: reason, Detail: detail}
}

// flagBool returns the boolean value of flag name of c, def when it is
// not set, and whether it is set; a value that is not a boolean is read as
// the component reads it: an error at start-up, so not set.
func flagBool(c *host.Component, name string, def bool) (bool, host.Flag, bool) {
	f, ok := c.Flag(name)
	if !ok {
		return def, f, false
	}
	b, err := strconv.ParseBool(f.Value)
	if err != nil {
		return def, f, false
	}
	return b, f, true
}

// objectAt returns a finding about field path of a configuration object.
func objectAt(obj *object.Object, path, reason, detail string) check.Finding {
	return check.Finding{Object: obj, Path: path, Reason: reason, Detail: detail}
}

// fileAt returns a finding about a file as a whole (its mode, its owner,
// its content) at path on the node.
func fileAt(path, reason, detail string) check.Finding {
	return check.Finding{File: &object.File{Path: path}, Reason: reason, Detail: detail}
}

// sortFiles orders findings about files by path, line and key.
func sortFiles(fs []check.Finding) {
	slices.SortStableFunc(fs, func(a, b check.Finding) int {
		if a.File == nil || b.File == nil {
			return 0
		}
		return cmp.Or(strings.Compare(a.File.Path, b.File.Path), cmp.Compare(a.File.Line, b.File.Line), strings.Compare(a.File.Key, b.File.Key))
	})
}
