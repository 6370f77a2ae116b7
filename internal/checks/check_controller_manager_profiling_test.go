package checks

import "testing"

func TestControllerManagerProfiling(t *testing.T) {
	runCases(t, "controller-manager-profiling", []checkCase{{
		name:     "kubeadm's default: not set, on",
		manifest: kubeadmPod("kube-controller-manager"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: cpArgs, Reason: "profiling endpoints served", Line: 12,
			Detail: cpKCM + " must set --profiling=false (profiling is on by default)",
		}},
	}, {
		name:     "hardened",
		manifest: kubeadmPod("kube-controller-manager", "--profiling=false"),
	}, {
		name:     "set true",
		manifest: kubeadmPod("kube-controller-manager", "--profiling=true"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: "spec.containers[0].command[18]", Reason: "profiling endpoints served", Line: 31,
			Detail: cpKCM + " must set --profiling=false, not true",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-controller-manager", 901, "--bind-address=127.0.0.1"),
		want: []finding{{
			Object: "File /proc/901/cmdline", Path: "--profiling", Reason: "profiling endpoints served",
			Detail: "kube-controller-manager (process 901) must set --profiling=false (profiling is on by default)",
		}},
	}})
}
