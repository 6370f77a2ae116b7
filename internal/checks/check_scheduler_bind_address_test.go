package checks

import "testing"

func TestSchedulerBindAddress(t *testing.T) {
	runCases(t, "scheduler-bind-address", []checkCase{{
		name:     "kubeadm's default: loopback",
		manifest: kubeadmPod("kube-scheduler"),
	}, {
		name:     "not set: all interfaces by default",
		manifest: kubeadmPod("kube-scheduler", "!--bind-address"),
		lines:    true,
		want: []finding{{
			Object: schedulerPod, Path: cpArgs, Reason: "port served beyond loopback", Line: 12,
			Detail: cpScheduler + " must set --bind-address=127.0.0.1 (it serves on all interfaces by default)",
		}},
	}, {
		name:     "all IPv6 interfaces",
		manifest: kubeadmPod("kube-scheduler", "'--bind-address=::'"),
		lines:    true,
		want: []finding{{
			Object: schedulerPod, Path: "spec.containers[0].command[3]", Reason: "port served beyond loopback", Line: 16,
			Detail: cpScheduler + ` must set --bind-address=127.0.0.1, not "::" (all interfaces)`,
		}},
	}, {
		name: "a running process on loopback",
		host: processNode("kube-scheduler", 902, "--bind-address=127.0.0.1"),
	}})
}
