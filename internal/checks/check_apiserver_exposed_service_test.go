package checks

import "testing"

func TestAPIServerExposedService(t *testing.T) {
	runCases(t, "apiserver-exposed-service", []checkCase{{
		name: "the kubernetes Service as the API server makes it",
		manifest: `apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default}
spec:
  type: ClusterIP
  ports: [{name: https, port: 443, targetPort: 6443}]
`,
	}, {
		name: "the kubernetes Service turned into a NodePort",
		manifest: `apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default}
spec:
  type: NodePort
  ports: [{name: https, port: 443, targetPort: 6443}]
`,
		want: []finding{{Object: "Service default/kubernetes", Path: "spec.type", Reason: "API server exposed",
			Detail: "the kubernetes Service, whose endpoints are the API servers, must not be of type NodePort"}},
	}, {
		name: "a load balancer selecting kubeadm's API server pods, and one selecting an app",
		manifest: `apiVersion: v1
kind: Service
metadata: {name: apiserver-lb, namespace: kube-system}
spec:
  type: LoadBalancer
  selector: {component: kube-apiserver, tier: control-plane}
  loadBalancerSourceRanges: [10.0.0.0/8]
  ports: [{port: 6443}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: prod}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 443}]
`,
		want: []finding{{Object: "Service kube-system/apiserver-lb", Path: "spec.type", Reason: "API server exposed",
			Detail: "a Service selecting the kube-apiserver pods (component=kube-apiserver) must not be of type LoadBalancer (loadBalancerSourceRanges narrows it to 1 ranges)"}},
	}})
}
