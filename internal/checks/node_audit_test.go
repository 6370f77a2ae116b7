package checks

import (
	"math/rand/v2"
	"testing"

	"k8s.io/apiserver/pkg/apis/audit"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	upstream "k8s.io/apiserver/pkg/audit/policy"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

// The requests and rules of the API server's own tests of its policy
// evaluator (k8s.io/apiserver/pkg/audit/policy/checker_test.go).
var (
	upstreamRequests = map[string]auditRequest{
		"namespaced":        {User: "tim@k8s.io", Groups: []string{"humans", "developers"}, Verb: "get", Namespace: "default", Kind: "pods", Name: "busybox", Resource: true},
		"cluster":           {User: "tim@k8s.io", Groups: []string{"humans", "developers"}, Verb: "get", Group: "rbac.authorization.k8s.io", Kind: "clusterroles", Name: "edit", Resource: true},
		"nonResource":       {User: "tim@k8s.io", Groups: []string{"humans", "developers"}, Verb: "get", Path: "/logs/kubelet.log"},
		"subresource":       {User: "tim@k8s.io", Groups: []string{"humans", "developers"}, Verb: "get", Namespace: "default", Kind: "pods", Subresource: "log", Name: "busybox", Resource: true},
		"Unauthorized":      {Anonymous: true, Verb: "get", Namespace: "default", Kind: "pods", Name: "busybox", Resource: true},
		"ClusterRoleUpdate": {User: "tim@k8s.io", Groups: []string{"humans", "developers"}, Verb: "update", Group: "rbac.authorization.k8s.io", Kind: "clusterroles", Subresource: "status", Name: "somerole", Resource: true},
	}
	upstreamRules = map[string]auditv1.PolicyRule{
		"default":                           {Level: auditv1.LevelMetadata},
		"create":                            {Level: auditv1.LevelRequest, Verbs: []string{"create"}},
		"tims":                              {Level: auditv1.LevelMetadata, Users: []string{"tim@k8s.io"}},
		"humans":                            {Level: auditv1.LevelMetadata, UserGroups: []string{"humans"}},
		"serviceAccounts":                   {Level: auditv1.LevelRequest, UserGroups: []string{"system:serviceaccounts"}},
		"getPods":                           {Level: auditv1.LevelRequestResponse, Verbs: []string{"get"}, Resources: []auditv1.GroupResources{{Resources: []string{"pods"}}}},
		"getPodLogs":                        {Level: auditv1.LevelRequest, Verbs: []string{"get"}, Resources: []auditv1.GroupResources{{Resources: []string{"pods/log"}}}},
		"getPodWildcardMatching":            {Level: auditv1.LevelRequest, Verbs: []string{"get"}, Resources: []auditv1.GroupResources{{Resources: []string{"*"}}}},
		"getPodResourceWildcardMatching":    {Level: auditv1.LevelRequest, Verbs: []string{"get"}, Resources: []auditv1.GroupResources{{Resources: []string{"*/log"}}}},
		"getPodSubResourceWildcardMatching": {Level: auditv1.LevelRequest, Verbs: []string{"get"}, Resources: []auditv1.GroupResources{{Resources: []string{"pods/*"}}}},
		"getClusterRoles": {Level: auditv1.LevelRequestResponse, Verbs: []string{"get"},
			Resources: []auditv1.GroupResources{{Group: "rbac.authorization.k8s.io", Resources: []string{"clusterroles"}}}, Namespaces: []string{""}},
		"getGroupWildCardMatchingWithSubresourceWildcardMatching": {Level: auditv1.LevelRequestResponse, Verbs: []string{"update"},
			Resources: []auditv1.GroupResources{{Group: "*", Resources: []string{"*/status"}}}},
		"getLogs":    {Level: auditv1.LevelRequestResponse, Verbs: []string{"get"}, NonResourceURLs: []string{"/logs*"}},
		"getMetrics": {Level: auditv1.LevelRequest, Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}},
		"clusterRoleEdit": {Level: auditv1.LevelRequest,
			Resources: []auditv1.GroupResources{{Group: "rbac.authorization.k8s.io", Resources: []string{"clusterroles"}, ResourceNames: []string{"edit"}}}},
	}
)

// TestAuditLevelUpstreamCases holds auditLevel to the expectations of the
// API server's own tests.
func TestAuditLevelUpstreamCases(t *testing.T) {
	cases := []struct {
		req   string
		want  auditv1.Level
		rules []string
	}{
		{"namespaced", "Metadata", []string{"default"}},
		{"namespaced", "None", []string{"create"}},
		{"namespaced", "Metadata", []string{"tims"}},
		{"namespaced", "Metadata", []string{"humans"}},
		{"namespaced", "None", []string{"serviceAccounts"}},
		{"namespaced", "RequestResponse", []string{"getPods"}},
		{"namespaced", "None", []string{"getClusterRoles"}},
		{"namespaced", "None", []string{"getLogs"}},
		{"namespaced", "None", []string{"getMetrics"}},
		{"namespaced", "Metadata", []string{"getMetrics", "serviceAccounts", "default"}},
		{"namespaced", "RequestResponse", []string{"getMetrics", "getPods", "default"}},
		{"namespaced", "RequestResponse", []string{"getPodLogs", "getPods"}},
		{"cluster", "Metadata", []string{"default"}},
		{"cluster", "None", []string{"create"}},
		{"cluster", "Metadata", []string{"tims"}},
		{"cluster", "Metadata", []string{"humans"}},
		{"cluster", "None", []string{"serviceAccounts"}},
		{"cluster", "None", []string{"getPods"}},
		{"cluster", "RequestResponse", []string{"getClusterRoles"}},
		{"cluster", "Request", []string{"clusterRoleEdit", "getClusterRoles"}},
		{"cluster", "None", []string{"getLogs"}},
		{"cluster", "None", []string{"getMetrics"}},
		{"cluster", "Metadata", []string{"getMetrics", "serviceAccounts", "default"}},
		{"cluster", "RequestResponse", []string{"getMetrics", "getClusterRoles", "default"}},
		{"cluster", "None", []string{"getPodLogs", "getPods"}},
		{"nonResource", "Metadata", []string{"default"}},
		{"nonResource", "None", []string{"create"}},
		{"nonResource", "Metadata", []string{"tims"}},
		{"nonResource", "Metadata", []string{"humans"}},
		{"nonResource", "None", []string{"serviceAccounts"}},
		{"nonResource", "None", []string{"getPods"}},
		{"nonResource", "None", []string{"getClusterRoles"}},
		{"nonResource", "RequestResponse", []string{"getLogs"}},
		{"nonResource", "None", []string{"getMetrics"}},
		{"nonResource", "Metadata", []string{"getMetrics", "serviceAccounts", "default"}},
		{"nonResource", "RequestResponse", []string{"getLogs", "getClusterRoles", "default"}},
		{"nonResource", "None", []string{"getPodLogs", "getPods"}},
		{"subresource", "Request", []string{"getPodLogs", "getPods"}},
		{"subresource", "Request", []string{"getPodWildcardMatching"}},
		{"subresource", "Request", []string{"getPodResourceWildcardMatching"}},
		{"subresource", "Request", []string{"getPodSubResourceWildcardMatching"}},
		{"Unauthorized", "None", []string{"tims"}},
		{"Unauthorized", "Metadata", []string{"tims", "default"}},
		{"Unauthorized", "None", []string{"humans"}},
		{"Unauthorized", "Metadata", []string{"humans", "default"}},
		{"ClusterRoleUpdate", "RequestResponse", []string{"getGroupWildCardMatchingWithSubresourceWildcardMatching"}},
	}
	for _, c := range cases {
		p := &auditv1.Policy{}
		for _, r := range c.rules {
			p.Rules = append(p.Rules, upstreamRules[r])
		}
		if got, _ := auditLevel(p, upstreamRequests[c.req]); got != c.want {
			t.Errorf("%s with rules %v: level %s, want %s", c.req, c.rules, got, c.want)
		}
	}
}

// TestAuditLevelMatchesAPIServer compares auditLevel with the API server's
// own evaluator over random policies built from the upstream rules and
// variations of them, and random requests.
func TestAuditLevelMatchesAPIServer(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 37))
	var rules []auditv1.PolicyRule
	for _, r := range upstreamRules {
		rules = append(rules, r)
	}
	rules = append(rules,
		auditv1.PolicyRule{Level: auditv1.LevelNone, Namespaces: []string{"kube-system"}},
		auditv1.PolicyRule{Level: auditv1.LevelRequest, Resources: []auditv1.GroupResources{{Group: "rbac.authorization.k8s.io"}}},
		auditv1.PolicyRule{Level: auditv1.LevelMetadata, Resources: []auditv1.GroupResources{{Resources: []string{"secrets"}, ResourceNames: []string{"busybox"}}}, Namespaces: []string{"default"}},
		auditv1.PolicyRule{Level: auditv1.LevelRequestResponse, NonResourceURLs: []string{"*"}},
		auditv1.PolicyRule{Level: auditv1.LevelNone, UserGroups: []string{"system:unauthenticated"}},
	)
	var reqs []auditRequest
	for _, r := range upstreamRequests {
		reqs = append(reqs, r)
	}
	reqs = append(reqs,
		auditRequest{User: "system:anonymous", Groups: []string{"system:unauthenticated"}, Verb: "list", Kind: "secrets", Resource: true},
		auditRequest{User: "jane", Verb: "create", Namespace: "kube-system", Kind: "secrets", Name: "busybox", Resource: true},
		auditRequest{User: "jane", Verb: "get", Namespace: "default", Kind: "secrets", Name: "busybox", Resource: true},
		auditRequest{User: "jane", Verb: "get", Path: "/metrics"},
	)
	for n := 0; n < 5000; n++ {
		p := &auditv1.Policy{}
		for k := rng.IntN(5); k > 0; k-- {
			p.Rules = append(p.Rules, rules[rng.IntN(len(rules))])
		}
		req := reqs[rng.IntN(len(reqs))]
		got, _ := auditLevel(p, req)
		var internal audit.Policy
		if err := auditv1.Convert_v1_Policy_To_audit_Policy(p.DeepCopy(), &internal, nil); err != nil {
			t.Fatal(err)
		}
		attrs := &authorizer.AttributesRecord{Verb: req.Verb, Namespace: req.Namespace, APIGroup: req.Group, Resource: req.Kind,
			Subresource: req.Subresource, Name: req.Name, ResourceRequest: req.Resource, Path: req.Path}
		if !req.Anonymous {
			attrs.User = &user.DefaultInfo{Name: req.User, Groups: req.Groups}
		}
		want := upstream.NewPolicyRuleEvaluator(&internal).EvaluatePolicyRule(attrs).Level
		if string(got) != string(want) {
			t.Fatalf("policy %+v, request %+v: level %s, the API server says %s", p.Rules, req, got, want)
		}
	}
}

// TestRecommendedAuditPolicy loads the recommended policy and runs every
// audit policy check on it: none may report.
func TestRecommendedAuditPolicy(t *testing.T) {
	policy := string(host.RecommendedAuditPolicy())
	inv := load(t, "audit-policy.yaml", policy)
	if len(inv.NodeObjects) != 1 {
		t.Fatalf("the recommended policy loads as %d node objects, want 1", len(inv.NodeObjects))
	}
	n := 0
	for _, c := range check.Default().All() {
		id := string(c.Meta().ID)
		if len(id) < 13 || id[:13] != "audit-policy-" {
			continue
		}
		n++
		for _, f := range run(c, inv, defaultOptions) {
			t.Errorf("%s: %s", id, f.Message())
		}
	}
	if n < 5 {
		t.Errorf("ran %d audit policy checks, want 5 at least", n)
	}
}

// docsAuditPolicy is the example policy of the Kubernetes documentation
// (Auditing, "Audit policy").
const docsAuditPolicy = `apiVersion: audit.k8s.io/v1 # This is required.
kind: Policy
# Don't generate audit events for all requests in RequestReceived stage.
omitStages:
  - "RequestReceived"
rules:
  # Log pod changes at RequestResponse level
  - level: RequestResponse
    resources:
    - group: ""
      # Resource "pods" doesn't match requests to any subresource of pods,
      # which is consistent with the RBAC policy.
      resources: ["pods"]
  # Log "pods/log", "pods/status" at Metadata level
  - level: Metadata
    resources:
    - group: ""
      resources: ["pods/log", "pods/status"]

  # Don't log requests to a configmap called "controller-leader"
  - level: None
    resources:
    - group: ""
      resources: ["configmaps"]
      resourceNames: ["controller-leader"]

  # Don't log watch requests by the "system:kube-proxy" on endpoints or services
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
    resources:
    - group: "" # core API group
      resources: ["endpoints", "services"]

  # Don't log authenticated requests to certain non-resource URL paths.
  - level: None
    userGroups: ["system:authenticated"]
    nonResourceURLs:
    - "/api*" # Wildcard matching.
    - "/version"

  # Log the request body of configmap changes in kube-system.
  - level: Request
    resources:
    - group: "" # core API group
      resources: ["configmaps"]
    # This rule only applies to resources in the "kube-system" namespace.
    # The empty string "" can be used to select non-namespaced resources.
    namespaces: ["kube-system"]

  # Log configmap and secret changes in all other namespaces at the Metadata level.
  - level: Metadata
    resources:
    - group: "" # core API group
      resources: ["secrets", "configmaps"]

  # Log all other resources in core and extensions at the Request level.
  - level: Request
    resources:
    - group: "" # core API group
    - group: "extensions" # Version of group should NOT be included.

  # A catch-all rule to log all other requests at the Metadata level.
  - level: Metadata
    # Long-running requests like watches that fall under this rule will not
    # generate an audit event in RequestReceived.
    omitStages:
      - "RequestReceived"
`

// weakAuditPolicy drops RBAC requests (line 5), logs the bodies of every
// write (line 8) and has no catch-all rule; every request is recorded
// twice.
const weakAuditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  # RBAC is noisy.
  - level: None
    resources:
      - group: rbac.authorization.k8s.io
  - level: RequestResponse
    verbs: ["create", "update", "patch", "delete"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["pods", "pods/exec"]
`
