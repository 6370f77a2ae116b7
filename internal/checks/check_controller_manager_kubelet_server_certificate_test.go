package checks

import "testing"

func TestControllerManagerKubeletServerCertificate(t *testing.T) {
	runCases(t, "controller-manager-kubelet-server-certificate", []checkCase{{
		name:     "kubeadm's default: the gate on by default",
		manifest: kubeadmPod("kube-controller-manager"),
	}, {
		name:     "other gates, and the gate switched off then on",
		manifest: kubeadmPod("kube-controller-manager", "--feature-gates=RotateKubeletServerCertificate=false,SomeGate=true,RotateKubeletServerCertificate=true"),
	}, {
		name:     "switched off",
		manifest: kubeadmPod("kube-controller-manager", "--feature-gates=SomeGate=true, RotateKubeletServerCertificate=false"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: "spec.containers[0].command[18]", Reason: "kubelet serving certificates not rotated", Line: 31,
			Detail: cpKCM + " must not set --feature-gates=RotateKubeletServerCertificate=false (kubelets keep self-signed serving certificates)",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-controller-manager", 901, "--feature-gates", "RotateKubeletServerCertificate=false"),
		want: []finding{{
			Object: "File /proc/901/cmdline", Path: "--feature-gates", Reason: "kubelet serving certificates not rotated",
			Detail: "kube-controller-manager (process 901) must not set --feature-gates=RotateKubeletServerCertificate=false (kubelets keep self-signed serving certificates)",
		}},
	}})
}
