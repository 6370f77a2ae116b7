package rbac

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseResource(t *testing.T) {
	type result struct{ Resource, Subresource, Group, Err string }
	tests := []struct {
		text     string
		group    string
		groupSet bool
		want     result
	}{
		{text: "pods", want: result{Resource: "pods"}},
		{text: "pods/exec", want: result{Resource: "pods", Subresource: "exec"}},
		{text: "deployments", want: result{Resource: "deployments", Group: "apps"}},
		{text: "deployments.apps/scale", want: result{Resource: "deployments", Subresource: "scale", Group: "apps"}},
		{text: "certificatesigningrequests/approval", want: result{Resource: "certificatesigningrequests", Subresource: "approval", Group: "certificates.k8s.io"}},
		{text: "widgets.example.com", want: result{Resource: "widgets", Group: "example.com"}},
		{text: "widgets", group: "example.com", groupSet: true, want: result{Resource: "widgets", Group: "example.com"}},
		{text: "pods", group: "", groupSet: true, want: result{Resource: "pods"}},
		{text: "deployments", group: "extensions", groupSet: true, want: result{Resource: "deployments", Group: "extensions"}},
		{text: "deployments.apps", group: "apps", groupSet: true, want: result{Resource: "deployments", Group: "apps"}},
		{text: "deployments.apps", group: "batch", groupSet: true, want: result{Err: `resource "deployments.apps" is in group "apps", not "batch"`}},
		{text: "widgets", want: result{Err: `resource "widgets" is not a built-in one: name its API group (widgets.GROUP or --group)`}},
		{text: "pods/", want: result{Err: `resource "pods/" is not RESOURCE[.GROUP][/SUBRESOURCE]`}},
		{text: ".apps", want: result{Err: `resource ".apps" is not RESOURCE[.GROUP][/SUBRESOURCE]`}},
	}
	for _, tt := range tests {
		t.Run(tt.text+" "+tt.group, func(t *testing.T) {
			var got result
			var err error
			got.Resource, got.Subresource, got.Group, err = ParseResource(tt.text, tt.group, tt.groupSet)
			if err != nil {
				got.Err = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseResource(%q, %q, %v) (-want +got):\n%s", tt.text, tt.group, tt.groupSet, diff)
			}
		})
	}
}
