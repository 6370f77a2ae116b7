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
