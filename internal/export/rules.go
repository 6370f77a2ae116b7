package export

import (
	"slices"

	"github.com/kubestride/kubestride/internal/check"
)

// pssCheckIDs maps each PSA check ID to the kubestride check that reports
// it.
var pssCheckIDs = map[string]check.ID{
	"allowPrivilegeEscalation":   "pss-allow-privilege-escalation",
	"appArmorProfile":            "pss-apparmor-profile",
	"capabilities_baseline":      "pss-capabilities-baseline",
	"capabilities_restricted":    "pss-capabilities-restricted",
	"hostNamespaces":             "pss-host-namespaces",
	"hostPathVolumes":            "pss-host-path-volumes",
	"hostPorts":                  "pss-host-ports",
	"hostProbesAndHostLifecycle": "pss-host-probes-lifecycle",
	"privileged":                 "pss-privileged",
	"procMount":                  "pss-proc-mount",
	"procMount_restricted":       "pss-proc-mount-restricted",
	"restrictedVolumes":          "pss-restricted-volumes",
	"runAsNonRoot":               "pss-run-as-non-root",
	"runAsUser":                  "pss-run-as-user",
	"seccompProfile_baseline":    "pss-seccomp-baseline",
	"seccompProfile_restricted":  "pss-seccomp-restricted",
	"seLinuxOptions":             "pss-selinux-options",
	"sysctls":                    "pss-sysctls",
	"windowsHostProcess":         "pss-windows-host-process",
}

// resourceRule is a resource check (cpu-limit-missing and the like): each
// init and regular container must set the resource's limit (or, for a
// request, its request or limit), unless the pod-level spec.resources
// does. Ephemeral containers cannot set resources and are left out.
func resourceRule(resource string, limit bool, reason string) Rule {
	provides := func(r string) string {
		s := `'` + resource + `' in ` + r + `.?limits.orValue({})`
		if !limit {
			s += ` || '` + resource + `' in ` + r + `.?requests.orValue({})`
		}
		return s
	}
	field := "resources.requests." + resource
	if limit {
		field = "resources.limits." + resource
	}
	return Rule{
		Variables: []Variable{
			{"podProvides", `variables.podSpec.?resources.hasValue() && (` + provides("variables.podSpec.resources") + `)`},
			{"bad", `variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?containers.orValue([])`},
			{"missing", `variables.bad.filter(c, !(` + provides("c.?resources.orValue({})") + `)).map(c, c.name)`},
		},
		Expression: `variables.podProvides || size(variables.missing) == 0`,
		Message:    `'` + reason + ` (' + ` + celNamed("variables.missing", "container", "containers") + ` + ' must set ` + field + `)'`,
	}
}

// The node paths host-path-writable treats as critical however they are
// mounted (see internal/checks/check_host_path_writable.go).
var (
	runtimeSockets      = celList("docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "dockershim.sock")
	runtimeSocketDirs   = celList("/run", "/var/run", "/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio", "/run/docker", "/var/run/docker", "/run/k3s/containerd")
	nodeSystemDirs      = celList("/", "/etc", "/proc", "/sys", "/dev")
	nodeCredentialTrees = celList("/var/lib/kubelet", "/etc/kubernetes", "/root", "/home")
)

// hostPathElems is the CEL list of the elements of volume v's hostPath
// path, without empty and "." elements; hostPathClean is the path they
// make, as path.Clean makes it of a path without "..".
const (
	hostPathElems = `v.hostPath.?path.orValue('').split('/').filter(e, e != '' && e != '.')`
	hostPathClean = `('/' + ` + hostPathElems + `.join('/'))`
)

// hostPathCritical is the CEL condition that volume v's hostPath is
// critical however it is mounted; a path with ".." elements counts as
// critical, since CEL cannot clean it.
var hostPathCritical = `(v.hostPath.?path.orValue('') != '' && ('..' in ` + hostPathElems + ` || ` +
	`(size(` + hostPathElems + `) > 0 && ` + hostPathElems + `[size(` + hostPathElems + `) - 1] in ` + runtimeSockets + `) || ` +
	hostPathClean + ` in ` + runtimeSocketDirs + ` || ` + hostPathClean + ` in ` + nodeSystemDirs + ` || ` +
	nodeCredentialTrees + `.exists(t, ` + hostPathClean + ` == t || ` + hostPathClean + `.startsWith(t + '/'))))`

// rules holds kubestride's own checks that CEL expresses on one object,
// by check ID.
var rules = map[check.ID]Rule{
	"image-latest-tag": {
		Variables: []Variable{{"bad", `variables.containers.filter(c, c.?image.orValue('') != '' && !c.image.contains('@') && ` +
			`(c.image.lastIndexOf(':') <= c.image.lastIndexOf('/') || c.image.substring(c.image.lastIndexOf(':') + 1) == 'latest')).map(c, c.name)`}},
		Expression: `size(variables.bad) == 0`,
		Message:    `'latest image tags (' + ` + celNamed("variables.bad", "container", "containers") + ` + ' must set the image to a fixed tag or digest, not "latest" or no tag)'`,
	},
	"image-not-pinned": {
		Variables:  []Variable{{"bad", `variables.containers.filter(c, c.?image.orValue('') != '' && !c.image.matches('^[^@]*@(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$')).map(c, c.name)`}},
		Expression: `size(variables.bad) == 0`,
		Message:    `'images not pinned by digest (' + ` + celNamed("variables.bad", "container", "containers") + ` + ' must pin the image by digest (@sha256:<digest>))'`,
	},
	"root-filesystem-writable": {
		Variables:  []Variable{{"bad", `variables.containers.filter(c, !c.?securityContext.?readOnlyRootFilesystem.orValue(false)).map(c, c.name)`}},
		Expression: `variables.windows || size(variables.bad) == 0`,
		Message:    `'writable root filesystems (' + ` + celNamed("variables.bad", "container", "containers") + ` + ' must set securityContext.readOnlyRootFilesystem=true)'`,
	},
	"host-users-not-disabled": {
		Expression: `variables.windows || variables.userNamespace`,
		Message:    `'host user namespace (pod spec must set hostUsers=false)'`,
	},
	"service-account-token-automount": {
		Expression: `!variables.podSpec.?automountServiceAccountToken.orValue(true)`,
		Message:    `'automounted service account tokens (pod spec must set automountServiceAccountToken=false)'`,
	},
	"host-path-writable": {
		Variables: []Variable{
			{"bad", `variables.podSpec.?volumes.orValue([]).filter(v, has(v.hostPath) && (` + hostPathCritical + ` || ` +
				`!variables.containers.exists(c, c.?volumeMounts.orValue([]).exists(m, m.name == v.name)) || ` +
				`variables.containers.exists(c, c.?volumeMounts.orValue([]).exists(m, m.name == v.name && !m.?readOnly.orValue(false))))).map(v, v.name)`},
		},
		Expression: `size(variables.bad) == 0`,
		Message: `'writable or sensitive hostPath volumes (hostPath ' + ` + celNamed("variables.bad", "volume", "volumes") +
			` + ' must be mounted by every container with readOnly: true, and must not be a runtime socket or a system or credential directory of the node)'`,
	},
	"cpu-limit-missing":               resourceRule("cpu", true, "missing cpu limits"),
	"memory-limit-missing":            resourceRule("memory", true, "missing memory limits"),
	"ephemeral-storage-limit-missing": resourceRule("ephemeral-storage", true, "missing ephemeral-storage limits"),
	"cpu-request-missing":             resourceRule("cpu", false, "missing cpu requests"),
	"memory-request-missing":          resourceRule("memory", false, "missing memory requests"),
}

// Divergences documents where an exported policy is stricter than the
// check, by check ID: what the policy cannot see. A scan that holds the
// missing object can pass what the policy denies; never the reverse.
var Divergences = map[check.ID]string{
	"service-account-token-automount": "the policy cannot read the pod's ServiceAccount: a pod that leaves automountServiceAccountToken unset is denied even when its ServiceAccount sets it to false",
	"host-path-writable":              `CEL cannot clean a path with ".." elements: such a hostPath is denied however it is mounted`,
	"cpu-limit-missing":               "a Deployment or other pod template is denied even where a LimitRange of its namespace would default the limit into its pods (Pods are judged after LimitRanger has done so)",
	"memory-limit-missing":            "a pod template is denied even where a LimitRange of its namespace would default the limit (Pods are judged after LimitRanger)",
	"ephemeral-storage-limit-missing": "a pod template is denied even where a LimitRange of its namespace would default the limit (Pods are judged after LimitRanger)",
	"cpu-request-missing":             "a pod template is denied even where a LimitRange of its namespace would default the request (Pods are judged after LimitRanger)",
	"memory-request-missing":          "a pod template is denied even where a LimitRange of its namespace would default the request (Pods are judged after LimitRanger)",
}

// Why a check cannot be exported, by topic, for the topics no check of
// which CEL can express.
var topicReasons = map[check.Topic]string{
	check.TopicRBAC:       "judges roles and bindings together, or the RBAC graph, which a policy on one object cannot see",
	check.TopicNamespaces: "judges a namespace by the objects in it (labels, quotas, limit ranges, network policies), which a policy on one object cannot see",
	check.TopicCluster:    "judges the cluster as a whole (nodes, control plane), not an object admitted",
	check.TopicNode:       "judges node and control-plane files and processes, which admission never sees",
	check.TopicAuditLog:   "judges audit events, which admission never sees",
	check.TopicImage:      "judges images in a registry (signatures, digests, vulnerabilities), which CEL cannot reach",
}

// reasons says why each check of the workloads and objects topics that is
// not in rules cannot be exported.
var reasons = map[check.ID]string{
	"custom-resource-pod-spec-not-evaluated": "reports custom resources whose pod specs the scan cannot read; it judges the scan's coverage, not an object",
	"deprecated-api-version":                 "judges the apiVersion a manifest is written in; the API server converts every request to the version it serves, so admission never sees it",
	"duplicate-object":                       "compares objects with each other",
	"ignored-security-setting":               "judges fields the decoder drops; admission sees the object after they are gone",
	"unknown-field":                          "judges fields the decoder drops; admission sees the object after they are gone",
	"owner-reference-mismatch":               "compares an object with its controller and the controller's template",
	"workload-ingress-unrestricted":          "needs the NetworkPolicies of the workload's namespace",
	"secret-in-env":                          "judges values with package secretscan (token formats, entropy, placeholders), which CEL cannot reproduce exactly",
	"secret-in-configmap":                    "judges values with package secretscan (token formats, entropy, placeholders), which CEL cannot reproduce exactly",
	"secret-manifest-with-data":              "judges Secrets as written in manifests; in the cluster is where their values belong",
	"istio-peer-authentication-permissive":   "it judges Istio PeerAuthentication objects, and the export matches pods and pod templates only",
	"istio-authorization-allow-all":          "it judges Istio AuthorizationPolicy objects, and the export matches pods and pod templates only",
	"linkerd-authorization-allow-all":        "it judges Linkerd AuthorizationPolicies and the authentications they name: other objects",
	"registry-credential-shared":             "compares pull secrets across namespaces",
	"mesh-workload-not-injected":             "needs the labels of the workload's namespace and whether a mesh is installed, and the mesh's injection webhook changes the pod before a policy would see it",
	"registry-credential-push-access":        "decodes the registry tokens inside a pull secret's Docker config (base64 JSON holding a JWT), which CEL cannot do",
	"service-account-pull-secret-unused":     "compares a ServiceAccount's pull secrets with the images of the workloads that run as it",
	"seccomp-localhost-non-blocking":         "it reads the Localhost seccomp profile's file on the node, which admission cannot see",
	"service-external-no-source-ranges":      "not written in CEL yet: it judges Services, and the export matches pods and pod templates only",
	"legacy-service-account-token-secret":    "not written in CEL yet: it judges Secrets, and the export matches pods and pod templates only",
	"default-service-account":                "not written in CEL yet: the API server's ServiceAccount admission fills in \"default\" before validation, so the policy would judge another object than the manifest",
	"projected-token-long-expiry":            "not written in CEL yet: the check leaves out the kube-api-access volume the API server injects, which a policy would have to recognise by its generated name",
	"projected-token-no-audience":            "not written in CEL yet: the check leaves out the kube-api-access volume the API server injects, which a policy would have to recognise by its generated name",
}

// PSSChecks returns the IDs of the checks that report Pod Security
// Standards controls, sorted.
func PSSChecks() []check.ID {
	out := make([]check.ID, 0, len(pssCheckIDs))
	for _, id := range pssCheckIDs {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Exportable returns the IDs of kubestride's own checks that have a CEL
// rule (the Pod Security Standards controls aside), sorted.
func Exportable() []check.ID {
	out := make([]check.ID, 0, len(rules))
	for id := range rules {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
