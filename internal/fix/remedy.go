package fix

import (
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/report"
)

// The checks kubestride fix remedies.
const (
	Capabilities             check.ID = "pss-capabilities-restricted"
	Seccomp                  check.ID = "pss-seccomp-restricted"
	AllowPrivilegeEscalation check.ID = "pss-allow-privilege-escalation"
	RunAsNonRoot             check.ID = "pss-run-as-non-root"
	ReadOnlyRootFilesystem   check.ID = "root-filesystem-writable"
	TokenAutomount           check.ID = "service-account-token-automount"
)

// remedy fixes one check's finding on a workload.
type remedy struct {
	id check.ID
	// what says in a few words what the remedy sets.
	what string
	// plan returns the additions that remove the finding f of w, and the
	// reasons a part of it is left as it is.
	plan func(w *inventory.Workload, f report.Finding, o Options) ([]change, []string)
	// network marks a remedy that reaches registries: it applies only
	// with Options.PinDigests.
	network bool
	// gaps, when set, returns what the remedy could not evaluate on w
	// (an image that did not resolve); each is reported and is an error
	// for the caller, never a silent skip.
	gaps func(w *inventory.Workload, o Options) []string
}

// change is one addition with its description.
type change struct {
	op  op
	msg string
}

// RemedyInfo describes one remedy kubestride fix applies.
type RemedyInfo struct {
	ID   check.ID
	What string
	// Network marks a remedy that reaches registries, applied only with
	// Options.PinDigests.
	Network bool
}

// Remedies lists the IDs of the checks kubestride fix remedies, with what
// it sets, in the order it applies them.
func Remedies() []RemedyInfo {
	out := make([]RemedyInfo, len(remedies))
	for i, r := range remedies {
		out[i] = RemedyInfo{ID: r.id, What: r.what, Network: r.network}
	}
	return out
}

var remedies = []remedy{
	{id: Capabilities, what: `securityContext.capabilities.drop gets "ALL" in every container`, plan: planCapabilities},
	{id: Seccomp, what: "securityContext.seccompProfile.type=RuntimeDefault on the pod", plan: planSeccomp},
	{id: AllowPrivilegeEscalation, what: "securityContext.allowPrivilegeEscalation=false in every container", plan: planAllowPrivilegeEscalation},
	{id: RunAsNonRoot, what: "securityContext.runAsNonRoot=true on the pod", plan: planRunAsNonRoot},
	{id: ReadOnlyRootFilesystem, what: "securityContext.readOnlyRootFilesystem=true in every container (with --tmp-emptydir, an emptyDir volume mounted at /tmp)", plan: planReadOnlyRootFilesystem},
	{id: TokenAutomount, what: "automountServiceAccountToken=false on the pod, where its service account holds no RBAC binding", plan: planTokenAutomount},
	{id: ImageNotPinned, what: "with --pin-digests, every image written by tag is pinned to the digest its registry reports (name:tag@sha256:...)",
		plan: planPin(ImageNotPinned), network: true, gaps: func(w *inventory.Workload, o Options) []string { return pinGaps(ImageNotPinned, w, o) }},
	{id: ImageLatestTag, what: "with --pin-digests, every image on the latest tag (written or implied) is pinned to the digest its registry reports",
		plan: planPin(ImageLatestTag), network: true, gaps: func(w *inventory.Workload, o Options) []string { return pinGaps(ImageLatestTag, w, o) }},
}

func remedyFor(id check.ID) (remedy, bool) {
	for _, r := range remedies {
		if r.id == id {
			return r, true
		}
	}
	return remedy{}, false
}

func noun(c inventory.Container) string {
	switch c.Kind {
	case inventory.InitContainer:
		return "init container " + strconv.Quote(c.Name)
	case inventory.EphemeralContainer:
		return "ephemeral container " + strconv.Quote(c.Name)
	}
	return "container " + strconv.Quote(c.Name)
}

func containerOp(c inventory.Container, leaf *value, appendItem bool, keys ...string) op {
	return op{base: c.Path, keys: keys, leaf: leaf, appendItem: appendItem}
}

func planCapabilities(w *inventory.Workload, _ report.Finding, _ Options) ([]change, []string) {
	var out []change
	var left []string
	for _, c := range w.Containers() {
		sc := c.SecurityContext
		var caps *corev1.Capabilities
		if sc != nil {
			caps = sc.Capabilities
		}
		if caps == nil || !slices.Contains(caps.Drop, "ALL") {
			out = append(out, change{containerOp(c, scalar(`"ALL"`), true, "securityContext", "capabilities", "drop"),
				noun(c) + `: securityContext.capabilities.drop gets "ALL"`})
		}
		if caps != nil {
			for _, a := range caps.Add {
				if a != "NET_BIND_SERVICE" {
					left = append(left, noun(c)+" adds capability "+strconv.Quote(string(a))+": remove it by hand if the container can do without")
				}
			}
		}
	}
	return out, left
}

func planSeccomp(w *inventory.Workload, _ report.Finding, _ Options) ([]change, []string) {
	var left []string
	for _, c := range w.Containers() {
		if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeUnconfined {
			left = append(left, noun(c)+" sets securityContext.seccompProfile.type=Unconfined")
		}
	}
	if sc := w.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		return nil, append(left, "the pod sets securityContext.seccompProfile.type="+string(sc.SeccompProfile.Type))
	}
	return []change{{op{base: w.SpecPath, keys: []string{"securityContext", "seccompProfile", "type"}, leaf: scalar("RuntimeDefault")},
		"pod: securityContext.seccompProfile.type=RuntimeDefault"}}, left
}

func planAllowPrivilegeEscalation(w *inventory.Workload, _ report.Finding, _ Options) ([]change, []string) {
	var out []change
	var left []string
	for _, c := range w.Containers() {
		sc := c.SecurityContext
		if sc != nil && sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
			continue
		}
		// The API rejects allowPrivilegeEscalation=false beside
		// privileged=true or an added CAP_SYS_ADMIN.
		if sc != nil && sc.Privileged != nil && *sc.Privileged {
			left = append(left, noun(c)+" sets securityContext.privileged=true, which the API does not accept beside allowPrivilegeEscalation=false")
			continue
		}
		if sc != nil && sc.Capabilities != nil && slices.ContainsFunc(sc.Capabilities.Add, func(a corev1.Capability) bool {
			return strings.TrimPrefix(string(a), "CAP_") == "SYS_ADMIN"
		}) {
			left = append(left, noun(c)+" adds capability SYS_ADMIN, which the API does not accept beside allowPrivilegeEscalation=false")
			continue
		}
		out = append(out, change{containerOp(c, scalar("false"), false, "securityContext", "allowPrivilegeEscalation"),
			noun(c) + ": securityContext.allowPrivilegeEscalation=false"})
	}
	return out, left
}

func planRunAsNonRoot(w *inventory.Workload, _ report.Finding, _ Options) ([]change, []string) {
	var left []string
	root := false
	if sc := w.Spec.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		left = append(left, "the pod sets securityContext.runAsUser=0: with runAsNonRoot=true it would not start")
		root = true
	}
	for _, c := range w.Containers() {
		sc := c.SecurityContext
		switch {
		case sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0:
			left = append(left, noun(c)+" sets securityContext.runAsUser=0: with runAsNonRoot=true it would not start")
			root = true
		case sc != nil && sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot:
			left = append(left, noun(c)+" sets securityContext.runAsNonRoot=false")
		}
	}
	if sc := w.Spec.SecurityContext; sc != nil && sc.RunAsNonRoot != nil {
		return nil, append(left, "the pod sets securityContext.runAsNonRoot="+strconv.FormatBool(*sc.RunAsNonRoot))
	}
	if root {
		return nil, left
	}
	return []change{{op{base: w.SpecPath, keys: []string{"securityContext", "runAsNonRoot"}, leaf: scalar("true")},
		"pod: securityContext.runAsNonRoot=true"}}, left
}

// tmpVolume is the name of the emptyDir volume --tmp-emptydir mounts at
// /tmp, made unique within the pod.
func tmpVolume(spec *corev1.PodSpec) string {
	taken := map[string]bool{}
	for _, v := range spec.Volumes {
		taken[v.Name] = true
	}
	name := "tmp"
	for i := 1; taken[name]; i++ {
		name = "tmp-" + strconv.Itoa(i)
	}
	return name
}

func planReadOnlyRootFilesystem(w *inventory.Workload, _ report.Finding, o Options) ([]change, []string) {
	var out []change
	var left []string
	volume := ""
	for _, c := range w.Containers() {
		sc := c.SecurityContext
		if sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
			continue
		}
		out = append(out, change{containerOp(c, scalar("true"), false, "securityContext", "readOnlyRootFilesystem"),
			noun(c) + ": securityContext.readOnlyRootFilesystem=true"})
		if !o.TmpEmptyDir || c.Kind == inventory.EphemeralContainer {
			continue
		}
		if slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return strings.TrimRight(m.MountPath, "/") == "/tmp" }) {
			continue
		}
		if volume == "" {
			volume = tmpVolume(w.Spec)
			item := mapOf()
			item.set("name", scalar(volume))
			item.set("emptyDir", mapOf())
			out = append(out, change{op{base: w.SpecPath, keys: []string{"volumes"}, leaf: item, appendItem: true},
				"pod: emptyDir volume " + strconv.Quote(volume)})
		}
		mount := mapOf()
		mount.set("name", scalar(volume))
		mount.set("mountPath", scalar("/tmp"))
		out = append(out, change{containerOp(c, mount, true, "volumeMounts"),
			noun(c) + ": volume " + strconv.Quote(volume) + " mounted at /tmp"})
	}
	return out, left
}

// automountWording is what the finding says when its remedy is setting
// automount to false; when the service account holds RBAC bindings the
// workload calls the API, and the finding asks for a projected token.
const automountWording = "must set automountServiceAccountToken=false"

func planTokenAutomount(w *inventory.Workload, f report.Finding, _ Options) ([]change, []string) {
	if !strings.Contains(f.Message, automountWording) {
		return nil, []string{"the service account holds RBAC bindings, so the workload calls the API: mount a projected serviceAccountToken volume by hand"}
	}
	if v := w.Spec.AutomountServiceAccountToken; v != nil && *v {
		return nil, []string{"the pod sets automountServiceAccountToken=true"}
	}
	return []change{{op{base: w.SpecPath, keys: []string{"automountServiceAccountToken"}, leaf: scalar("false")},
		"pod: automountServiceAccountToken=false"}}, nil
}
