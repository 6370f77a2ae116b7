package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func TestRuleAllows(t *testing.T) {
	pods := rbacv1.PolicyRule{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	tests := []struct {
		name string
		rule rbacv1.PolicyRule
		req  Request
		want bool
	}{
		{"exact", pods, Request{Verb: "get", Resource: "pods", Name: "p"}, true},
		{"other verb", pods, Request{Verb: "delete", Resource: "pods"}, false},
		{"other group", pods, Request{Verb: "get", Group: "apps", Resource: "pods"}, false},
		{"resource rule does not allow its subresource", pods, Request{Verb: "get", Resource: "pods", Subresource: "log"}, false},
		{"verb star", rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{""}, Resources: []string{"pods"}}, Request{Verb: "escalate", Resource: "pods"}, true},
		{"verbs are case sensitive", rbacv1.PolicyRule{Verbs: []string{"GET"}, APIGroups: []string{""}, Resources: []string{"pods"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"group star", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"deployments"}}, Request{Verb: "get", Group: "apps", Resource: "deployments"}, true},
		{"no groups matches nothing, not even core", rbacv1.PolicyRule{Verbs: []string{"get"}, Resources: []string{"pods"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"resource star covers subresources", rbacv1.PolicyRule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"*"}}, Request{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		{"res/sub exact", rbacv1.PolicyRule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/exec"}}, Request{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		{"res/sub does not allow the resource", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/exec"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"res/sub does not allow another subresource", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/exec"}}, Request{Verb: "get", Resource: "pods", Subresource: "attach"}, false},
		{"star/sub", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"*/status"}}, Request{Verb: "get", Group: "apps", Resource: "deployments", Subresource: "status"}, true},
		{"star/sub needs a subresource", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"*/status"}}, Request{Verb: "get", Resource: "status"}, false},
		{"star/sub is not a suffix match", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"*/tus"}}, Request{Verb: "get", Resource: "pods", Subresource: "status"}, false},
		{"res/star is literal", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/*"}}, Request{Verb: "get", Resource: "pods", Subresource: "log"}, false},
		{"res/star matches a literal star subresource", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/*"}}, Request{Verb: "get", Resource: "pods", Subresource: "*"}, true},
		{"resourceNames match a name", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"a", "b"}}, Request{Verb: "get", Resource: "secrets", Name: "b"}, true},
		{"resourceNames other name", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"a"}}, Request{Verb: "get", Resource: "secrets", Name: "c"}, false},
		{"resourceNames never allow a list", rbacv1.PolicyRule{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"a"}}, Request{Verb: "list", Resource: "secrets"}, false},
		{"resourceNames never allow a create", rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}, ResourceNames: []string{"a"}}, Request{Verb: "create", Resource: "configmaps"}, false},
		{"no resourceNames allow any name", pods, Request{Verb: "get", Resource: "pods", Name: "anything"}, true},
		{"resource rule does not allow a URL", rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}, Request{Verb: "get", NonResourceURL: "/healthz"}, false},
		{"URL exact", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}, Request{Verb: "get", NonResourceURL: "/healthz"}, true},
		{"URL exact is not a prefix", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}, Request{Verb: "get", NonResourceURL: "/healthz/etcd"}, false},
		{"URL trailing star", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz/*"}}, Request{Verb: "get", NonResourceURL: "/healthz/etcd"}, true},
		{"URL trailing star needs the slash", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz/*"}}, Request{Verb: "get", NonResourceURL: "/healthz"}, false},
		{"URL star without slash is a plain prefix", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/health*"}}, Request{Verb: "get", NonResourceURL: "/healthzzz"}, true},
		{"URL star", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"*"}}, Request{Verb: "get", NonResourceURL: "/metrics"}, true},
		{"URL inner star is literal", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/a/*/b"}}, Request{Verb: "get", NonResourceURL: "/a/x/b"}, false},
		{"URL rule does not allow a resource", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"*"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"URL verb must match", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"*"}}, Request{Verb: "post", NonResourceURL: "/api"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RuleAllows(&tt.rule, tt.req); got != tt.want {
				t.Errorf("RuleAllows(%+v, %+v) = %v, want %v", tt.rule, tt.req, got, tt.want)
			}
		})
	}
}

func TestParseSubject(t *testing.T) {
	tests := []struct {
		in      string
		want    Subject
		wantErr bool
	}{
		{in: "user:alice", want: User("alice")},
		{in: "user:system:serviceaccount:ns:sa", want: ServiceAccount("ns", "sa")},
		{in: "group:system:masters", want: Group("system:masters")},
		{in: "serviceaccount:kube-system:default", want: ServiceAccount("kube-system", "default")},
		{in: "sa:ns:name", want: ServiceAccount("ns", "name")},
		{in: "serviceaccount:ns", wantErr: true},
		{in: "user:", wantErr: true},
		{in: "alice", wantErr: true},
		{in: "robot:x", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSubject(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseSubject(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
