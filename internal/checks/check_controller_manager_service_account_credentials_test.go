package checks

import "testing"

func TestControllerManagerServiceAccountCredentials(t *testing.T) {
	runCases(t, "controller-manager-service-account-credentials", []checkCase{{
		name:     "kubeadm's default: true",
		manifest: kubeadmPod("kube-controller-manager"),
	}, {
		name:     "not set: false by default",
		manifest: kubeadmPod("kube-controller-manager", "!--use-service-account-credentials"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: cpArgs, Reason: "controllers share credentials", Line: 12,
			Detail: cpKCM + " must set --use-service-account-credentials=true (controllers share the controller manager's credentials by default)",
		}},
	}, {
		name:     "set false",
		manifest: kubeadmPod("kube-controller-manager", "--use-service-account-credentials=false"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: "spec.containers[0].command[17]", Reason: "controllers share credentials", Line: 30,
			Detail: cpKCM + " must set --use-service-account-credentials=true, not false",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-controller-manager", 901, "--use-service-account-credentials"),
	}})
}
