package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestHostPathWritable(t *testing.T) {
	const (
		reason    = "writable hostPath volumes"
		sensitive = "sensitive hostPath volumes"
	)
	runCases(t, "host-path-writable", []checkCase{
		{
			name: "read-only hostPath, writable emptyDir",
			manifest: deployment(`containers:
- name: app
  image: app:1
  volumeMounts:
  - {name: logs, mountPath: /var/log/host, readOnly: true}
  - {name: scratch, mountPath: /tmp}
volumes:
- name: logs
  hostPath: {path: /var/log}
- name: scratch
  emptyDir: {}
`),
		},
		{
			name: "writable mounts and an unmounted volume",
			manifest: deployment(`initContainers:
- name: setup
  image: setup:1
  volumeMounts:
  - {name: cni, mountPath: /host/opt/cni/bin}
containers:
- name: agent
  image: agent:1
  volumeMounts:
  - {name: scratch, mountPath: /tmp}
  - {name: sock, mountPath: /var/run/containerd/containerd.sock, readOnly: false}
  - {name: cni, mountPath: /opt/cni, readOnly: true}
volumes:
- name: scratch
  emptyDir: {}
- name: sock
  hostPath: {path: /run/containerd/containerd.sock, type: Socket}
- name: cni
  hostPath: {path: /opt/cni/bin}
- name: spare
  hostPath: {path: /}
`),
			want: []finding{
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0].volumeMounts[0]", Reason: reason,
					Detail: `init container "setup" must mount hostPath volume "cni" at "/host/opt/cni/bin" with readOnly: true`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].volumeMounts[1]", Reason: sensitive, Severity: check.Critical,
					Detail: `container "agent" must not mount hostPath volume "sock" at "/var/run/containerd/containerd.sock" ("/run/containerd/containerd.sock" is the container runtime socket; readOnly: true does not make it safe)`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.volumes[3].hostPath", Reason: sensitive, Severity: check.Critical,
					Detail: `hostPath volume "spare" must be removed (no container mounts it)`,
				},
			},
		},
		{
			name: "ephemeral container mount",
			manifest: pod(`containers:
- name: app
  image: app:1
  volumeMounts: [{name: root, mountPath: /host, readOnly: true}]
ephemeralContainers:
- name: debugger
  image: busybox:1.36
  volumeMounts: [{name: root, mountPath: /host}]
volumes:
- name: root
  hostPath: {path: /}
`),
			want: []finding{
				{
					Object: "Pod shop/app", Path: "spec.containers[0].volumeMounts[0]", Reason: sensitive, Severity: check.Critical,
					Detail: `container "app" must not mount hostPath volume "root" at "/host" ("/" exposes the node's whole file system; readOnly: true does not make it safe)`,
				},
				{
					Object: "Pod shop/app", Path: "spec.ephemeralContainers[0].volumeMounts[0]", Reason: sensitive, Severity: check.Critical,
					Detail: `ephemeral container "debugger" must not mount hostPath volume "root" at "/host" ("/" exposes the node's whole file system; readOnly: true does not make it safe)`,
				},
			},
		},
	})
}

// TestHostPathClasses grades one mount of each class of node path, read-only
// and writable.
func TestHostPathClasses(t *testing.T) {
	const (
		reason    = "writable hostPath volumes"
		sensitive = "sensitive hostPath volumes"
		mountPath = "spec.template.spec.containers[0].volumeMounts[0]"
	)
	manifest := func(hostPath string, readOnly bool) string {
		ro := "false"
		if readOnly {
			ro = "true"
		}
		return deployment(`containers:
- name: app
  image: app:1
  volumeMounts: [{name: host, mountPath: /host, readOnly: ` + ro + `}]
volumes:
- name: host
  hostPath: {path: "` + hostPath + `"}
`)
	}
	critical := func(hostPath, what string) []finding {
		return []finding{{
			Object: "Deployment shop/app", Path: mountPath, Reason: sensitive, Severity: check.Critical,
			Detail: `container "app" must not mount hostPath volume "host" at "/host" ("` + hostPath + `" ` + what + `; readOnly: true does not make it safe)`,
		}}
	}
	writable := func(sev check.Severity) []finding {
		return []finding{{
			Object: "Deployment shop/app", Path: mountPath, Reason: reason, Severity: sev,
			Detail: `container "app" must mount hostPath volume "host" at "/host" with readOnly: true`,
		}}
	}
	const socket = "is the container runtime socket"
	const socketDir = "holds the container runtime socket"
	tests := []struct {
		class, path string
		// ro and rw are the findings of a read-only and of a writable mount.
		ro, rw []finding
	}{
		{"docker socket", "/var/run/docker.sock", critical("/var/run/docker.sock", socket), critical("/var/run/docker.sock", socket)},
		{"containerd socket", "/run/containerd/containerd.sock", critical("/run/containerd/containerd.sock", socket), critical("/run/containerd/containerd.sock", socket)},
		{"cri-o socket", "/var/run/crio/crio.sock", critical("/var/run/crio/crio.sock", socket), critical("/var/run/crio/crio.sock", socket)},
		{"k3s containerd socket", "/run/k3s/containerd/containerd.sock", critical("/run/k3s/containerd/containerd.sock", socket), critical("/run/k3s/containerd/containerd.sock", socket)},
		{"socket directory", "/var/run", critical("/var/run", socketDir), critical("/var/run", socketDir)},
		{"socket directory with a trailing slash", "/run/containerd/", critical("/run/containerd/", socketDir), critical("/run/containerd/", socketDir)},
		{"crio directory", "/var/run/crio", critical("/var/run/crio", socketDir), critical("/var/run/crio", socketDir)},
		{"root", "/", critical("/", "exposes the node's whole file system"), critical("/", "exposes the node's whole file system")},
		{"etc", "/etc", critical("/etc", "exposes the node's configuration and credentials"), critical("/etc", "exposes the node's configuration and credentials")},
		{"proc", "/proc", critical("/proc", "exposes every process of the node, with its environment"), critical("/proc", "exposes every process of the node, with its environment")},
		{"sys", "/sys", critical("/sys", "exposes the node's kernel and device settings"), critical("/sys", "exposes the node's kernel and device settings")},
		{"dev", "/dev", critical("/dev", "exposes the node's devices, its disks included"), critical("/dev", "exposes the node's devices, its disks included")},
		{"root's home", "/root", critical("/root", "exposes the node's user keys and credentials"), critical("/root", "exposes the node's user keys and credentials")},
		{"below home", "/home/admin/.ssh", critical("/home/admin/.ssh", "exposes the node's user keys and credentials"), critical("/home/admin/.ssh", "exposes the node's user keys and credentials")},
		{"kubelet directory", "/var/lib/kubelet", critical("/var/lib/kubelet", "exposes the kubelet's credentials and every pod's secrets"), critical("/var/lib/kubelet", "exposes the kubelet's credentials and every pod's secrets")},
		{"kubelet pods", "/var/lib/kubelet/pods", critical("/var/lib/kubelet/pods", "exposes the kubelet's credentials and every pod's secrets"), critical("/var/lib/kubelet/pods", "exposes the kubelet's credentials and every pod's secrets")},
		{"kubernetes configuration", "/etc/kubernetes/pki", critical("/etc/kubernetes/pki", "exposes the node's kubeconfigs and the cluster's certificates"), critical("/etc/kubernetes/pki", "exposes the node's kubeconfigs and the cluster's certificates")},
		{"log directory", "/var/log", nil, writable(0)},
		{"pod logs", "/var/log/pods", nil, writable(0)},
		{"lock file", "/run/xtables.lock", nil, writable(check.Low)},
		{"other path", "/opt/cni/bin", nil, writable(0)},
		{"subdirectory of etc", "/etc/ssl/certs", nil, writable(0)},
		{"subdirectory of sys", "/sys/fs/bpf", nil, writable(0)},
		{"a name like kubelet's", "/var/lib/kubelet-extra", nil, writable(0)},
	}
	for _, tc := range tests {
		runCases(t, "host-path-writable", []checkCase{
			{name: tc.class + " read-only", manifest: manifest(tc.path, true), want: tc.ro},
			{name: tc.class + " writable", manifest: manifest(tc.path, false), want: tc.rw},
		})
	}
}
