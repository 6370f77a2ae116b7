package checks

import "testing"

func TestAPIServerAdmissionPlugins(t *testing.T) {
	runCases(t, "apiserver-admission-plugins", []checkCase{{
		name:     "kubeadm's default: NodeRestriction, the rest by default",
		manifest: kubeadmPod("kube-apiserver"),
	}, {
		name:     "default-enabled plugins need not be listed",
		manifest: kubeadmPod("kube-apiserver", "--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages", "--disable-admission-plugins=DefaultStorageClass"),
	}, {
		name:     "not set: NodeRestriction is off by default",
		manifest: kubeadmPod("kube-apiserver", "!--enable-admission-plugins"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: cpArgs, Reason: "weak admission plugins", Line: 12,
			Detail: cpAPIServer + " must enable the NodeRestriction admission plugin (it is not enabled by default)",
		}},
	}, {
		name:     "AlwaysAdmit, and PodSecurity and NodeRestriction disabled",
		manifest: kubeadmPod("kube-apiserver", "--enable-admission-plugins=AlwaysAdmit", "--disable-admission-plugins=PodSecurity,NodeRestriction"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[28]", Reason: "weak admission plugins", Line: 41,
			Detail: cpAPIServer + " must enable the NodeRestriction admission plugin (--disable-admission-plugins lists it)",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[5]", Reason: "weak admission plugins", Line: 18,
			Detail: cpAPIServer + " must not enable the AlwaysAdmit admission plugin",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[28]", Reason: "weak admission plugins", Line: 41,
			Detail: cpAPIServer + " must not disable the PodSecurity admission plugin (it guards the Pod Security Standards of the namespaces' labels)",
		}},
	}, {
		name:     "the deprecated --admission-control is the whole list",
		manifest: kubeadmPod("kube-apiserver", "!--enable-admission-plugins", "--admission-control=NamespaceLifecycle,ServiceAccount,PodSecurity,CertificateApproval,CertificateSigning,CertificateSubjectRestriction,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook,MutatingAdmissionWebhook"),
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[27]", Reason: "weak admission plugins",
			Detail: cpAPIServer + " must enable the NodeRestriction admission plugin (--admission-control lists every plugin that runs)",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-apiserver", 812, "--enable-admission-plugins", "NodeRestriction", "--disable-admission-plugins=ValidatingAdmissionWebhook"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--disable-admission-plugins", Reason: "weak admission plugins",
			Detail: "kube-apiserver (process 812) must not disable the ValidatingAdmissionWebhook admission plugin (it guards the validating admission webhooks of the cluster)",
		}},
	}})
}
