package checks

import (
	"io/fs"
	"testing"

	"github.com/kubestride/kubestride/internal/host"
)

func TestEtcdDataDirPermissions(t *testing.T) {
	dir := func(mode fs.FileMode, uid int) *host.Node {
		return &host.Node{Root: "/", Files: map[string]host.FileInfo{
			"/var/lib/etcd": {Path: "/var/lib/etcd", Mode: fs.ModeDir | mode, UID: uid, GID: uid},
		}}
	}
	withProcess := func(n *host.Node, args ...string) *host.Node {
		n.Components = processNode("etcd", 700, args...).Components
		return n
	}
	runCases(t, "etcd-data-dir-permissions", []checkCase{{
		name:     "kubeadm's default: 700, root",
		manifest: kubeadmPod("etcd"),
		host:     dir(0o700, 0),
	}, {
		name:     "the directory was not read",
		manifest: kubeadmPod("etcd"),
	}, {
		name:     "readable by everyone, owned by another user",
		manifest: kubeadmPod("etcd"),
		host:     dir(0o755, 1000),
		want: []finding{{
			Object: "File /var/lib/etcd", Reason: "etcd data open to other users",
			Detail: "etcd data directory /var/lib/etcd of " + cpEtcd + " must have mode 700 or stricter, not 755",
		}, {
			Object: "File /var/lib/etcd", Reason: "etcd data open to other users",
			Detail: "etcd data directory /var/lib/etcd of " + cpEtcd + " must be owned by root or the user etcd runs as (0), not uid 1000",
		}},
	}, {
		name:     "a pod running as etcd's own user",
		manifest: kubeadmPod("etcd") + "    securityContext: {runAsUser: 2379}\n",
		host:     dir(0o700, 2379),
	}, {
		name: "a running process: the mode, not the owner",
		host: withProcess(dir(0o750, 998), "--data-dir", "/var/lib/etcd/"),
		want: []finding{{
			Object: "File /var/lib/etcd", Reason: "etcd data open to other users",
			Detail: "etcd data directory /var/lib/etcd of etcd (process 700) must have mode 700 or stricter, not 750",
		}},
	}, {
		name: "a relative data directory is not judged",
		host: withProcess(dir(0o755, 0), "--name=default"),
	}})
}
