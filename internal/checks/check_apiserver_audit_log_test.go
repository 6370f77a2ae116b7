package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestAPIServerAuditLog(t *testing.T) {
	audit := []string{"--audit-policy-file=/etc/kubernetes/audit/policy.yaml", "--audit-log-path=/var/log/kubernetes/audit/audit.log"}
	runCases(t, "apiserver-audit-log", []checkCase{{
		name:     "kubeadm's default: no audit log",
		manifest: kubeadmPod("kube-apiserver"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: cpArgs, Reason: "no audit trail", Line: 12,
			Detail: cpAPIServer + " must set --audit-log-path or --audit-webhook-config-file (no audit events are recorded by default)",
		}},
	}, {
		name:     "a log file and a policy, retention without limits by default",
		manifest: kubeadmPod("kube-apiserver", audit...),
	}, {
		name:     "hardened retention",
		manifest: kubeadmPod("kube-apiserver", append(audit, "--audit-log-maxage=30", "--audit-log-maxbackup=10", "--audit-log-maxsize=200")...),
	}, {
		name:     "a webhook and a policy",
		manifest: kubeadmPod("kube-apiserver", "--audit-policy-file=/etc/kubernetes/audit/policy.yaml", "--audit-webhook-config-file=/etc/kubernetes/audit/webhook.yaml"),
	}, {
		name:     "a log file without a policy",
		manifest: kubeadmPod("kube-apiserver", "--audit-log-path=/var/log/kubernetes/audit/audit.log"),
		want: []finding{{
			Object: apiserverPod, Path: cpArgs, Reason: "no audit trail",
			Detail: cpAPIServer + " must set --audit-policy-file (without a policy no audit events are recorded)",
		}},
	}, {
		name:     "short retention",
		manifest: kubeadmPod("kube-apiserver", append(audit, "--audit-log-maxage=7", "--audit-log-maxbackup=0", "--audit-log-maxsize=10")...),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[30]", Reason: "short audit retention", Severity: check.Medium, Line: 43,
			Detail: cpAPIServer + " must set --audit-log-maxage to 30 days or more, not 7",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[32]", Reason: "short audit retention", Severity: check.Medium, Line: 45,
			Detail: cpAPIServer + " must set --audit-log-maxsize to 100 megabytes or more, not 10",
		}},
	}, {
		name: "a running process logging to standard output",
		host: processNode("kube-apiserver", 812, "--audit-log-path=-", "--audit-policy-file=/etc/kubernetes/audit/policy.yaml", "--audit-log-maxage=1"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--audit-log-path", Reason: "short audit retention", Severity: check.Medium,
			Detail: "kube-apiserver (process 812) must write the audit log to a file or a webhook, not --audit-log-path=- (standard output is kept only as long as the container log)",
		}},
	}})
}
