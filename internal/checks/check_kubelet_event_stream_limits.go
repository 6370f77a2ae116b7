package checks

// Two kubelet limits that 0 turns off: eventRecordQPS, the rate at which
// the kubelet creates events (0: no limit, so a crash-looping node floods
// the API server and etcd with events), and the idle timeout of streaming
// connections (exec, attach, port-forward; 0: an idle session stays open
// until the kubelet's four-hour cap).
//
// Inspected: --event-qps and eventRecordQPS (50 by default), and
// --streaming-connection-idle-timeout (4h by default) of every kubelet,
// flags over its KubeletConfiguration. A configuration file cannot turn the
// idle timeout off: its streamingConnectionIdleTimeout of 0 (kubeadm writes
// 0s) is read as the default, 4h. Allowed: anything but 0.

import (
	"strconv"
	"time"

	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	events := kubeletSetting{
		flag: "event-qps", field: "eventRecordQPS",
		flagDefault: "50", fileDefault: "50",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			if c.EventRecordQPS == nil {
				return "", false
			}
			return strconv.Itoa(int(*c.EventRecordQPS)), true
		},
		ok: func(v string) bool {
			n, err := strconv.Atoi(v)
			return err != nil || n != 0
		},
		want: " to a positive number",
	}
	streams := kubeletSetting{
		flag: "streaming-connection-idle-timeout", field: "streamingConnectionIdleTimeout",
		flagDefault: "4h0m0s", fileDefault: "4h0m0s",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			d := c.StreamingConnectionIdleTimeout.Duration
			return d.String(), d != 0
		},
		zeroDefaulted: true,
		ok: func(v string) bool {
			d, err := time.ParseDuration(v)
			return err != nil || d != 0
		},
		want: " to a positive duration such as 5m",
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-event-stream-limits",
		Title:       "Kubelet event or stream limit turned off",
		Category:    check.DenialOfService,
		Severity:    check.Low,
		Description: "An eventRecordQPS of 0 lets a kubelet create events without limit, so a failing node floods the API server and etcd; a streaming connection idle timeout of 0 keeps idle exec, attach and port-forward sessions open until the kubelet's four-hour cap.",
		Remediation: "Leave eventRecordQPS unset (50) or set it to a positive number, and remove --streaming-connection-idle-timeout=0 or set it to a few minutes (5m).",
		CIS:         "4.2.5, 4.2.8",
		References:  []string{"https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/#kubelet-config-k8s-io-v1beta1-KubeletConfiguration"},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, k := range v.kubelets() {
			if f := k.judge(events, "unlimited kubelet events"); f != nil {
				out = append(out, *f)
			}
			if f := k.judge(streams, "idle streams never closed"); f != nil {
				out = append(out, *f)
			}
		}
		return out
	}))
}
