package host

// recommendedAuditPolicy is the audit Policy kubestride recommends: every
// request recorded once, with who, what and when; the bodies of RBAC
// changes (what was granted) and of other writes; never the bodies of
// Secrets, ConfigMaps or TokenReviews; only the noisiest requests that
// say nothing about intent left out.
const recommendedAuditPolicy = `# The audit Policy kubestride recommends (kubestride node audit-policy).
# Give it to the kube-apiserver with --audit-policy-file, beside
# --audit-log-path, --audit-log-maxage, --audit-log-maxbackup and
# --audit-log-maxsize (or an audit webhook). The first rule that matches a
# request decides its level.
apiVersion: audit.k8s.io/v1
kind: Policy
# One event per request, when its response is ready: not another on receipt.
omitStages:
  - RequestReceived
rules:
  # Secrets, ConfigMaps and TokenReviews hold credentials in their bodies:
  # record who touched them and when, never their content.
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  # Changes to RBAC: record what was granted, and to whom.
  - level: RequestResponse
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
    resources:
      - group: rbac.authorization.k8s.io
  # Who entered a pod.
  - level: Metadata
    resources:
      - group: ""
        resources: ["pods/exec", "pods/attach", "pods/portforward"]
  # Changes to admission webhooks and policies: record what they now do.
  - level: RequestResponse
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
    resources:
      - group: admissionregistration.k8s.io
  # Noise that says nothing about intent: health checks, version, events,
  # and kube-proxy watching services.
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"]
  - level: None
    resources:
      - group: ""
        resources: ["events"]
      - group: events.k8s.io
        resources: ["events"]
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
    resources:
      - group: ""
        resources: ["endpoints", "services", "services/status"]
      - group: discovery.k8s.io
        resources: ["endpointslices"]
  # Other writes: record what was written.
  - level: Request
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
  # Everything else, reads included: who, what and when.
  - level: Metadata
`

// RecommendedAuditPolicy returns the audit Policy kubestride recommends,
// as YAML: it passes every audit policy check.
func RecommendedAuditPolicy() []byte { return []byte(recommendedAuditPolicy) }
