package checks

import "testing"

func TestHostPathWritable(t *testing.T) {
	const reason = "writable hostPath volumes"
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
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].volumeMounts[1]", Reason: reason,
					Detail: `container "agent" must mount hostPath volume "sock" at "/var/run/containerd/containerd.sock" with readOnly: true`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.volumes[3].hostPath", Reason: reason,
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
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.ephemeralContainers[0].volumeMounts[0]", Reason: reason,
				Detail: `ephemeral container "debugger" must mount hostPath volume "root" at "/host" with readOnly: true`,
			}},
		},
	})
}
