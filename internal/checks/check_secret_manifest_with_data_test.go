package checks

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

func TestSecretManifestWithData(t *testing.T) {
	const id = "secret-manifest-with-data"
	cases := []checkCase{{
		name: "data and stringData",
		manifest: `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
type: Opaque
data:
  username: YWRtaW4=
  password: czNjcjN0LXZhbHVl
  empty: ""
stringData:
  dsn: postgres://admin:s3cr3t-value@db:5432/shop
`,
		lines: true,
		want: []finding{{
			Object: "Secret shop/db",
			Path:   "data",
			Reason: "secret values in a manifest",
			Detail: `secret "db" must not set data values in a manifest (keys "password", "username")`,
			Line:   7,
		}, {
			Object: "Secret shop/db",
			Path:   "stringData",
			Reason: "secret values in a manifest",
			Detail: `secret "db" must not set stringData values in a manifest (key "dsn")`,
			Line:   11,
		}},
	}, {
		name: "keys without values, or none",
		manifest: `apiVersion: v1
kind: Secret
metadata: {name: placeholder, namespace: shop}
data:
  password: ""
stringData:
  token: ""
---
apiVersion: v1
kind: Secret
metadata: {name: filled-later, namespace: shop}
type: kubernetes.io/tls
`,
		want: nil,
	}}
	runCases(t, id, cases)
	for _, tc := range cases {
		for _, f := range runCheck(t, id, tc.manifest) {
			for _, v := range []string{"YWRtaW4=", "czNjcjN0", "s3cr3t", "admin"} {
				if strings.Contains(f.Detail, v) {
					t.Errorf("%s: detail %q holds a value", tc.name, f.Detail)
				}
			}
		}
	}

	// A live cluster's Secrets hold their values where they belong.
	s := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop"},
		Data:       map[string][]byte{"password": []byte("x")},
	}
	live := object.New(s, &s.ObjectMeta)
	live.Origin.Source = object.FromCluster
	if got := registered(t, id).Run(context.Background(), inventory.Build([]*object.Object{live}), defaultOptions); len(got) != 0 {
		t.Errorf("a live Secret gave %d findings, want none", len(got))
	}
	// From standard input it is a manifest.
	inv := load(t, object.StdinName, "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData: {password: x}\n")
	if got := run(registered(t, id), inv, defaultOptions); len(got) != 1 {
		t.Errorf("a Secret from standard input gave %d findings, want 1", len(got))
	}
}
