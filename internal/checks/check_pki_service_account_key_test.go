package checks

import (
	"bytes"
	"testing"

	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/host/pkitest"
)

func TestPKIServiceAccountKey(t *testing.T) {
	apiserver := controlPlanePod("kube-apiserver",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=/etc/kubernetes/pki/sa.pub",
		"--service-account-signing-key-file=/etc/kubernetes/pki/sa.key")
	// A rotation: the old key and the new one in sa.pub.
	rotation := func(files map[string][]byte) {
		files["etc/kubernetes/pki/sa.pub"] = bytes.Join([][]byte{
			pkitest.PublicKeyPEM(t, pkitest.Key(t, "sa-other", "rsa2048")), files["etc/kubernetes/pki/sa.pub"]}, nil)
	}
	noKey := func(files map[string][]byte) { delete(files, "etc/kubernetes/pki/sa.key") }
	runCases(t, "pki-service-account-key", []checkCase{{
		name:     "kubeadm's sa.key and sa.pub",
		manifest: apiserver,
		host:     pkiNode(t, pkitest.Options{}, nil),
	}, {
		name:     "a rotation in progress",
		manifest: apiserver,
		host:     pkiNode(t, pkitest.Options{}, rotation),
	}, {
		name:     "sa.pub holds another key",
		manifest: apiserver,
		host:     pkiNode(t, pkitest.Options{OtherSAPub: true}, nil),
		lines:    true,
		want: []finding{{
			Object: "Pod kube-system/kube-apiserver", Path: "spec.containers[0].command[2]", Line: 15,
			Reason: "service-account signing key not verified",
			Detail: "kube-apiserver (static pod kube-system/kube-apiserver) must list the public key of its signing key /etc/kubernetes/pki/sa.key in --service-account-key-file: /etc/kubernetes/pki/sa.pub holds other keys only",
		}},
	}, {
		name:     "flags not set: kubeadm's paths",
		manifest: controlPlanePod("kube-apiserver", "--secure-port=6443"),
		host:     pkiNode(t, pkitest.Options{OtherSAPub: true}, nil),
		lines:    true,
		want: []finding{{
			Object: "Pod kube-system/kube-apiserver", Path: "spec.containers[0].command", Line: 12,
			Reason: "service-account signing key not verified",
			Detail: "kube-apiserver (static pod kube-system/kube-apiserver) must list the public key of its signing key /etc/kubernetes/pki/sa.key in --service-account-key-file: /etc/kubernetes/pki/sa.pub holds other keys only",
		}},
	}, {
		name:     "sa.key does not exist",
		manifest: apiserver,
		host:     withFiles(pkiNode(t, pkitest.Options{}, noKey), map[string]host.FileInfo{"/etc/kubernetes/pki/sa.key": {Missing: true}}),
		want: []finding{{
			Object: "Pod kube-system/kube-apiserver", Path: "spec.containers[0].command[3]",
			Reason: "service-account signing key missing",
			Detail: "kube-apiserver (static pod kube-system/kube-apiserver) must have its service-account signing key: /etc/kubernetes/pki/sa.key does not exist",
		}},
	}, {
		name: "a running API server",
		host: withProcess(pkiNode(t, pkitest.Options{OtherSAPub: true}, nil), processNode("kube-apiserver", 812, "--service-account-key-file", "/etc/kubernetes/pki/sa.pub")),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--service-account-key-file",
			Reason: "service-account signing key not verified",
			Detail: "kube-apiserver (process 812) must list the public key of its signing key /etc/kubernetes/pki/sa.key in --service-account-key-file: /etc/kubernetes/pki/sa.pub holds other keys only",
		}},
	}, {
		name: "no API server on this node",
		host: pkiNode(t, pkitest.Options{OtherSAPub: true}, nil),
	}})
}
