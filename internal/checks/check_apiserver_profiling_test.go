package checks

import "testing"

func TestAPIServerProfiling(t *testing.T) {
	runCases(t, "apiserver-profiling", []checkCase{{
		name:     "kubeadm's default: not set, on",
		manifest: kubeadmPod("kube-apiserver"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: cpArgs, Reason: "profiling endpoints served", Line: 12,
			Detail: cpAPIServer + " must set --profiling=false (profiling is on by default)",
		}},
	}, {
		name:     "hardened",
		manifest: kubeadmPod("kube-apiserver", "--profiling=false"),
	}, {
		name: "a running process with --profiling",
		host: processNode("kube-apiserver", 812, "--profiling", "--secure-port=6443"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--profiling", Reason: "profiling endpoints served",
			Detail: "kube-apiserver (process 812) must set --profiling=false, not true",
		}},
	}})
}
