package checks

import "testing"

const localhostPod = `apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: prod
  annotations:
    container.seccomp.security.alpha.kubernetes.io/legacy: localhost/profiles/audit.json
spec:
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: profiles/audit.json
  initContainers:
  - name: init
    image: busybox
    securityContext:
      seccompProfile:
        type: RuntimeDefault
  containers:
  - name: app
    image: nginx
  - name: strict
    image: nginx
    securityContext:
      seccompProfile:
        type: Localhost
        localhostProfile: runtime-default.json
  - name: gone
    image: nginx
    securityContext:
      seccompProfile:
        type: Localhost
        localhostProfile: profiles/missing.json
  - name: legacy
    image: nginx
`

const annotatedPod = `apiVersion: v1
kind: Pod
metadata:
  name: old
  namespace: prod
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: localhost/deny-mount.json
    container.seccomp.security.alpha.kubernetes.io/sidecar: runtime/default
spec:
  containers:
  - name: app
    image: nginx
  - name: sidecar
    image: nginx
`

func TestSeccompLocalhostNonBlocking(t *testing.T) {
	node := seccompNode(profile("profiles/audit.json", "SCMP_ACT_LOG", 0), profile("deny-mount.json", "SCMP_ACT_ALLOW", 1), profile("runtime-default.json", "SCMP_ACT_ERRNO", 4))
	runCases(t, "seccomp-localhost-non-blocking", []checkCase{{
		name:     "no node tree: not evaluated, no finding",
		manifest: localhostPod,
	}, {
		name:     "pod-level log-all profile inherited, container overrides, a missing profile",
		manifest: localhostPod,
		host:     node,
		want: []finding{{
			Object: "Pod prod/app", Path: "spec.securityContext.seccompProfile.localhostProfile", Reason: "non-blocking seccomp profile",
			Detail: `container "app" must run under a seccomp profile that refuses system calls by default, not Localhost profile "profiles/audit.json" (defaultAction SCMP_ACT_LOG)`,
		}, {
			Object: "Pod prod/app", Path: "spec.containers[2].securityContext.seccompProfile.localhostProfile", Reason: "seccomp profile not on the node",
			Detail: `container "gone" runs under Localhost seccomp profile "profiles/missing.json", which /var/lib/kubelet/seccomp does not hold: the container cannot start`,
		}, {
			Object: "Pod prod/app", Path: "spec.securityContext.seccompProfile.localhostProfile", Reason: "non-blocking seccomp profile",
			Detail: `container "legacy" must run under a seccomp profile that refuses system calls by default, not Localhost profile "profiles/audit.json" (defaultAction SCMP_ACT_LOG)`,
		}},
	}, {
		name:     "the annotations, where no field is set",
		manifest: annotatedPod,
		host:     node,
		want: []finding{{
			Object: "Pod prod/old", Path: `metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`, Reason: "non-blocking seccomp profile",
			Detail: `container "app" must run under a seccomp profile that refuses system calls by default, not Localhost profile "deny-mount.json" (defaultAction SCMP_ACT_ALLOW)`,
		}},
	}})
}
