package object

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// StdinName is the file name given to objects read from standard input.
const StdinName = "<stdin>"

// Source is where an object came from.
type Source string

// Sources of objects.
const (
	// FromFile is a manifest file.
	FromFile Source = "file"
	// FromStdin is standard input.
	FromStdin Source = "stdin"
	// FromCluster is a live cluster's API server.
	FromCluster Source = "cluster"
	// FromAdmission is an admission request.
	FromAdmission Source = "admission"
)

// Origin says where an object was read from.
type Origin struct {
	// Source is where the object came from; empty for an object built in
	// memory (a test's).
	Source Source
	// File is the path as the user gave it (or found below a directory they
	// gave), or StdinName. Empty for objects that did not come from a file.
	File string
	// Doc is the 1-based index of the YAML document within the file.
	Doc int
	// Line is the 1-based line where the object starts.
	Line int
	// Rendered is set on an object rendered from a Helm chart or built by
	// Kustomize: File, Doc, Line and the object's Lines are then where it is
	// in the rendered output, and Rendered leads back to the files it was
	// made from. Nil for an object read as written.
	Rendered *Rendered
}

// Rendered leads from an object's place in rendered output (a chart's
// template as Helm rendered it, a Kustomize build) back to its sources.
type Rendered struct {
	// By is "helm" or "kustomize".
	By string
	// File is the file the object was made from: the chart's template, or
	// the resource file Kustomize names in its origin annotation.
	File string
	// Map leads rendered lines back to source lines; nil when unknown.
	Map *SourceMap
}

// SourceMap maps the lines of one rendered output to the lines of the files
// that produced them. It is shared by the objects of that output.
type SourceMap struct {
	Files []string
	// Lines holds, by rendered line (1-based, index 0 unused), the index in
	// Files plus one and the line there; a zero File is a line whose source
	// is not known.
	Lines []SourceLine
}

// SourceLine is one source line of a SourceMap.
type SourceLine struct {
	File int32
	Line int32
}

// Source returns the source file and line of a rendered line: the line of
// the file that produced it when known, else File and line 0.
func (r *Rendered) Source(line int) (string, int) {
	if m := r.Map; m != nil && line > 0 && line < len(m.Lines) {
		if s := m.Lines[line]; s.File > 0 {
			return m.Files[s.File-1], int(s.Line)
		}
	}
	return r.File, 0
}

func (o Origin) String() string {
	if o.File == "" {
		return ""
	}
	if o.Line > 0 {
		return fmt.Sprintf("%s:%d", o.File, o.Line)
	}
	return o.File
}

// Object is one Kubernetes object with its origin.
type Object struct {
	Origin     Origin
	APIVersion string
	Kind       string
	// Typed is the object decoded into its k8s.io/api type, or nil when the
	// kind is not a built-in one (a custom resource, say).
	Typed runtime.Object
	// Raw is the object as JSON, as the API server would receive it, for
	// objects whose kind is not a built-in one (Typed is nil); nil otherwise.
	Raw []byte
	// Meta is the object's metadata. For typed objects it points into Typed;
	// for others it holds what the document's metadata said.
	Meta *metav1.ObjectMeta
	// Lines maps field paths to lines; nil when the object did not come from
	// YAML or JSON text.
	Lines *LineIndex
	// Ignored lists the fields that strict decoding found and that
	// Kubernetes would drop or overwrite: unknown and duplicate fields.
	Ignored []IgnoredField
	// Claim is set by the live-cluster collector on an object whose
	// controller ownerReference it did not honour: the object is scanned on
	// its own instead of being counted on that controller. Nil otherwise.
	Claim *OwnerClaim
}

// OwnerClaim is a controller ownerReference the live-cluster collector
// judged and did not honour.
type OwnerClaim struct {
	// Ref is the ownerReference (controller=true) as the object wrote it, and
	// Index its position in metadata.ownerReferences.
	Ref   metav1.OwnerReference
	Index int
	// Field is the first field where the object is not what the claimed
	// controller would have made: "metadata.ownerReferences[0].uid" when no
	// listed object has that UID, "metadata.namespace" for a controller in
	// another namespace, or a field of the pod spec. Empty when the object
	// matches but is kept apart for another reason (Why).
	Field string
	// Why says, in a few words, why the claim was not honoured: "no such
	// controller", "different namespace", "different pod spec", "ephemeral
	// containers".
	Why string
	// OwnerRevision is the claimed controller's
	// deployment.kubernetes.io/revision annotation when it was found, to
	// tell a Deployment's earlier ReplicaSets from impostors.
	OwnerRevision string
}

// IgnoredField is a field that Kubernetes would not honour as written.
type IgnoredField struct {
	// Path is the field path, as in spec.template.spec.securityContext.privileged.
	Path string
	// Duplicate is true for a field set twice (the last value wins); false
	// for a field the kind does not have.
	Duplicate bool
}

// Name returns the object's name.
func (o *Object) Name() string { return o.Meta.Name }

// Namespace returns the object's namespace as written (empty when unset).
func (o *Object) Namespace() string { return o.Meta.Namespace }

// Line returns the line of the field at path, or of the nearest enclosing
// field that the document sets. It falls back to the object's own line.
func (o *Object) Line(path string) int {
	if o.Lines != nil {
		if l := o.Lines.Line(path); l > 0 {
			return l
		}
	}
	return o.Origin.Line
}

// NewObject wraps an in-memory typed object (from a live cluster or a test)
// that has no file origin.
func New(obj runtime.Object, meta *metav1.ObjectMeta) *Object {
	gvk := obj.GetObjectKind().GroupVersionKind()
	return &Object{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind, Typed: obj, Meta: meta}
}
