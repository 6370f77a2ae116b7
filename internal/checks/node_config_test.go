package checks

import (
	"strings"

	"github.com/kubestride/kubestride/internal/host"
)

// kubeadmKubeletConfig is the /var/lib/kubelet/config.yaml kubeadm v1.37
// writes: rotateCertificates is on line 42, streamingConnectionIdleTimeout
// (0s, read as the default 4h) on line 47; podPidsLimit, serverTLSBootstrap,
// protectKernelDefaults and seccompDefault are not set.
const kubeadmKubeletConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
crashLoopBackOff: {}
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
resolvConf: /run/systemd/resolve/resolv.conf
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
`

// hardenedKubeletConfig is kubeadm's configuration with every kubelet
// check's setting made safe: the added fields are on lines 50 to 54.
const hardenedKubeletConfig = kubeadmKubeletConfig + `podPidsLimit: 4096
serverTLSBootstrap: true
protectKernelDefaults: true
seccompDefault: true
eventRecordQPS: 50
`

// kubeletConfig returns kubeadm's configuration with each old line
// replaced by the new one that follows it.
func kubeletConfig(oldNew ...string) string {
	return strings.NewReplacer(oldNew...).Replace(kubeadmKubeletConfig)
}

// The kubelet unit files kubeadm lays out: its drop-in names the
// configuration file on line 4; /etc/default/kubelet holds the
// administrator's extra flags on line 1.
const (
	kubeletDropIn   = "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"
	kubeletDefaults = "/etc/default/kubelet"
	kubeletName     = "kubelet (" + kubeletDropIn + ")"
)

// kubeletUnit returns a node whose kubelet unit runs with --config (when
// config is true) and the extra flags of /etc/default/kubelet.
func kubeletUnit(config bool, extra string) *host.Node {
	var flags []host.Flag
	if config {
		flags = host.ParseUnitArgs("--config=/var/lib/kubelet/config.yaml", kubeletDropIn, 4)
	}
	flags = append(flags, host.ParseUnitArgs("--kubeconfig=/etc/kubernetes/kubelet.conf "+extra, kubeletDefaults, 1)...)
	return &host.Node{Root: "/", Components: []*host.Component{{Name: host.Kubelet, Source: kubeletDropIn, Flags: flags}}}
}
