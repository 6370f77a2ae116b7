package checks

import "testing"

func TestServiceExternalNoSourceRanges(t *testing.T) {
	runCases(t, "service-external-no-source-ranges", []checkCase{{
		name: "load balancer without source ranges",
		manifest: `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 443, targetPort: 8443}]
`,
		want: []finding{{
			Object: "Service shop/web",
			Path:   "spec",
			Reason: "load balancer open to any source",
			Detail: `service "web" of type LoadBalancer must set spec.loadBalancerSourceRanges`,
		}},
	}, {
		name: "load balancer open to every address",
		manifest: `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 443}]
  loadBalancerSourceRanges: [10.0.0.0/8, 0.0.0.0/0, "::/0"]
`,
		want: []finding{{
			Object: "Service shop/web",
			Path:   "spec.loadBalancerSourceRanges[1]",
			Reason: "load balancer open to any source",
			Detail: `service "web" of type LoadBalancer must not allow "0.0.0.0/0", "::/0" in spec.loadBalancerSourceRanges`,
		}},
	}, {
		name: "load balancer open through the annotation",
		manifest: `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations:
    service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8, 0.0.0.0/0"
spec:
  type: LoadBalancer
  ports: [{port: 443}]
`,
		want: []finding{{
			Object: "Service shop/web",
			Path:   `metadata.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"]`,
			Reason: "load balancer open to any source",
			Detail: `service "web" of type LoadBalancer must not allow "0.0.0.0/0" in the service.beta.kubernetes.io/load-balancer-source-ranges annotation`,
		}},
	}, {
		name: "node ports, set and allocated",
		manifest: `apiVersion: v1
kind: Service
metadata:
  name: admin
  namespace: shop
spec:
  type: NodePort
  ports:
  - {name: http, port: 80, nodePort: 30080}
  - {name: metrics, port: 9090}
  - {port: 9443}
`,
		want: []finding{{
			Object: "Service shop/admin",
			Path:   "spec.type",
			Reason: "service exposed on every node",
			Detail: `service "admin" of type NodePort must not expose node ports on every node (30080, auto-allocated for port "metrics", auto-allocated for port 9443)`,
		}},
	}, {
		name: "restricted load balancer, cluster IP and external name",
		manifest: `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: LoadBalancer
  ports: [{port: 443}]
  loadBalancerSourceRanges: [203.0.113.0/24, "2001:db8::/32"]
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  annotations:
    service.beta.kubernetes.io/load-balancer-source-ranges: 0.0.0.0/0
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: payments
  namespace: shop
spec:
  type: ExternalName
  externalName: payments.example.com
---
apiVersion: v1
kind: Service
metadata:
  name: partner
  namespace: shop
  annotations:
    service.beta.kubernetes.io/load-balancer-source-ranges: 0.0.0.0/0
spec:
  type: LoadBalancer
  ports: [{port: 443}]
  loadBalancerSourceRanges: [198.51.100.0/24]
`,
		want: nil,
	}})
}
