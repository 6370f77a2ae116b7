package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var secretGVK = schema.GroupVersionKind{Version: "v1", Kind: "Secret"}

// secretPager lists Secrets: whole when IncludeSecrets is set, otherwise as
// the server-side table kubectl prints, which carries each Secret's
// metadata and type but none of its data. A server that answers the table
// request with anything else (a SecretList, say: it ignored the request for
// a table) gives a wrongKindError, and nothing of its answer is read but its
// kind: a Secret's type cannot be had without its data any other way, so the
// list is a Gap rather than a silent loss of type.
func (c *collector) secretPager(ns string) pager {
	if c.opts.IncludeSecrets {
		return func(ctx context.Context, o metav1.ListOptions) (page, error) {
			l, err := c.cs.CoreV1().Secrets(ns).List(ctx, o)
			if err != nil {
				return page{}, err
			}
			p := page{items: make([]listed, len(l.Items)), continue_: l.Continue, kind: l.Kind}
			for i := range l.Items {
				p.items[i] = listed{obj: &l.Items[i], meta: &l.Items[i].ObjectMeta}
			}
			return p, nil
		}
	}
	return func(ctx context.Context, o metav1.ListOptions) (page, error) {
		req := c.cs.CoreV1().RESTClient().Get().Resource("secrets").
			SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").
			Param("includeObject", "Metadata").
			Param("limit", strconv.FormatInt(o.Limit, 10))
		if ns != "" {
			req = req.Namespace(ns)
		}
		if o.Continue != "" {
			req = req.Param("continue", o.Continue)
		}
		raw, err := req.DoRaw(ctx)
		if err != nil {
			return page{}, err
		}
		var tm metav1.TypeMeta
		if err := json.Unmarshal(raw, &tm); err != nil {
			return page{}, fmt.Errorf("read secrets table: %w", err)
		}
		if tm.Kind != "Table" || tm.APIVersion != "meta.k8s.io/v1" {
			return page{}, wrongKindError{"a Table of Secret metadata (meta.k8s.io/v1)", kindOf(tm)}
		}
		var t metav1.Table
		if err := json.Unmarshal(raw, &t); err != nil {
			return page{}, fmt.Errorf("read secrets table: %w", err)
		}
		typeCol := -1
		for i, col := range t.ColumnDefinitions {
			if col.Name == "Type" {
				typeCol = i
			}
		}
		p := page{continue_: t.Continue}
		for _, row := range t.Rows {
			var pm metav1.PartialObjectMetadata
			if err := json.Unmarshal(row.Object.Raw, &pm.TypeMeta); err != nil {
				return page{}, fmt.Errorf("read secret metadata: %w", err)
			}
			if pm.Kind != "PartialObjectMetadata" {
				return page{}, wrongKindError{"rows of PartialObjectMetadata", "rows of " + kindOf(pm.TypeMeta)}
			}
			if err := json.Unmarshal(row.Object.Raw, &pm); err != nil {
				return page{}, fmt.Errorf("read secret metadata: %w", err)
			}
			s := &corev1.Secret{ObjectMeta: pm.ObjectMeta}
			if typeCol >= 0 && typeCol < len(row.Cells) {
				if v, ok := row.Cells[typeCol].(string); ok {
					s.Type = corev1.SecretType(v)
				}
			}
			p.items = append(p.items, listed{obj: s, meta: &s.ObjectMeta})
		}
		return p, nil
	}
}

// kindOf names a response's kind for a message.
func kindOf(tm metav1.TypeMeta) string {
	switch {
	case tm.Kind == "":
		return "an object without a kind"
	case tm.APIVersion == "":
		return tm.Kind
	}
	return tm.Kind + " (" + tm.APIVersion + ")"
}
