// Package webhook is kubestride's validating admission webhook: an HTTPS
// server that answers admission.k8s.io/v1 AdmissionReviews on /validate by
// judging the admitted object with the scan's own checks (scan.Evaluator),
// so that admission and scan never disagree.
//
// # Modes and policies
//
// As with Pod Security Admission, each namespace names a policy per mode
// with labels: kubestride.io/enforce (deny), kubestride.io/audit (an
// audit annotation, <webhook name>/audit-violations) and kubestride.io/warn
// (warnings kubectl prints), each with a -version label naming the Pod
// Security Standards version (v1.N or latest). The policies baseline and
// restricted are the Pod Security Standards controls at that level and
// version, so the enforce verdict on a pod equals Pod Security Admission's;
// the configuration (config.Webhook) defines more, as a level plus checks
// counted at or above a severity, and the modes of namespaces that set no
// label. Pod controllers (Deployment, StatefulSet, DaemonSet, ReplicaSet,
// Job, CronJob, ReplicationController) and custom resources whose pod
// template the configuration or the built-in table names are judged by
// their pod template, at enforce too.
//
// The answers are worded as Pod Security Admission's: a denial reads
// `deployments.apps "web" is forbidden: violates kubestride policy
// "restricted:latest": allowPrivilegeEscalation != false (container "app"
// must set securityContext.allowPrivilegeEscalation=false), ...`, a warning
// or audit annotation `would violate kubestride policy ...`. The controls
// come in Pod Security Admission's order (baseline, then restricted, each by
// check ID), in its words: at restricted, a pod that breaks a baseline
// control which a restricted control replaces is reported by the scan under
// the baseline check (so that exemptions keyed on it hold at every level),
// but the denial names the restricted control, as Pod Security Admission
// does (`restricted volume types (volume "data" uses restricted volume type
// "hostPath")`, not `hostPath volumes (volume "data")`); the status causes
// keep the checks' IDs.
//
// # Exemptions
//
// Requests are exempt by namespace, user, group or runtime class
// (config.RequestExemptions); findings are exempt by the configuration's
// exemptions and by the suppression annotation
// kubestride.io/ignore.<check-id>: "<reason>[; expires YYYY-MM-DD]", unless
// the configuration forbids exemption by annotation. An exemption that has
// expired stops applying and a warning says so. In a dry-run namespace
// (configuration or the label kubestride.io/dry-run=true) what enforce
// would deny is allowed with warnings and counted in the metrics.
//
// # Operations
//
// The cluster is read through shared informers: namespaces (their labels),
// LimitRanges (a defaulted limit excuses a missing one) and, when a policy
// holds service-account-token-automount, ServiceAccounts and the
// RoleBindings and ClusterRoleBindings indexed by the subjects they name;
// /readyz answers once they have synced. /metrics is the
// Prometheus text format (Metrics), /healthz a liveness probe. The
// certificate files are read again when they change; request bodies are
// bounded; a panic answers an error review; Run shuts down gracefully.
//
// An in-process test starts a Server on loopback with New (Options with a
// Listener on 127.0.0.1:0, the certificate files and a client of the test's
// API server), runs Run in a goroutine, waits for Started and Ready, and
// registers https://<Addr()>/validate with the certificate's CA as the
// caBundle; cancelling Run's context (or Shutdown) stops it.
package webhook
