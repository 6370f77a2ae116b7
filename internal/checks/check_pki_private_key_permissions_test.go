package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/host/pkitest"
)

func TestPKIPrivateKeyPermissions(t *testing.T) {
	runCases(t, "pki-private-key-permissions", []checkCase{{
		name: "kubeadm's 600 and root",
		host: pkiNode(t, pkitest.Options{}, nil),
	}, {
		name: "stricter than 600",
		host: withFiles(pkiNode(t, pkitest.Options{}, nil), map[string]host.FileInfo{"/etc/kubernetes/pki/ca.key": {Mode: 0o400}}),
	}, {
		name: "readable by others, by the group, owned by a user",
		host: withFiles(pkiNode(t, pkitest.Options{}, nil), map[string]host.FileInfo{
			"/etc/kubernetes/pki/ca.key":      {Mode: 0o644},
			"/etc/kubernetes/pki/etcd/ca.key": {Mode: 0o640, GID: 998},
			"/etc/kubernetes/pki/sa.key":      {Mode: 0o700, UID: 1000, GID: 1000},
		}),
		want: []finding{{
			Object: "File /etc/kubernetes/pki/ca.key", Reason: "private key file permissions",
			Detail: "private key /etc/kubernetes/pki/ca.key must have mode 600 or stricter, not 644",
		}, {
			Object: "File /etc/kubernetes/pki/etcd/ca.key", Reason: "private key file permissions",
			Detail: "private key /etc/kubernetes/pki/etcd/ca.key must have mode 600 or stricter, not 640",
		}, {
			Object: "File /etc/kubernetes/pki/sa.key", Reason: "private key file permissions",
			Detail: "private key /etc/kubernetes/pki/sa.key must have mode 600 or stricter, not 700",
		}, {
			Object: "File /etc/kubernetes/pki/sa.key", Reason: "private key file owner",
			Detail: "private key /etc/kubernetes/pki/sa.key must be owned by root (uid 0), not uid 1000",
		}},
	}, {
		name: "a key whose metadata was not read",
		host: func() *host.Node {
			n := pkiNode(t, pkitest.Options{}, nil)
			delete(n.Files, "/etc/kubernetes/pki/ca.key")
			return n
		}(),
	}})
}
