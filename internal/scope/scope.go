package scope

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// DefaultNamespace is the implicit namespace when none is given, as for
// kubectl.
const DefaultNamespace = "default"

// clusterScoped lists the built-in kinds, and the kinds of the API
// server's own extension APIs, that live outside any namespace.
var clusterScoped = map[schema.GroupKind]bool{
	{Group: "", Kind: "Namespace"}:                                                    true,
	{Group: "", Kind: "Node"}:                                                         true,
	{Group: "", Kind: "PersistentVolume"}:                                             true,
	{Group: "", Kind: "ComponentStatus"}:                                              true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:                         true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:                  true,
	{Group: "storage.k8s.io", Kind: "StorageClass"}:                                   true,
	{Group: "storage.k8s.io", Kind: "CSIDriver"}:                                      true,
	{Group: "storage.k8s.io", Kind: "CSINode"}:                                        true,
	{Group: "storage.k8s.io", Kind: "VolumeAttachment"}:                               true,
	{Group: "storage.k8s.io", Kind: "VolumeAttributesClass"}:                          true,
	{Group: "storagemigration.k8s.io", Kind: "StorageVersionMigration"}:               true,
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}:                 true,
	{Group: "apiregistration.k8s.io", Kind: "APIService"}:                             true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"}:   true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingWebhookConfiguration"}:     true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"}:        true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicyBinding"}: true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingAdmissionPolicy"}:          true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingAdmissionPolicyBinding"}:   true,
	{Group: "scheduling.k8s.io", Kind: "PriorityClass"}:                               true,
	{Group: "node.k8s.io", Kind: "RuntimeClass"}:                                      true,
	{Group: "networking.k8s.io", Kind: "IngressClass"}:                                true,
	{Group: "networking.k8s.io", Kind: "IPAddress"}:                                   true,
	{Group: "networking.k8s.io", Kind: "ServiceCIDR"}:                                 true,
	{Group: "certificates.k8s.io", Kind: "CertificateSigningRequest"}:                 true,
	{Group: "certificates.k8s.io", Kind: "ClusterTrustBundle"}:                        true,
	{Group: "flowcontrol.apiserver.k8s.io", Kind: "FlowSchema"}:                       true,
	{Group: "flowcontrol.apiserver.k8s.io", Kind: "PriorityLevelConfiguration"}:       true,
	{Group: "resource.k8s.io", Kind: "DeviceClass"}:                                   true,
	{Group: "resource.k8s.io", Kind: "ResourceSlice"}:                                 true,
	{Group: "resource.k8s.io", Kind: "DeviceTaintRule"}:                               true,
	{Group: "authentication.k8s.io", Kind: "TokenReview"}:                             true,
	{Group: "authentication.k8s.io", Kind: "SelfSubjectReview"}:                       true,
	{Group: "authorization.k8s.io", Kind: "SubjectAccessReview"}:                      true,
	{Group: "authorization.k8s.io", Kind: "SelfSubjectAccessReview"}:                  true,
	{Group: "authorization.k8s.io", Kind: "SelfSubjectRulesReview"}:                   true,
	{Group: "internal.apiserver.k8s.io", Kind: "StorageVersion"}:                      true,
	{Group: "policy", Kind: "PodSecurityPolicy"}:                                      true,
	{Group: "extensions", Kind: "PodSecurityPolicy"}:                                  true,
}

// Scope is whether a kind's objects live in a namespace.
type Scope int

// The scopes of a kind.
const (
	// Unknown is a kind that is neither built in nor declared by a
	// CustomResourceDefinition of the input.
	Unknown Scope = iota
	Namespaced
	Cluster
)

// Builtin returns the scope of a built-in kind (any version), or Unknown.
func Builtin(gk schema.GroupKind) Scope {
	if clusterScoped[gk] {
		return Cluster
	}
	if builtinKinds[gk] {
		return Namespaced
	}
	return Unknown
}

// builtinKinds are the group-kinds client-go's scheme knows.
var builtinKinds = func() map[schema.GroupKind]bool {
	out := map[schema.GroupKind]bool{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		// Lists, options and watch events are no objects of their own.
		if gvk.Version == "__internal" || gvk.Kind == "WatchEvent" || gvk.Kind == "Status" ||
			strings.HasSuffix(gvk.Kind, "List") || strings.HasSuffix(gvk.Kind, "Options") {
			continue
		}
		out[gvk.GroupKind()] = true
	}
	return out
}()

// groupKind returns the group and kind of obj.
func groupKind(obj *object.Object) schema.GroupKind {
	gv, _ := schema.ParseGroupVersion(obj.APIVersion) // the loader has parsed it already
	return schema.GroupKind{Group: gv.Group, Kind: obj.Kind}
}

// Placer places the namespaced objects of one input that set no namespace
// in its namespace. Place is safe for concurrent use; the other methods are
// called from the one goroutine that receives the objects in order.
type Placer struct {
	ns string
	// placed counts the objects Place gave the namespace to.
	placed atomic.Int64
	mu     sync.Mutex
	// declared is the scope the input's CustomResourceDefinitions give their
	// kinds.
	declared map[schema.GroupKind]Scope
	held     []*object.Object
	// unknown counts, per kind, the held objects no definition placed.
	unknown map[string]int
	late    int
}

// NewPlacer returns a Placer for the namespace ns; "" means
// DefaultNamespace.
func NewPlacer(ns string) *Placer {
	if ns == "" {
		ns = DefaultNamespace
	}
	return &Placer{ns: ns, declared: map[schema.GroupKind]Scope{}, unknown: map[string]int{}}
}

// Namespace returns the implicit namespace.
func (p *Placer) Namespace() string { return p.ns }

// Place gives obj the implicit namespace when its kind is a built-in
// namespaced one and it sets none. It returns false for an object that sets
// no namespace and whose kind is not built in: the caller passes it to Hold
// instead of using it, and gets it back from Release.
func (p *Placer) Place(obj *object.Object) bool {
	if obj.Meta == nil || obj.Meta.Namespace != "" || host.IsNodeObject(obj) && obj.Kind != "Pod" {
		return true // a component's configuration file is no API object: it has no namespace
	}
	switch Builtin(groupKind(obj)) {
	case Cluster:
		return true
	case Namespaced:
		obj.Meta.Namespace = p.ns
		p.placed.Add(1)
		return true
	}
	return false
}

// See records the scope a CustomResourceDefinition declares for its kind.
// It is called on every object the input holds, in order.
func (p *Placer) See(obj *object.Object) {
	if obj.Kind != "CustomResourceDefinition" || groupKind(obj).Group != "apiextensions.k8s.io" || obj.Raw == nil {
		return
	}
	var crd struct {
		Spec struct {
			Group string `json:"group"`
			Scope string `json:"scope"`
			Names struct {
				Kind string `json:"kind"`
			} `json:"names"`
		} `json:"spec"`
	}
	if json.Unmarshal(obj.Raw, &crd) != nil || crd.Spec.Names.Kind == "" {
		return
	}
	gk := schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}
	switch crd.Spec.Scope {
	case "Namespaced":
		p.declared[gk] = Namespaced
	case "Cluster":
		p.declared[gk] = Cluster
	}
}

// Hold keeps obj, which Place did not decide, until Release.
func (p *Placer) Hold(obj *object.Object) { p.held = append(p.held, obj) }

// Release returns the held objects in the order they were held, each placed
// in the implicit namespace when a CustomResourceDefinition of the input
// declares its kind namespaced; the others keep no namespace.
func (p *Placer) Release() []*object.Object {
	held := p.held
	p.held = nil
	for _, obj := range held {
		gk := groupKind(obj)
		switch p.declared[gk] {
		case Namespaced:
			obj.Meta.Namespace = p.ns
			p.late++
		case Unknown:
			p.unknown[gk.Kind+kindGroup(gk.Group)]++
		}
	}
	return held
}

func kindGroup(g string) string {
	if g == "" {
		return ""
	}
	return "." + g
}

// Placed returns how many objects were given the implicit namespace.
func (p *Placer) Placed() int { return int(p.placed.Load()) + p.late }

// Notices says what the Placer did, for the report: how many objects it
// placed in the implicit namespace, and how many of unknown scope it left
// without one.
func (p *Placer) Notices() []string {
	var out []string
	if n := p.Placed(); n > 0 {
		out = append(out, fmt.Sprintf("%d %s without metadata.namespace %s placed in namespace %q (as kubectl apply -n %s would)",
			n, plural(n, "object", "objects"), plural(n, "was", "were"), p.ns, p.ns))
	}
	if len(p.unknown) > 0 {
		kinds := make([]string, 0, len(p.unknown))
		n := 0
		for k, c := range p.unknown {
			kinds = append(kinds, k)
			n += c
		}
		slices.Sort(kinds)
		out = append(out, fmt.Sprintf("%d %s without metadata.namespace %s left without a namespace: %s, whose scope no CustomResourceDefinition in the input declares",
			n, plural(n, "object", "objects"), plural(n, "was", "were"), strings.Join(kinds, ", ")))
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
