package checks

import "testing"

func TestSchedulerProfiling(t *testing.T) {
	runCases(t, "scheduler-profiling", []checkCase{{
		name:     "kubeadm's default: not set, on",
		manifest: kubeadmPod("kube-scheduler"),
		lines:    true,
		want: []finding{{
			Object: schedulerPod, Path: cpArgs, Reason: "profiling endpoints served", Line: 12,
			Detail: cpScheduler + " must set --profiling=false (profiling is on by default)",
		}},
	}, {
		name:     "hardened",
		manifest: kubeadmPod("kube-scheduler", "--profiling=false"),
	}, {
		name:     "a configuration file decides, and --profiling is ignored beside it",
		manifest: kubeadmPod("kube-scheduler", "--config=/etc/kubernetes/scheduler-config.yaml", "--profiling=true"),
	}, {
		name: "a running process",
		host: processNode("kube-scheduler", 902, "--profiling=true"),
		want: []finding{{
			Object: "File /proc/902/cmdline", Path: "--profiling", Reason: "profiling endpoints served",
			Detail: "kube-scheduler (process 902) must set --profiling=false, not true",
		}},
	}})
}
