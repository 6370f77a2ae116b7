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
// metadata and type but none of its data.
func (c *collector) secretPager(ns string) pager {
	if c.opts.IncludeSecrets {
		return func(ctx context.Context, o metav1.ListOptions) (page, error) {
			l, err := c.cs.CoreV1().Secrets(ns).List(ctx, o)
			if err != nil {
				return page{}, err
			}
			p := page{items: make([]listed, len(l.Items)), continue_: l.Continue}
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
