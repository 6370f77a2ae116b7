package report

import (
	"slices"

	"github.com/kubestride/kubestride/internal/check"
)

// Control is a defence of kubestride's threat model. Every check verifies a
// part of one control; the threat-model view of the html and markdown
// formats says, per STRIDE category, which controls are in place.
type Control string

// The controls of the threat model, in the order the report lists them.
const (
	ControlRBAC        Control = "rbac"
	ControlTokens      Control = "tokens"
	ControlTLS         Control = "tls"
	ControlFiles       Control = "files"
	ControlAudit       Control = "audit"
	ControlMonitoring  Control = "monitoring"
	ControlEncryption  Control = "encryption"
	ControlQuotas      Control = "quotas"
	ControlNetwork     Control = "network"
	ControlHA          Control = "ha"
	ControlPodSecurity Control = "pod-security"
	ControlAdmission   Control = "admission"
	ControlSupplyChain Control = "supply-chain"
)

// Controls lists the controls in report order.
var Controls = []Control{ControlRBAC, ControlTokens, ControlTLS, ControlFiles, ControlAudit, ControlMonitoring,
	ControlEncryption, ControlQuotas, ControlNetwork, ControlHA, ControlPodSecurity, ControlAdmission, ControlSupplyChain}

// Title is the control's name for a person.
func (c Control) Title() string {
	switch c {
	case ControlRBAC:
		return "RBAC least privilege"
	case ControlTokens:
		return "Token and secret handling"
	case ControlTLS:
		return "TLS and PKI"
	case ControlFiles:
		return "File integrity"
	case ControlAudit:
		return "Audit"
	case ControlMonitoring:
		return "Monitoring and alerting"
	case ControlEncryption:
		return "Encryption at rest"
	case ControlQuotas:
		return "Quotas and limits"
	case ControlNetwork:
		return "Network policies and exposure"
	case ControlHA:
		return "High availability"
	case ControlPodSecurity:
		return "Pod Security"
	case ControlAdmission:
		return "Admission control"
	case ControlSupplyChain:
		return "Supply chain and manifest integrity"
	}
	return string(c)
}

// ControlOf is the control check id verifies, and false for a check the
// table does not know (a test holds every registered check to it).
func ControlOf(id check.ID) (Control, bool) {
	c, ok := controlOfCheck[id]
	return c, ok
}

// controlOfCheck maps every check to the one control it verifies.
var controlOfCheck = map[check.ID]Control{
	// Spoofing.
	"apiserver-anonymous-auth":                      ControlRBAC,
	"apiserver-insecure-port":                       ControlTLS,
	"apiserver-kubelet-tls":                         ControlTLS,
	"apiserver-service-account-keys":                ControlTokens,
	"apiserver-service-account-lookup":              ControlTokens,
	"apiserver-token-auth-file":                     ControlTokens,
	"apiservice-insecure":                           ControlTLS,
	"auditlog-anonymous-request":                    ControlAudit,
	"auditlog-impersonation":                        ControlAudit,
	"auditlog-token-request":                        ControlAudit,
	"controller-manager-kubelet-server-certificate": ControlTLS,
	"controller-manager-service-account-keys":       ControlTokens,
	"default-service-account":                       ControlTokens,
	"kubelet-anonymous-auth":                        ControlRBAC,
	"kubelet-certificate-rotation":                  ControlTLS,
	"kubelet-server-certificate":                    ControlTLS,
	"legacy-service-account-token-secret":           ControlTokens,
	"owner-reference-mismatch":                      ControlAdmission,
	"pki-service-account-key":                       ControlTokens,
	"pki-shared-ca":                                 ControlTLS,
	"pki-weak-key":                                  ControlTLS,
	"projected-token-long-expiry":                   ControlTokens,
	"projected-token-no-audience":                   ControlTokens,
	"rbac-anonymous-binding":                        ControlRBAC,
	"service-account-token-automount":               ControlTokens,

	// Tampering.
	"admission-webhook-fail-open":       ControlAdmission,
	"apiserver-etcd-tls":                ControlTLS,
	"auditd-binaries-unwatched":         ControlFiles,
	"auditlog-admission-webhook-change": ControlAudit,
	"deprecated-api-version":            ControlSupplyChain,
	"duplicate-object":                  ControlSupplyChain,
	"etcd-client-tls":                   ControlTLS,
	"etcd-peer-tls":                     ControlTLS,
	"host-path-writable":                ControlPodSecurity,
	"ignored-security-setting":          ControlSupplyChain,
	"image-latest-tag":                  ControlSupplyChain,
	"image-not-pinned":                  ControlSupplyChain,
	"kubelet-iptables-util-chains":      ControlFiles,
	"kubelet-protect-kernel-defaults":   ControlFiles,
	"rbac-admission-webhook-write":      ControlRBAC,
	"root-filesystem-writable":          ControlPodSecurity,
	"unknown-field":                     ControlSupplyChain,

	// Repudiation.
	"apiserver-audit-log":             ControlAudit,
	"audit-policy-catch-all":          ControlAudit,
	"audit-policy-rbac-changes":       ControlAudit,
	"audit-policy-request-received":   ControlAudit,
	"audit-policy-unrecorded":         ControlAudit,
	"auditd-config-unwatched":         ControlAudit,
	"auditlog-binding-covered-tracks": ControlAudit,
	"auditlog-principal-activity":     ControlAudit,

	// InformationDisclosure.
	"apiserver-encryption-config-missing": ControlEncryption,
	"apiserver-profiling":                 ControlNetwork,
	"apiserver-weak-tls":                  ControlTLS,
	"audit-policy-logs-secrets":           ControlAudit,
	"auditlog-forbidden-burst":            ControlAudit,
	"auditlog-secret-read":                ControlAudit,
	"controller-manager-bind-address":     ControlNetwork,
	"controller-manager-profiling":        ControlNetwork,
	"encryption-config-permissions":       ControlEncryption,
	"encryption-identity-first":           ControlEncryption,
	"encryption-key-in-file":              ControlEncryption,
	"encryption-kms-v1":                   ControlEncryption,
	"encryption-resources-uncovered":      ControlEncryption,
	"etcd-data-dir-permissions":           ControlFiles,
	"etcd-listen-all-interfaces":          ControlNetwork,
	"kubelet-read-only-port":              ControlNetwork,
	"pki-private-key-permissions":         ControlFiles,
	"rbac-secrets-read":                   ControlRBAC,
	"scheduler-bind-address":              ControlNetwork,
	"scheduler-profiling":                 ControlNetwork,
	"secret-in-configmap":                 ControlTokens,
	"secret-in-env":                       ControlTokens,
	"secret-manifest-with-data":           ControlTokens,
	"service-external-no-source-ranges":   ControlNetwork,

	// DenialOfService.
	"admission-webhook-locks-cluster":      ControlAdmission,
	"apiserver-request-limits":             ControlQuotas,
	"control-plane-single-node":            ControlHA,
	"control-plane-single-zone":            ControlHA,
	"controller-manager-terminated-pod-gc": ControlQuotas,
	"cpu-limit-missing":                    ControlQuotas,
	"cpu-request-missing":                  ControlQuotas,
	"ephemeral-storage-limit-missing":      ControlQuotas,
	"etcd-member-count":                    ControlHA,
	"kubelet-event-stream-limits":          ControlQuotas,
	"kubelet-pod-pids-limit":               ControlQuotas,
	"memory-limit-missing":                 ControlQuotas,
	"memory-request-missing":               ControlQuotas,
	"namespace-default-deny-missing":       ControlNetwork,
	"namespace-limit-range-missing":        ControlQuotas,
	"namespace-resource-quota-missing":     ControlQuotas,
	"pki-certificate-expiry":               ControlTLS,
	"workload-ingress-unrestricted":        ControlNetwork,

	// ElevationOfPrivilege.
	"apiserver-admission-plugins":    ControlAdmission,
	"apiserver-authorization-mode":   ControlRBAC,
	"auditlog-cluster-admin-binding": ControlAudit,
	"auditlog-pod-exec":              ControlAudit,
	"auditlog-privileged-pod":        ControlAudit,
	"auditlog-rbac-change":           ControlAudit,
	// Application mTLS (a service mesh's peer authentication) is TLS between
	// workloads; its authorization policies decide who may reach whom, as
	// network policies do one layer down.
	"mesh-not-installed":                             ControlTLS,
	"mesh-workload-not-injected":                     ControlTLS,
	"istio-peer-authentication-permissive":           ControlTLS,
	"istio-namespace-mtls-not-strict":                ControlTLS,
	"linkerd-default-policy-unauthenticated":         ControlTLS,
	"istio-authorization-allow-all":                  ControlNetwork,
	"istio-authorization-default-deny-missing":       ControlNetwork,
	"linkerd-authorization-allow-all":                ControlNetwork,
	"linkerd-authorization-default-deny-missing":     ControlNetwork,
	"image-policy":                                   ControlSupplyChain,
	"seccomp-localhost-non-blocking":                 ControlPodSecurity,
	"seccomp-profile-non-blocking":                   ControlPodSecurity,
	"etcd-metrics-exposed":                           ControlNetwork,
	"apiserver-monitoring-missing":                   ControlMonitoring,
	"etcd-monitoring-missing":                        ControlMonitoring,
	"registry-credential-shared":                     ControlTokens,
	"registry-credential-push-access":                ControlSupplyChain,
	"service-account-pull-secret-unused":             ControlTokens,
	"registry-egress-unrestricted":                   ControlNetwork,
	"apiserver-anonymous-metrics":                    ControlRBAC,
	"apiserver-exposed-service":                      ControlNetwork,
	"apiserver-bind-address":                         ControlNetwork,
	"cluster-admin-binding":                          ControlRBAC,
	"controller-manager-service-account-credentials": ControlTokens,
	"custom-resource-pod-spec-not-evaluated":         ControlPodSecurity,
	"host-users-not-disabled":                        ControlPodSecurity,
	"kubelet-authorization-mode":                     ControlRBAC,
	"kubelet-seccomp-default":                        ControlPodSecurity,
	"namespace-psa-not-enforced":                     ControlPodSecurity,
	"namespace-psa-privileged":                       ControlPodSecurity,
	"pss-allow-privilege-escalation":                 ControlPodSecurity,
	"pss-apparmor-profile":                           ControlPodSecurity,
	"pss-capabilities-baseline":                      ControlPodSecurity,
	"pss-capabilities-restricted":                    ControlPodSecurity,
	"pss-host-namespaces":                            ControlPodSecurity,
	"pss-host-path-volumes":                          ControlPodSecurity,
	"pss-host-ports":                                 ControlPodSecurity,
	"pss-host-probes-lifecycle":                      ControlPodSecurity,
	"pss-privileged":                                 ControlPodSecurity,
	"pss-proc-mount":                                 ControlPodSecurity,
	"pss-proc-mount-restricted":                      ControlPodSecurity,
	"pss-restricted-volumes":                         ControlPodSecurity,
	"pss-run-as-non-root":                            ControlPodSecurity,
	"pss-run-as-user":                                ControlPodSecurity,
	"pss-seccomp-baseline":                           ControlPodSecurity,
	"pss-seccomp-restricted":                         ControlPodSecurity,
	"pss-selinux-options":                            ControlPodSecurity,
	"pss-sysctls":                                    ControlPodSecurity,
	"pss-windows-host-process":                       ControlPodSecurity,
	"rbac-bind":                                      ControlRBAC,
	"rbac-cluster-admin-equivalent":                  ControlRBAC,
	"rbac-create-workloads":                          ControlRBAC,
	"rbac-csr-approval":                              ControlRBAC,
	"rbac-escalate":                                  ControlRBAC,
	"rbac-escalation-path":                           ControlRBAC,
	"rbac-impersonate":                               ControlRBAC,
	"rbac-nodes-proxy":                               ControlRBAC,
	"rbac-pods-exec":                                 ControlRBAC,
	"rbac-serviceaccount-token":                      ControlRBAC,
	"rbac-wildcard":                                  ControlRBAC,
}

// ControlTable lists the checks the control table names, sorted.
func ControlTable() []check.ID {
	ids := make([]check.ID, 0, len(controlOfCheck))
	for id := range controlOfCheck {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
