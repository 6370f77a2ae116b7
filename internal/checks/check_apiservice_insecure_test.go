package checks

import "testing"

func TestAPIServiceInsecure(t *testing.T) {
	const svc = "  service: {name: metrics-server, namespace: kube-system}\n  group: metrics.k8s.io\n  version: v1beta1\n  groupPriorityMinimum: 100\n  versionPriority: 100\n"
	apiService := func(meta, spec string) string {
		return "apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1beta1.metrics.k8s.io\n" + meta + "spec:\n" + spec
	}
	cases := []checkCase{{
		name:     "insecureSkipTLSVerify, as metrics-server ships",
		manifest: apiService("", svc+"  insecureSkipTLSVerify: true\n"),
		lines:    true,
		want: []finding{{
			Object: "APIService v1beta1.metrics.k8s.io",
			Path:   "spec.insecureSkipTLSVerify",
			Reason: "unverified aggregated API server",
			Detail: `APIService "v1beta1.metrics.k8s.io" must not set spec.insecureSkipTLSVerify=true (the kube-apiserver does not verify the server it sends the group's requests to)`,
			Line:   11,
		}},
	}, {
		name:     "service without caBundle",
		manifest: apiService("", svc),
		want: []finding{{
			Object: "APIService v1beta1.metrics.k8s.io",
			Path:   "spec.caBundle",
			Reason: "unverified aggregated API server",
			Detail: `APIService "v1beta1.metrics.k8s.io" must set spec.caBundle (it names service "kube-system/metrics-server" but no CA to verify its certificate with)`,
		}},
	}, {
		name: "caBundle, injected caBundle, local APIService",
		manifest: apiService("", svc+"  caBundle: LS0tLS1CRUdJTg==\n") + "---\n" +
			apiService("  annotations: {cert-manager.io/inject-ca-from: kube-system/metrics-server}\n", svc) + "---\n" +
			"apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1.apps}\nspec: {group: apps, version: v1, groupPriorityMinimum: 17800, versionPriority: 15}\n",
		want: nil,
	}}
	runCases(t, "apiservice-insecure", cases)
}
