package cluster

// Folding: a pod run by a listed controller is counted on that controller's
// top-level owner instead of being scanned on its own (and a ReplicaSet on
// its Deployment, a Job on its CronJob). An ownerReference is only a claim,
// written by whoever created the object, so it is honoured only when the
// object really is what the controller would have made:
//
//   - the claimed controller was listed, by UID, in the object's namespace,
//     with the kind and name the reference gives;
//   - the pair is one the built-in controllers make: a Pod from a
//     ReplicaSet, ReplicationController, StatefulSet, DaemonSet or Job; a
//     ReplicaSet from a Deployment; a Job from a CronJob;
//   - a Pod has no ephemeral containers (they are added after creation,
//     by kubectl debug, and are never in a template);
//   - its pod spec equals the controller's template after normalize has
//     removed what the API server's admission plugins, its defaulting, the
//     scheduler and the controllers add to a pod made from a template.
//
// Anything else is scanned on its own, with a object.OwnerClaim saying why.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubestride/kubestride/internal/object"
)

// controller is what the collector keeps of a listed controller to judge
// the objects that claim it.
type controller struct {
	top             types.UID // its top-level owner (itself when not folded)
	namespace, name string
	kind            string
	// template is its pod template's spec, normalized; nil for a kind
	// without one.
	template *corev1.PodSpec
	// claims are a StatefulSet's volumeClaimTemplates names.
	claims []string
	// revision is its deployment.kubernetes.io/revision annotation.
	revision string
}

// controllerGroups maps the kinds the collector lists and folds into to
// their API group.
var controllerGroups = map[string]string{
	"Deployment": "apps", "ReplicaSet": "apps", "StatefulSet": "apps", "DaemonSet": "apps",
	"Job": "batch", "CronJob": "batch", "ReplicationController": "",
}

// isController reports whether kind is one the collector folds into.
func isController(kind string) bool {
	_, ok := controllerGroups[kind]
	return ok
}

// makes lists, per claimant kind, the controller kinds that create it.
var makes = map[string][]string{
	"Pod":        {"ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job"},
	"ReplicaSet": {"Deployment"},
	"Job":        {"CronJob"},
}

// claimedController returns the object's controller reference and its index
// when it names a kind the collector lists (in that kind's API group), or
// -1.
func claimedController(meta *metav1.ObjectMeta) (metav1.OwnerReference, int) {
	for i, r := range meta.OwnerReferences {
		if r.Controller == nil || !*r.Controller {
			continue
		}
		group, ok := controllerGroups[r.Kind]
		if !ok {
			return r, -1
		}
		gv, err := schema.ParseGroupVersion(r.APIVersion)
		if err != nil || gv.Group != group {
			return r, -1
		}
		return r, i
	}
	return metav1.OwnerReference{}, -1
}

// newController records a listed controller; top is set by the caller.
func newController(obj runtime.Object, meta *metav1.ObjectMeta) *controller {
	c := &controller{namespace: meta.Namespace, name: meta.Name, revision: meta.Annotations[revisionAnnotation]}
	c.kind = obj.GetObjectKind().GroupVersionKind().Kind
	if spec, _ := templateSpec(obj); spec != nil {
		c.template = normalizeTemplate(spec)
	}
	if s, ok := obj.(*appsv1.StatefulSet); ok {
		for _, t := range s.Spec.VolumeClaimTemplates {
			c.claims = append(c.claims, t.Name)
		}
	}
	return c
}

const revisionAnnotation = "deployment.kubernetes.io/revision"

// templateSpec returns the pod spec an object holds and its path: a Pod's
// own, or a controller's template.
func templateSpec(obj runtime.Object) (*corev1.PodSpec, string) {
	switch v := obj.(type) {
	case *corev1.Pod:
		return &v.Spec, "spec"
	case *corev1.ReplicationController:
		if v.Spec.Template == nil {
			return nil, ""
		}
		return &v.Spec.Template.Spec, "spec.template.spec"
	case *appsv1.Deployment:
		return &v.Spec.Template.Spec, "spec.template.spec"
	case *appsv1.ReplicaSet:
		return &v.Spec.Template.Spec, "spec.template.spec"
	case *appsv1.StatefulSet:
		return &v.Spec.Template.Spec, "spec.template.spec"
	case *appsv1.DaemonSet:
		return &v.Spec.Template.Spec, "spec.template.spec"
	case *batchv1.Job:
		return &v.Spec.Template.Spec, "spec.template.spec"
	case *batchv1.CronJob:
		return &v.Spec.JobTemplate.Spec.Template.Spec, "spec.jobTemplate.spec.template.spec"
	}
	return nil, ""
}

// judge decides whether obj, which claims the controller ref (at index i
// of its ownerReferences), is that controller's product. owner is the
// listed object with the reference's UID, or nil. It returns nil when obj
// is to be folded into owner, and otherwise the claim to record.
func judge(obj runtime.Object, meta *metav1.ObjectMeta, ref metav1.OwnerReference, i int, owner *controller) *object.OwnerClaim {
	claim := &object.OwnerClaim{Ref: ref, Index: i}
	refField := fmt.Sprintf("metadata.ownerReferences[%d]", i)
	kind := obj.GetObjectKind().GroupVersionKind().Kind
	if owner == nil {
		claim.Field, claim.Why = refField+".uid", "no such controller"
		return claim
	}
	claim.OwnerRevision = owner.revision
	switch {
	case owner.namespace != meta.Namespace:
		claim.Field, claim.Why = "metadata.namespace", "controller in another namespace"
	case owner.kind != ref.Kind:
		claim.Field, claim.Why = refField+".kind", "controller of another kind"
	case owner.name != ref.Name:
		claim.Field, claim.Why = refField+".name", "controller of another name"
	case !contains(makes[kind], owner.kind):
		claim.Field, claim.Why = refField+".kind", fmt.Sprintf("a %s does not make %ss", owner.kind, kind)
	}
	if claim.Field != "" {
		return claim
	}
	if p, ok := obj.(*corev1.Pod); ok && len(p.Spec.EphemeralContainers) > 0 {
		claim.Why = "ephemeral containers"
		return claim
	}
	spec, path := templateSpec(obj)
	if spec == nil || owner.template == nil {
		claim.Field, claim.Why = path, "different pod spec"
		return claim
	}
	got := normalizeProduct(spec, owner, meta.Name)
	if apiequality.Semantic.DeepEqual(got, owner.template) {
		return nil
	}
	claim.Field, claim.Why = path+firstDifference(owner.template, got), "different pod spec"
	return claim
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The normalization. On both sides (template and product) it clears what
// is set for pods but never for templates, or differently:
//
//   - spec.nodeName (the scheduler), spec.priority and
//     spec.preemptionPolicy (the Priority admission plugin, from the
//     priority class), spec.overhead (the RuntimeClass admission plugin);
//   - spec.serviceAccount, the deprecated copy of serviceAccountName; an
//     unset serviceAccountName is taken as "default" (the ServiceAccount
//     admission plugin sets it).
//
// On the product it removes what the template leaves unset and the API
// server or the controllers fill in:
//
//   - the service-account token volume ("kube-api-access-*", a projected
//     volume with a serviceAccountToken source) and its read-only mounts at
//     /var/run/secrets/kubernetes.io/serviceaccount (the ServiceAccount
//     admission plugin), and imagePullSecrets when the template has none
//     (copied from the ServiceAccount);
//   - tolerations of the node.kubernetes.io/* taints with operator Exists
//     (the DefaultTolerationSeconds admission plugin and the DaemonSet
//     controller) that the template does not have;
//   - a DaemonSet pod's required node affinity when it is the single
//     metadata.name term the DaemonSet controller writes;
//   - resource requests and limits of a container that the template's
//     container does not set (LimitRanger defaults, requests defaulted from
//     limits);
//   - spec.priorityClassName, spec.hostname, spec.subdomain and
//     spec.enableServiceLinks when the template leaves them unset (the
//     Priority admission plugin's global default; the StatefulSet and Job
//     controllers; defaulting);
//   - a StatefulSet pod's persistentVolumeClaim volumes named after the
//     StatefulSet's volumeClaimTemplates, and the JOB_COMPLETION_INDEX
//     environment variable of an indexed Job's pods.
//
// Nothing that changes what runs or with which privileges is removed:
// containers, images, commands, security contexts, host namespaces, other
// volumes and mounts are compared as they are. Pods changed by a mutating
// webhook (an injected sidecar, say) therefore differ from their template
// and are scanned on their own.

const (
	tokenVolumePrefix = "kube-api-access-"
	tokenMountPath    = "/var/run/secrets/kubernetes.io/serviceaccount"
)

// normalizeTemplate returns a normalized copy of a controller's template.
func normalizeTemplate(spec *corev1.PodSpec) *corev1.PodSpec {
	s := spec.DeepCopy()
	normalizeBoth(s)
	return s
}

func normalizeBoth(s *corev1.PodSpec) {
	s.NodeName, s.Priority, s.PreemptionPolicy, s.Overhead = "", nil, nil, nil
	if s.ServiceAccountName == "" {
		s.ServiceAccountName = s.DeprecatedServiceAccount
	}
	if s.ServiceAccountName == "" {
		s.ServiceAccountName = "default"
	}
	s.DeprecatedServiceAccount = ""
}

// normalizeProduct returns a normalized copy of spec, made from owner's
// template; name is the object's name.
func normalizeProduct(spec *corev1.PodSpec, owner *controller, name string) *corev1.PodSpec {
	t := owner.template
	s := spec.DeepCopy()
	normalizeBoth(s)
	if t.PriorityClassName == "" {
		s.PriorityClassName = ""
	}
	if t.Hostname == "" {
		s.Hostname = ""
	}
	if t.Subdomain == "" {
		s.Subdomain = ""
	}
	if t.EnableServiceLinks == nil {
		s.EnableServiceLinks = nil
	}
	if len(t.ImagePullSecrets) == 0 {
		s.ImagePullSecrets = nil
	}
	// Volumes added for the pod: the token volume, a StatefulSet's claims.
	added := map[string]bool{}
	var volumes []corev1.Volume
	for _, v := range s.Volumes {
		if !hasVolume(t, v.Name) && (isTokenVolume(v) || owner.kind == "StatefulSet" && v.PersistentVolumeClaim != nil && contains(owner.claims, v.Name)) {
			added[v.Name] = true
			continue
		}
		volumes = append(volumes, v)
	}
	s.Volumes = volumes
	containers := func(cs, tcs []corev1.Container) {
		for i := range cs {
			c := &cs[i]
			var tc *corev1.Container
			if i < len(tcs) {
				tc = &tcs[i]
			}
			var mounts []corev1.VolumeMount
			for _, m := range c.VolumeMounts {
				if added[m.Name] && strings.HasPrefix(m.Name, tokenVolumePrefix) && m.MountPath == tokenMountPath && m.ReadOnly && m.SubPath == "" {
					continue
				}
				mounts = append(mounts, m)
			}
			c.VolumeMounts = mounts
			var env []corev1.EnvVar
			for _, e := range c.Env {
				if e.Name == "JOB_COMPLETION_INDEX" && owner.kind == "Job" && (tc == nil || !hasEnv(tc, e.Name)) {
					continue
				}
				env = append(env, e)
			}
			c.Env = env
			if tc != nil {
				c.Resources.Requests = onlyIn(c.Resources.Requests, tc.Resources.Requests)
				c.Resources.Limits = onlyIn(c.Resources.Limits, tc.Resources.Limits)
			}
		}
	}
	containers(s.InitContainers, t.InitContainers)
	containers(s.Containers, t.Containers)
	var tolerations []corev1.Toleration
	for _, tol := range s.Tolerations {
		if strings.HasPrefix(tol.Key, "node.kubernetes.io/") && tol.Operator == corev1.TolerationOpExists && !hasToleration(t, tol) {
			continue
		}
		tolerations = append(tolerations, tol)
	}
	s.Tolerations = tolerations
	if owner.kind == "DaemonSet" && isDaemonSetAffinity(s.Affinity) {
		var tr *corev1.NodeSelector
		if t.Affinity != nil && t.Affinity.NodeAffinity != nil {
			tr = t.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
		}
		s.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = tr
		if t.Affinity == nil && s.Affinity.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution == nil {
			s.Affinity.NodeAffinity = nil
			if s.Affinity.PodAffinity == nil && s.Affinity.PodAntiAffinity == nil {
				s.Affinity = nil
			}
		}
	}
	return s
}

func hasVolume(s *corev1.PodSpec, name string) bool {
	for _, v := range s.Volumes {
		if v.Name == name {
			return true
		}
	}
	return false
}

func hasEnv(c *corev1.Container, name string) bool {
	for _, e := range c.Env {
		if e.Name == name {
			return true
		}
	}
	return false
}

func hasToleration(s *corev1.PodSpec, tol corev1.Toleration) bool {
	for _, t := range s.Tolerations {
		if t.Key == tol.Key && t.Operator == tol.Operator && t.Effect == tol.Effect {
			return true
		}
	}
	return false
}

// isTokenVolume reports whether v is the projected service-account token
// volume the ServiceAccount admission plugin adds.
func isTokenVolume(v corev1.Volume) bool {
	if !strings.HasPrefix(v.Name, tokenVolumePrefix) || v.Projected == nil {
		return false
	}
	token := false
	for _, src := range v.Projected.Sources {
		switch {
		case src.ServiceAccountToken != nil:
			token = true
		case src.ConfigMap != nil && src.ConfigMap.Name == "kube-root-ca.crt", src.DownwardAPI != nil:
		default:
			return false
		}
	}
	return token
}

// isDaemonSetAffinity reports whether a's required node affinity is the
// single metadata.name term the DaemonSet controller writes.
func isDaemonSetAffinity(a *corev1.Affinity) bool {
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return false
	}
	terms := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	return len(terms) == 1 && len(terms[0].MatchExpressions) == 0 && len(terms[0].MatchFields) == 1 &&
		terms[0].MatchFields[0].Key == "metadata.name" && terms[0].MatchFields[0].Operator == corev1.NodeSelectorOpIn
}

// onlyIn keeps the entries of got whose names want has.
func onlyIn(got, want corev1.ResourceList) corev1.ResourceList {
	var out corev1.ResourceList
	for name, q := range got {
		if _, ok := want[name]; ok {
			if out == nil {
				out = corev1.ResourceList{}
			}
			out[name] = q
		}
	}
	return out
}

// firstDifference returns the path, relative to the pod spec and starting
// with "." or "[", of the first field (in JSON key order) where a and b
// differ, or "" when their JSON forms are equal.
func firstDifference(a, b *corev1.PodSpec) string {
	return diffJSON(toJSON(a), toJSON(b), "")
}

func toJSON(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil
	}
	return out
}

func diffJSON(a, b any, path string) string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return path
		}
		keys := make([]string, 0, len(av)+len(bv))
		for k := range av {
			keys = append(keys, k)
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if d := diffJSON(av[k], bv[k], path+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		bv, ok := b.([]any)
		if !ok {
			return path
		}
		for i := 0; i < len(av) || i < len(bv); i++ {
			if i >= len(av) || i >= len(bv) {
				return path + "[" + strconv.Itoa(i) + "]"
			}
			if d := diffJSON(av[i], bv[i], path+"["+strconv.Itoa(i)+"]"); d != "" {
				return d
			}
		}
		return ""
	}
	if fmt.Sprint(a) != fmt.Sprint(b) || (a == nil) != (b == nil) {
		return path
	}
	return ""
}
