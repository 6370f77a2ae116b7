package checks

import (
	"reflect"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/object"
)

// This file explains the fields that strict decoding found unknown or
// duplicate (object.Object.Ignored) for the ignored-security-setting and
// unknown-field checks: where the field sits in the typed object, whether it
// is a security setting, and how to word the finding.

var (
	podSpecType            = reflect.TypeFor[corev1.PodSpec]()
	podSecurityContextType = reflect.TypeFor[corev1.PodSecurityContext]()
	securityContextType    = reflect.TypeFor[corev1.SecurityContext]()
	containerType          = reflect.TypeFor[corev1.Container]()
	ephemeralContainerType = reflect.TypeFor[corev1.EphemeralContainer]()
)

// securityTypes are the types every field of which is a security setting.
var securityTypes = map[reflect.Type]bool{
	podSecurityContextType:                                  true,
	securityContextType:                                     true,
	reflect.TypeFor[corev1.Capabilities]():                  true,
	reflect.TypeFor[corev1.SELinuxOptions]():                true,
	reflect.TypeFor[corev1.SeccompProfile]():                true,
	reflect.TypeFor[corev1.AppArmorProfile]():               true,
	reflect.TypeFor[corev1.WindowsSecurityContextOptions](): true,
	reflect.TypeFor[corev1.Sysctl]():                        true,
}

// podSpecSecurityFields are the pod spec fields that set isolation or
// identity; containerSecurityFields the same for a container.
var (
	podSpecSecurityFields = []string{
		"securityContext", "hostNetwork", "hostPID", "hostIPC", "hostUsers",
		"shareProcessNamespace", "automountServiceAccountToken", "runtimeClassName",
	}
	containerSecurityFields = []string{"securityContext"}
	// volumeSecurityFields are the fields of volume mounts and volume
	// sources that make a mount read-only.
	volumeSecurityFields = []string{"readOnly", "recursiveReadOnly"}
)

// fieldOwner is a place where security settings are written.
type fieldOwner int

const (
	ownerPodSecurityContext fieldOwner = iota
	ownerPodSpec
	ownerContainerSecurityContext
	ownerContainer
)

// ownerFields lists, per owner, the security settings it holds, in the
// order of the owner's type.
var ownerFields = map[fieldOwner][]string{
	ownerPodSecurityContext:       jsonFieldNames(podSecurityContextType),
	ownerPodSpec:                  podSpecSecurityFields,
	ownerContainerSecurityContext: jsonFieldNames(securityContextType),
	ownerContainer:                containerSecurityFields,
}

// securityFieldNames is every name that marks a field as a security setting.
var securityFieldNames = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, names := range [][]string{ownerFields[ownerPodSecurityContext], ownerFields[ownerContainerSecurityContext], podSpecSecurityFields, containerSecurityFields, volumeSecurityFields} {
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}()

// ignoredField is an unknown or duplicate field placed in its object.
type ignoredField struct {
	object.IgnoredField
	// Name is the field name, or the map key when InMap.
	Name string
	// InMap is true when the field is a key of a map (labels, data, …)
	// rather than a field of a struct.
	InMap bool
	// Parent is the struct type that holds (or lacks) the field; nil when
	// InMap or when the path does not lead through the typed object.
	Parent reflect.Type
	// ParentRel is the parent's path, relative as Rel is.
	ParentRel string
	// Rel is the field's path relative to Base: the enclosing container,
	// else the enclosing pod spec, else the object.
	Rel string
	// Container is the noun of the enclosing container ("" outside one).
	Container string
}

// placeIgnored follows f.Path through obj's typed value. It rewrites map keys
// in the path with fieldpath.Key (the loader joins them with dots), so that
// the path finds the key's line.
func placeIgnored(obj *object.Object, f object.IgnoredField) ignoredField {
	out := ignoredField{IgnoredField: f, Rel: f.Path}
	segs := fieldpath.Parse(f.Path)
	if len(segs) > 0 && !segs[len(segs)-1].IsIndex {
		out.Name = segs[len(segs)-1].Key
	}
	if obj.Typed == nil || len(segs) == 0 {
		return out
	}
	t := reflect.TypeOf(obj.Typed)
	v := reflect.ValueOf(obj.Typed)
	path, base, parent, prevKey := "", "", "", ""
	for i, seg := range segs {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
			if v.IsValid() && !v.IsNil() {
				v = v.Elem()
			} else {
				v = reflect.Value{}
			}
		}
		switch t {
		case podSpecType:
			base, out.Container = path, ""
		case containerType, ephemeralContainerType:
			base = path
			out.Container = containerNounFor(prevKey, v)
		}
		last := i == len(segs)-1
		parent = path
		switch t.Kind() {
		case reflect.Struct:
			if seg.IsIndex {
				return ignoredField{IgnoredField: f, Name: out.Name, Rel: f.Path}
			}
			path = fieldpath.Key(path, seg.Key)
			if last {
				out.Parent = t
				break
			}
			sf, ok := jsonField(t, seg.Key)
			if !ok {
				return ignoredField{IgnoredField: f, Name: out.Name, Rel: f.Path}
			}
			t = sf.Type
			if v.IsValid() {
				if fv, err := v.FieldByIndexErr(sf.Index); err == nil {
					v = fv
				} else {
					v = reflect.Value{}
				}
			}
			prevKey = seg.Key
		case reflect.Map:
			// The rest of the path is one key that held dots.
			key := segmentsString(segs[i:])
			path = fieldpath.Key(path, key)
			out.Name, out.InMap = key, true
			last = true
		case reflect.Slice, reflect.Array:
			if !seg.IsIndex || last {
				return ignoredField{IgnoredField: f, Name: out.Name, Rel: f.Path}
			}
			path = fieldpath.Index(path, seg.Index)
			t = t.Elem()
			if v.IsValid() && seg.Index < v.Len() {
				v = v.Index(seg.Index)
			} else {
				v = reflect.Value{}
			}
		default:
			return ignoredField{IgnoredField: f, Name: out.Name, Rel: f.Path}
		}
		if last {
			break
		}
	}
	out.Path = path
	out.Rel = relativePath(path, base)
	out.ParentRel = relativePath(parent, base)
	return out
}

// relativePath returns path below base ("" base: path itself).
func relativePath(path, base string) string {
	if base == "" {
		return path
	}
	rel := strings.TrimPrefix(path, base)
	return strings.TrimPrefix(rel, ".")
}

// segmentsString writes segments back as the loader wrote them: keys joined
// with dots, indexes in brackets.
func segmentsString(segs []fieldpath.Segment) string {
	var b strings.Builder
	for i, s := range segs {
		switch {
		case s.IsIndex:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Key)
		}
	}
	return b.String()
}

// containerNounFor names the container v, found in the pod spec list listKey.
func containerNounFor(listKey string, v reflect.Value) string {
	name := ""
	if v.IsValid() {
		if n := v.FieldByName("Name"); n.IsValid() && n.Kind() == reflect.String {
			name = n.String()
		}
	}
	switch listKey {
	case "initContainers":
		return "init container " + strconv.Quote(name)
	case "ephemeralContainers":
		return "ephemeral container " + strconv.Quote(name)
	}
	return "container " + strconv.Quote(name)
}

// jsonField finds the field of struct type t that JSON calls name, looking
// into inlined embedded structs.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if sf.Anonymous && tag == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if inner, ok := jsonField(et, name); ok {
					inner.Index = append([]int{i}, inner.Index...)
					return inner, true
				}
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if tag == "" {
			tag = sf.Name
		}
		if tag == name {
			return sf, true
		}
	}
	return reflect.StructField{}, false
}

// jsonFieldNames lists the JSON names of the fields of struct type t, in
// declaration order, inlined embedded structs included.
func jsonFieldNames(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if sf.Anonymous && tag == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				out = append(out, jsonFieldNames(et)...)
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if tag == "" {
			tag = sf.Name
		}
		out = append(out, tag)
	}
	return out
}

// IsSecurity reports whether the field is a security setting: a field of a
// security context (or of its parts), or a field whose name is, or is a
// misspelling of, a security setting's name.
func (f ignoredField) IsSecurity() bool {
	if f.InMap || f.Name == "" {
		return false
	}
	if securityTypes[f.Parent] {
		return true
	}
	_, ok := closestName(f.Name, securityFieldNames)
	return ok
}

// Detail words the finding: what is wrong with the field and, when it can
// tell, what was meant or where the setting belongs.
func (f ignoredField) Detail() string {
	prefix := ""
	if f.Container != "" {
		prefix = f.Container + ": "
	}
	if f.Duplicate {
		return prefix + f.Rel + " is set twice; the last value wins"
	}
	if owners := f.ownersElsewhere(f.Name); len(owners) > 0 {
		return prefix + f.Name + " is not a field of " + f.parentDesc() + " and is ignored; set it in " + f.ownerList(owners)
	}
	msg := prefix + f.Rel + " is not a known field and is ignored"
	if f.Parent != nil {
		if s, ok := closestName(f.Name, jsonFieldNames(f.Parent)); ok {
			return msg + " (did you mean " + s + "?)"
		}
	}
	if f.IsSecurity() {
		if s, ok := closestName(f.Name, securityFieldNames); ok {
			if owners := f.ownersElsewhere(s); len(owners) > 0 {
				return msg + " (did you mean " + s + ", which belongs in " + f.ownerList(owners) + "?)"
			}
		}
	}
	return msg
}

// ownersElsewhere returns the owners that hold a security setting called
// name, when the field's parent is a struct that is not one of them.
func (f ignoredField) ownersElsewhere(name string) []fieldOwner {
	if f.Parent == nil || f.InMap {
		return nil
	}
	var out []fieldOwner
	for _, o := range []fieldOwner{ownerPodSecurityContext, ownerPodSpec, ownerContainerSecurityContext, ownerContainer} {
		if o.holds(f.Parent) {
			continue
		}
		for _, n := range ownerFields[o] {
			if n == name {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

// holds reports whether t is the owner's type.
func (o fieldOwner) holds(t reflect.Type) bool {
	switch o {
	case ownerPodSecurityContext:
		return t == podSecurityContextType
	case ownerPodSpec:
		return t == podSpecType
	case ownerContainerSecurityContext:
		return t == securityContextType
	}
	return t == containerType || t == ephemeralContainerType
}

// parentDesc names the struct that lacks the field.
func (f ignoredField) parentDesc() string {
	switch f.Parent {
	case podSpecType:
		return "the pod spec"
	case podSecurityContextType:
		return "the pod securityContext"
	case securityContextType:
		return "the container securityContext"
	case containerType, ephemeralContainerType:
		return "the container"
	}
	if f.ParentRel == "" {
		return "the object"
	}
	return f.ParentRel
}

// ownerList words where the owners are, from where the field is: "the
// container's securityContext" inside a container, "each container's
// securityContext" elsewhere.
func (f ignoredField) ownerList(owners []fieldOwner) string {
	words := make([]string, len(owners))
	for i, o := range owners {
		switch o {
		case ownerPodSecurityContext:
			words[i] = "the pod securityContext"
		case ownerPodSpec:
			words[i] = "the pod spec"
		case ownerContainerSecurityContext:
			words[i] = "each container's securityContext"
			if f.Container != "" {
				words[i] = "the container's securityContext"
			}
		case ownerContainer:
			words[i] = "each container"
			if f.Container != "" {
				words[i] = "the container"
			}
		}
	}
	return strings.Join(words, " or ")
}

// closestName returns the candidate that name most likely means: one equal
// to it but for case, or else the nearest within a small edit distance (one
// edit for names under eight letters, two for longer ones), the first such
// candidate on a tie.
func closestName(name string, candidates []string) (string, bool) {
	lname := strings.ToLower(name)
	best, bestDist := "", 3
	for _, c := range candidates {
		lc := strings.ToLower(c)
		limit := 1
		if len(lc) >= 8 {
			limit = 2
		}
		d := editDistance(lname, lc, limit)
		if d <= limit && d < bestDist {
			best, bestDist = c, d
		}
	}
	return best, best != ""
}

// editDistance returns the optimal string alignment distance between a and
// b (insertions, deletions, substitutions and transpositions of adjacent
// letters), or limit+1 when it is larger than limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}
