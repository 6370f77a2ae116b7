package checks

// Helpers of the checks that judge the configuration files the components
// read (EncryptionConfiguration, audit Policy, KubeletConfiguration): where
// a file lies on the node, which of its fields the document sets, and the
// kubelet's settings as it runs them (flags over its configuration file
// over the defaults).

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// nodePathOf returns the path on the node of the file obj was read from:
// its origin, without the root the node command read the node's files
// under; "" for an object that came from no file.
func (v *nodeView) nodePathOf(obj *object.Object) string {
	p := obj.Origin.File
	if p == "" {
		return ""
	}
	p = path.Clean(p)
	if h := v.inv.Host; h != nil && h.Root != "" && h.Root != "/" {
		root := path.Clean(h.Root)
		if rel, ok := strings.CutPrefix(p, root+"/"); ok {
			return "/" + rel
		}
	}
	return p
}

// configFile returns what the node command read of the file obj came from;
// ok is false when it did not read it.
func (v *nodeView) configFile(obj *object.Object) (host.FileInfo, bool) {
	p := v.nodePathOf(obj)
	if p == "" {
		return host.FileInfo{}, false
	}
	if fi, ok := v.file(p); ok {
		return fi, true
	}
	return v.file(obj.Origin.File)
}

// fieldsOf returns obj's content as generic JSON, or nil.
func fieldsOf(obj *object.Object) any {
	var doc any
	if obj.Raw == nil || json.Unmarshal(obj.Raw, &doc) != nil {
		return nil
	}
	return doc
}

// nearestSet returns the deepest prefix of field path p that obj's
// document sets: p itself when it is written, "" when not even its first
// segment is.
func nearestSet(obj *object.Object, p string) string {
	doc := fieldsOf(obj)
	best, cur := "", ""
	for seg := range fieldpath.Segments(p) {
		if seg.IsIndex {
			l, ok := doc.([]any)
			if !ok || seg.Index >= len(l) {
				break
			}
			doc, cur = l[seg.Index], fieldpath.Index(cur, seg.Index)
		} else {
			m, ok := doc.(map[string]any)
			if !ok {
				break
			}
			val, ok := m[seg.Key]
			if !ok {
				break
			}
			doc, cur = val, fieldpath.Key(cur, seg.Key)
		}
		best = cur
	}
	return best
}

// isSet reports whether obj's document writes field path p.
func isSet(obj *object.Object, p string) bool { return nearestSet(obj, p) == p }
