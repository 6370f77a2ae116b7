package checks

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/check"
)

// kubeadmFlags returns the flags kubeadm v1.37's `kubeadm init` gives
// component on a control-plane node cp1 at 192.168.0.10, in its order.
func kubeadmFlags(component string) []string {
	switch component {
	case "kube-apiserver":
		return []string{
			"--advertise-address=192.168.0.10",
			"--allow-privileged=true",
			"--authorization-mode=Node,RBAC",
			"--client-ca-file=/etc/kubernetes/pki/ca.crt",
			"--enable-admission-plugins=NodeRestriction",
			"--enable-bootstrap-token-auth=true",
			"--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
			"--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
			"--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
			"--etcd-servers=https://127.0.0.1:2379",
			"--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
			"--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
			"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
			"--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
			"--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
			"--requestheader-allowed-names=front-proxy-client",
			"--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
			"--requestheader-extra-headers-prefix=X-Remote-Extra-",
			"--requestheader-group-headers=X-Remote-Group",
			"--requestheader-username-headers=X-Remote-User",
			"--secure-port=6443",
			"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
			"--service-account-key-file=/etc/kubernetes/pki/sa.pub",
			"--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
			"--service-cluster-ip-range=10.96.0.0/12",
			"--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
			"--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
		}
	case "kube-controller-manager":
		return []string{
			"--allocate-node-cidrs=true",
			"--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
			"--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
			"--bind-address=127.0.0.1",
			"--client-ca-file=/etc/kubernetes/pki/ca.crt",
			"--cluster-cidr=10.244.0.0/16",
			"--cluster-name=kubernetes",
			"--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
			"--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
			"--controllers=*,bootstrapsigner,tokencleaner",
			"--kubeconfig=/etc/kubernetes/controller-manager.conf",
			"--leader-elect=true",
			"--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
			"--root-ca-file=/etc/kubernetes/pki/ca.crt",
			"--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
			"--service-cluster-ip-range=10.96.0.0/12",
			"--use-service-account-credentials=true",
		}
	case "kube-scheduler":
		return []string{
			"--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
			"--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
			"--bind-address=127.0.0.1",
			"--kubeconfig=/etc/kubernetes/scheduler.conf",
			"--leader-elect=true",
		}
	case "etcd":
		return []string{
			"--advertise-client-urls=https://192.168.0.10:2379",
			"--cert-file=/etc/kubernetes/pki/etcd/server.crt",
			"--client-cert-auth=true",
			"--data-dir=/var/lib/etcd",
			"--feature-gates=InitialCorruptCheck=true",
			"--initial-advertise-peer-urls=https://192.168.0.10:2380",
			"--initial-cluster=cp1=https://192.168.0.10:2380",
			"--key-file=/etc/kubernetes/pki/etcd/server.key",
			"--listen-client-urls=https://127.0.0.1:2379,https://192.168.0.10:2379",
			"--listen-metrics-urls=http://127.0.0.1:2381",
			"--listen-peer-urls=https://192.168.0.10:2380",
			"--name=cp1",
			"--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
			"--peer-client-cert-auth=true",
			"--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
			"--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
			"--snapshot-count=10000",
			"--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
			"--watch-progress-notify-interval=5s",
		}
	}
	panic("no kubeadm flags for " + component)
}

// hardenedFlags returns kubeadm's flags of component with what a hardened
// control plane adds: every flag check of the control plane passes.
func hardenedFlags(component string) []string {
	extra := map[string][]string{
		"kube-apiserver": {
			"--anonymous-auth=false",
			"--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt",
			"--profiling=false",
			"--audit-policy-file=/etc/kubernetes/audit/policy.yaml",
			"--audit-log-path=/var/log/kubernetes/audit/audit.log",
			"--audit-log-maxage=30",
			"--audit-log-maxbackup=10",
			"--audit-log-maxsize=100",
			"--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml",
			"--tls-min-version=VersionTLS12",
			"--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
			"--request-timeout=60s",
		},
		"kube-controller-manager": {"--profiling=false", "--terminated-pod-gc-threshold=1000"},
		"kube-scheduler":          {"--profiling=false"},
		"etcd":                    {"--initial-cluster=cp1=https://192.168.0.10:2380,cp2=https://192.168.0.11:2380,cp3=https://192.168.0.12:2380"},
	}
	return append(kubeadmFlags(component), extra[component]...)
}

// kubeadmControlPlane returns the four static pod manifests of a control
// plane, each component's flags given by flags.
func kubeadmControlPlane(flags func(string) []string) string {
	var docs []string
	for _, c := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"} {
		docs = append(docs, controlPlanePod(c, flags(c)...))
	}
	return strings.Join(docs, "---\n")
}

// controlPlaneFlagChecks are the flag checks of kube-apiserver, etcd,
// kube-controller-manager and kube-scheduler.
var controlPlaneFlagChecks = []check.ID{
	"apiserver-token-auth-file", "apiserver-authorization-mode", "apiserver-admission-plugins",
	"apiserver-kubelet-tls", "apiserver-etcd-tls", "apiserver-service-account-keys",
	"apiserver-service-account-lookup", "apiserver-profiling", "apiserver-insecure-port",
	"apiserver-weak-tls", "apiserver-audit-log", "apiserver-encryption-config-missing",
	"apiserver-request-limits",
	"controller-manager-profiling", "controller-manager-service-account-credentials",
	"controller-manager-bind-address", "controller-manager-service-account-keys",
	"controller-manager-terminated-pod-gc", "controller-manager-kubelet-server-certificate",
	"scheduler-profiling", "scheduler-bind-address",
	"etcd-client-tls", "etcd-peer-tls", "etcd-listen-all-interfaces", "etcd-member-count",
	"etcd-data-dir-permissions",
}

// TestKubeadmControlPlaneFlags runs every control-plane flag check on
// kubeadm's default control plane, which gives exactly the findings of the
// controls kubeadm leaves at their upstream defaults, and on a hardened
// one, which gives none.
func TestKubeadmControlPlaneFlags(t *testing.T) {
	findingsOf := func(manifest string) []string {
		inv := load(t, "manifests.yaml", manifest)
		var got []string
		for _, id := range controlPlaneFlagChecks {
			for _, f := range comparable(run(registered(t, id), inv, defaultOptions)) {
				got = append(got, fmt.Sprintf("%s: %s", id, f.Detail))
			}
		}
		return got
	}
	want := []string{
		"apiserver-kubelet-tls: kube-apiserver (static pod kube-system/kube-apiserver) must set --kubelet-certificate-authority (the kubelets' serving certificates are not verified by default)",
		"apiserver-profiling: kube-apiserver (static pod kube-system/kube-apiserver) must set --profiling=false (profiling is on by default)",
		"apiserver-audit-log: kube-apiserver (static pod kube-system/kube-apiserver) must set --audit-log-path or --audit-webhook-config-file (no audit events are recorded by default)",
		"apiserver-encryption-config-missing: kube-apiserver (static pod kube-system/kube-apiserver) must set --encryption-provider-config (Secrets are stored in etcd in plain text by default)",
		"controller-manager-profiling: kube-controller-manager (static pod kube-system/kube-controller-manager) must set --profiling=false (profiling is on by default)",
		"controller-manager-terminated-pod-gc: kube-controller-manager (static pod kube-system/kube-controller-manager) must set --terminated-pod-gc-threshold (12500 terminated pods are kept by default)",
		"scheduler-profiling: kube-scheduler (static pod kube-system/kube-scheduler) must set --profiling=false (profiling is on by default)",
		"etcd-member-count: etcd (static pod kube-system/etcd) must run 3 or 5 etcd members, not 1 (--initial-cluster names cp1; a single member tolerates no failure)",
	}
	if diff := cmp.Diff(want, findingsOf(kubeadmControlPlane(kubeadmFlags))); diff != "" {
		t.Errorf("kubeadm's default control plane (-want +got):\n%s", diff)
	}
	if got := findingsOf(kubeadmControlPlane(hardenedFlags)); len(got) > 0 {
		t.Errorf("a hardened control plane gives findings:\n  %s", strings.Join(got, "\n  "))
	}
}

// kubeadmPod returns kubeadm's static pod of component with edits: a flag
// "--name=value" replaces the flag of that name in place (its line stays)
// or is added at the end; "!--name" removes it. A flag may be quoted for
// YAML.
func kubeadmPod(component string, edits ...string) string {
	flags := kubeadmFlags(component)
	name := func(f string) string {
		n, _, _ := strings.Cut(strings.TrimLeft(f, "!-'\""), "=")
		return n
	}
	for _, e := range edits {
		i := slices.IndexFunc(flags, func(f string) bool { return name(f) == name(e) })
		switch {
		case strings.HasPrefix(e, "!"):
			if i >= 0 {
				flags = slices.Delete(flags, i, i+1)
			}
		case i >= 0:
			flags[i] = e
		default:
			flags = append(flags, e)
		}
	}
	return controlPlanePod(component, flags...)
}

// How the control-plane static pods of the tests are named in findings.
const (
	cpAPIServer  = "kube-apiserver (static pod kube-system/kube-apiserver)"
	cpKCM        = "kube-controller-manager (static pod kube-system/kube-controller-manager)"
	cpScheduler  = "kube-scheduler (static pod kube-system/kube-scheduler)"
	cpEtcd       = "etcd (static pod kube-system/etcd)"
	cpArgs       = "spec.containers[0].command"
	apiserverPod = "Pod kube-system/kube-apiserver"
	kcmPod       = "Pod kube-system/kube-controller-manager"
	schedulerPod = "Pod kube-system/kube-scheduler"
	etcdPod      = "Pod kube-system/etcd"
)
