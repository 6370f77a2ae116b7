package checks

import "testing"

func TestControllerManagerBindAddress(t *testing.T) {
	runCases(t, "controller-manager-bind-address", []checkCase{{
		name:     "kubeadm's default: loopback",
		manifest: kubeadmPod("kube-controller-manager"),
	}, {
		name:     "IPv6 loopback",
		manifest: kubeadmPod("kube-controller-manager", "--bind-address=::1"),
	}, {
		name:     "no secure port: nothing served",
		manifest: kubeadmPod("kube-controller-manager", "!--bind-address", "--secure-port=0"),
	}, {
		name:     "not set: all interfaces by default",
		manifest: kubeadmPod("kube-controller-manager", "!--bind-address"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: cpArgs, Reason: "port served beyond loopback", Line: 12,
			Detail: cpKCM + " must set --bind-address=127.0.0.1 (it serves on all interfaces by default)",
		}},
	}, {
		name:     "the node's address",
		manifest: kubeadmPod("kube-controller-manager", "--bind-address=192.168.0.10"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: "spec.containers[0].command[4]", Reason: "port served beyond loopback", Line: 17,
			Detail: cpKCM + " must set --bind-address=127.0.0.1, not 192.168.0.10",
		}},
	}, {
		name: "a running process on all interfaces",
		host: processNode("kube-controller-manager", 901, "--bind-address", "0.0.0.0"),
		want: []finding{{
			Object: "File /proc/901/cmdline", Path: "--bind-address", Reason: "port served beyond loopback",
			Detail: `kube-controller-manager (process 901) must set --bind-address=127.0.0.1, not "0.0.0.0" (all interfaces)`,
		}},
	}})
}
