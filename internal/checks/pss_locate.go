package checks

import (
	"reflect"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/pss"
)

// Reference URLs used by the Pod Security Standards checks.
const (
	refKernelConstraints = "https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/"
	refAppArmor          = "https://kubernetes.io/docs/tutorials/security/apparmor/"
	refSeccomp           = "https://kubernetes.io/docs/tutorials/security/seccomp/"
	refSysctls           = "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/"
	refVolumes           = "https://kubernetes.io/docs/concepts/storage/volumes/"
	refHostProcess       = "https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/"
	refUserNamespaces    = "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/"
	refProbes            = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"
	refConfigOverview    = "https://kubernetes.io/docs/concepts/configuration/overview/"
)

// The locate functions of the PSS checks run only once the library has
// forbidden the pod, so they need not repeat its verdict: they point at the
// field that explains it. They ignore what only relaxes a control (a
// user-namespaced pod, a Windows pod), since a relaxed control does not
// forbid.

// containerSecurityContextPath returns the path of a container's
// securityContext, or of the container when it has none: where a missing
// container-level field belongs.
func containerSecurityContextPath(c inventory.Container) string {
	if c.SecurityContext != nil {
		return c.Field("securityContext")
	}
	return c.Path
}

// nearestSecurityContext returns where a field that may be set on the pod or
// on the container belongs when neither sets it: the container's
// securityContext, else the pod's, else "" (the pod spec).
func nearestSecurityContext(w *inventory.Workload, c inventory.Container) string {
	switch {
	case c.SecurityContext != nil:
		return c.Field("securityContext")
	case w.Spec.SecurityContext != nil:
		return w.Path("securityContext")
	}
	return ""
}

// annotationPath returns the path of a pod annotation.
func annotationPath(w *inventory.Workload, key string) string {
	return fieldpath.Key(fieldpath.Join(w.MetaPath, "annotations"), key)
}

// sortedAnnotations returns the pod's annotation keys that start with
// prefix, sorted.
func sortedAnnotations(w *inventory.Workload, prefix string) []string {
	var keys []string
	for k := range w.PodMeta.Annotations {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// volumeSources returns the JSON names of the sources a volume sets
// ("hostPath", "nfs", …), in the order of the API type; a valid volume sets
// at most one.
func volumeSources(v *corev1.Volume) []string {
	var out []string
	src := reflect.ValueOf(v.VolumeSource)
	typ := src.Type()
	for i := 0; i < src.NumField(); i++ {
		if f := src.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
}

// pssProbe is one value a locate function asks the library about: a pod
// spec holding that value alone, and the path of the value in the workload.
type pssProbe struct {
	path string
	spec *corev1.PodSpec
}

// firstForbiddenValue returns the path of the first probe that the baseline
// control id forbids, for controls whose allowed values are a list that
// grows with the version (sysctls, SELinux types, capabilities). It asks
// first at the newest version, whose verdict holds at every version, then at
// v1.0, the strictest; "" when neither forbids any probe. Asking the library
// keeps the lists of allowed values in one place.
func firstForbiddenValue(id string, probes []pssProbe) string {
	for _, v := range []api.Version{api.LatestVersion(), api.MajorMinorVersion(1, 0)} {
		ctl, ok := pss.For(api.LevelVersion{Level: api.LevelBaseline, Version: v}).Control(id)
		if !ok {
			continue
		}
		for _, p := range probes {
			if !ctl.Check(&metav1.ObjectMeta{}, p.spec).Allowed {
				return p.path
			}
		}
	}
	return ""
}

// baselineFix holds, for each baseline control that a restricted control
// replaces, a function that changes in a copy of a pod the values the
// baseline control b forbids to values both levels allow, keeping every
// list's indexes: what is left for the restricted control to forbid is its
// own part.
var baselineFix = map[string]func(b *pss.Control, meta *metav1.ObjectMeta, spec *corev1.PodSpec){
	"capabilities_baseline": func(b *pss.Control, _ *metav1.ObjectMeta, spec *corev1.PodSpec) {
		fix := func(sc *corev1.SecurityContext) {
			if sc == nil || sc.Capabilities == nil {
				return
			}
			for j, capability := range sc.Capabilities.Add {
				probe := &corev1.PodSpec{Containers: []corev1.Container{{Name: "probe",
					SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{capability}}}}}}
				if !b.Check(&metav1.ObjectMeta{}, probe).Allowed {
					sc.Capabilities.Add[j] = "NET_BIND_SERVICE"
				}
			}
		}
		forEachSecurityContext(spec, fix)
	},
	"seccompProfile_baseline": func(_ *pss.Control, meta *metav1.ObjectMeta, spec *corev1.PodSpec) {
		fix := func(p *corev1.SeccompProfile) {
			if p != nil && !seccompTypeAllowed(p.Type) {
				p.Type, p.LocalhostProfile = corev1.SeccompProfileTypeRuntimeDefault, nil
			}
		}
		if spec.SecurityContext != nil {
			fix(spec.SecurityContext.SeccompProfile)
		}
		forEachSecurityContext(spec, func(sc *corev1.SecurityContext) {
			if sc != nil {
				fix(sc.SeccompProfile)
			}
		})
		for k, v := range meta.Annotations {
			if (k == corev1.SeccompPodAnnotationKey || strings.HasPrefix(k, corev1.SeccompContainerAnnotationKeyPrefix)) && !seccompAnnotationAllowed(v) {
				meta.Annotations[k] = corev1.SeccompProfileRuntimeDefault
			}
		}
	},
	"procMount": func(_ *pss.Control, _ *metav1.ObjectMeta, spec *corev1.PodSpec) {
		forEachSecurityContext(spec, func(sc *corev1.SecurityContext) {
			if sc != nil && sc.ProcMount != nil && *sc.ProcMount != corev1.DefaultProcMount {
				sc.ProcMount = nil
			}
		})
	},
	"hostPathVolumes": func(_ *pss.Control, _ *metav1.ObjectMeta, spec *corev1.PodSpec) {
		for i := range spec.Volumes {
			if spec.Volumes[i].HostPath != nil {
				spec.Volumes[i].VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
			}
		}
	},
}

// forEachSecurityContext calls fn with the securityContext of every init,
// regular and ephemeral container of spec.
func forEachSecurityContext(spec *corev1.PodSpec, fn func(sc *corev1.SecurityContext)) {
	for i := range spec.InitContainers {
		fn(spec.InitContainers[i].SecurityContext)
	}
	for i := range spec.Containers {
		fn(spec.Containers[i].SecurityContext)
	}
	for i := range spec.EphemeralContainers {
		fn(spec.EphemeralContainers[i].SecurityContext)
	}
}

// restrictedOnlyLocate holds, for a restricted control that replaces
// baseline ones, the locate function used when the pod breaks a replaced
// baseline control too: that part is reported under the baseline check, so
// the restricted finding points at the first field only the restricted
// control forbids.
var restrictedOnlyLocate = map[string]func(w *inventory.Workload) string{
	"capabilities_restricted": func(w *inventory.Workload) string {
		containers := w.Containers()
		if path, ok := notDroppingAll(containers); ok {
			return path
		}
		var probes []pssProbe
		for _, c := range containers {
			for j, capability := range c.SecurityContext.Capabilities.Add {
				if capability == "NET_BIND_SERVICE" {
					continue
				}
				probes = append(probes, pssProbe{
					path: fieldpath.Index(c.Field("securityContext.capabilities.add"), j),
					spec: &corev1.PodSpec{Containers: []corev1.Container{{Name: c.Name,
						SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{capability}}}}}},
				})
			}
		}
		baseline, ok := pss.For(api.LevelVersion{Level: api.LevelBaseline, Version: api.LatestVersion()}).Control("capabilities_baseline")
		for _, p := range probes {
			if ok && baseline.Check(&metav1.ObjectMeta{}, p.spec).Allowed {
				return p.path
			}
		}
		return ""
	},
	"seccompProfile_restricted": func(w *inventory.Workload) string {
		if sc := w.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
			return ""
		}
		for _, c := range w.Containers() {
			if c.SecurityContext == nil || c.SecurityContext.SeccompProfile == nil {
				return nearestSecurityContext(w, c)
			}
		}
		return ""
	},
	"restrictedVolumes": func(w *inventory.Workload) string {
		for i := range w.Spec.Volumes {
			srcs := volumeSources(&w.Spec.Volumes[i])
			if len(srcs) == 0 || w.Spec.Volumes[i].HostPath != nil {
				continue
			}
			allowed := false
			for _, s := range srcs {
				allowed = allowed || restrictedVolumesAllowed[s]
			}
			if !allowed {
				return fieldpath.Join(fieldpath.Index(w.Path("volumes"), i), srcs[0])
			}
		}
		return ""
	},
}

// otherContainers returns, for a finding whose field path is in one
// container of w (the first that the control forbids, in PSA's visiting
// order: init, regular, ephemeral containers), the same field in each other
// container the control forbids, in that order: the related locations of a
// finding PSA words for several containers (its detail names them). Each container is judged, and
// its field located, in the pod that holds it alone (Workload.Alone), beside the
// pod-level fields; a field that is then not in the container (a pod-level
// one) is not listed, and a field missing from the pod and the container
// alike (located at the pod spec or its securityContext) is the
// container's. It returns nil for a pod-level finding, a pod with
// one container, or an object that is not of a built-in kind.
func otherContainers(w *inventory.Workload, path, detail string, locate func(*inventory.Workload) string, forbids func(*metav1.ObjectMeta, *corev1.PodSpec) bool) []string {
	cs := w.Containers()
	if len(cs) < 2 || locate == nil || w.Object == nil || w.Object.Typed == nil {
		return nil
	}
	// PSA's detail names every container it forbids: only those are
	// judged alone, and none when it names fewer than two.
	named := make([]bool, len(cs))
	n := 0
	for i, c := range cs {
		if strings.Contains(detail, `"`+c.Name+`"`) { // as PSA quotes names
			named[i] = true
			n++
		}
	}
	if n < 2 {
		return nil
	}
	primary := -1
	for i, c := range cs {
		if within(path, c.Path) {
			primary = i
			break
		}
	}
	if primary < 0 {
		return nil
	}
	var out []string
	for i, c := range cs {
		if i == primary || !named[i] {
			continue
		}
		alone := w.Alone(c)
		if !forbids(alone.PodMeta, alone.Spec) {
			continue
		}
		p, at := locate(alone), alone.Containers()[0].Path
		switch {
		case within(p, at):
			out = append(out, c.Path+p[len(at):])
		case p == "" || p == alone.Path("securityContext"):
			// A field missing from the container and the pod alike
			// belongs to the pod (its spec or securityContext) when one
			// container misses it; beside the first container, the
			// place is the container.
			out = append(out, c.Path)
		}
	}
	return out
}

// within reports whether path is the field at prefix or below it.
func within(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"[")
}
