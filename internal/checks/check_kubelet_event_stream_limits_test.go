package checks

import "testing"

func TestKubeletEventStreamLimits(t *testing.T) {
	runCases(t, "kubelet-event-stream-limits", []checkCase{{
		name:     "kubeadm's configuration: its streamingConnectionIdleTimeout of 0s is the default 4h",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, ""),
	}, {
		name:     "no event limit in the file",
		manifest: kubeadmKubeletConfig + "eventRecordQPS: 0\n",
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "eventRecordQPS", Reason: "unlimited kubelet events",
			Detail: "KubeletConfiguration must set eventRecordQPS to a positive number, not 0", Line: 50,
		}},
	}, {
		name:     "both turned off by flags",
		manifest: hardenedKubeletConfig,
		host:     kubeletUnit(true, "--event-qps=0 --streaming-connection-idle-timeout=0"),
		want: []finding{{
			Object: "File " + kubeletDefaults, Path: "--event-qps", Reason: "unlimited kubelet events",
			Detail: kubeletName + " must set --event-qps to a positive number, not 0",
		}, {
			Object: "File " + kubeletDefaults, Path: "--streaming-connection-idle-timeout", Reason: "idle streams never closed",
			Detail: kubeletName + " must set --streaming-connection-idle-timeout to a positive duration such as 5m, not 0",
		}},
	}, {
		name: "no configuration file, defaults",
		host: kubeletUnit(false, "--streaming-connection-idle-timeout=5m"),
	}})
}
