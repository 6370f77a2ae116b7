package checks

import "testing"

// egressPolicy returns a NetworkPolicy "egress" of namespace shop with the
// spec lines given, written unindented under spec.
func egressPolicy(spec string) string {
	return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: egress
  namespace: shop
spec:
` + indent(spec, "  ")
}

func TestRegistryEgressUnrestricted(t *testing.T) {
	const reason = "egress to any registry"
	runCases(t, "registry-egress-unrestricted", []checkCase{
		{
			name: "0.0.0.0/0 on 443",
			manifest: egressPolicy(`podSelector: {matchLabels: {app: web}}
policyTypes: [Egress]
egress:
- to:
  - namespaceSelector: {}
  ports: [{port: 53, protocol: UDP}]
- to:
  - ipBlock: {cidr: 10.0.0.0/8}
  - ipBlock: {cidr: 0.0.0.0/0}
  ports: [{port: 443}]
`),
			want: []finding{{
				Object: "NetworkPolicy shop/egress", Path: "spec.egress[1].to[1].ipBlock.cidr", Reason: reason,
				Detail: `NetworkPolicy "egress" egress rule 1 must not allow every address (0.0.0.0/0) on port 443 (registries serve on 443 and 5000); allow the registries the pods need`,
			}},
		},
		{
			name: "no destination, no ports, with policyTypes left to the default",
			manifest: egressPolicy(`podSelector: {}
egress:
- {}
`),
			want: []finding{{
				Object: "NetworkPolicy shop/egress", Path: "spec.egress[0]", Reason: reason,
				Detail: `NetworkPolicy "egress" egress rule 0 must not allow every destination on every port (registries serve on 443 and 5000); allow the registries the pods need`,
			}},
		},
		{
			name: "::/0 on a range and on every TCP port",
			manifest: egressPolicy(`podSelector: {}
policyTypes: [Ingress, Egress]
egress:
- to: [{ipBlock: {cidr: "::/0"}}]
  ports: [{port: 4000, endPort: 6000}]
- to: [{ipBlock: {cidr: "0.0.0.0/0"}}]
  ports: [{protocol: TCP}]
`),
			want: []finding{
				{
					Object: "NetworkPolicy shop/egress", Path: "spec.egress[0].to[0].ipBlock.cidr", Reason: reason,
					Detail: `NetworkPolicy "egress" egress rule 0 must not allow every address (::/0) on port 5000 (registries serve on 443 and 5000); allow the registries the pods need`,
				},
				{
					Object: "NetworkPolicy shop/egress", Path: "spec.egress[1].to[0].ipBlock.cidr", Reason: reason,
					Detail: `NetworkPolicy "egress" egress rule 1 must not allow every address (0.0.0.0/0) on ports 443, 5000 (registries serve on 443 and 5000); allow the registries the pods need`,
				},
			},
		},
		{
			name: "limited: except, narrow CIDRs, selectors, other ports and protocols, named ports, deny all, ingress only",
			manifest: egressPolicy(`podSelector: {}
policyTypes: [Egress]
egress:
- to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]
  ports: [{port: 443}]
- to: [{ipBlock: {cidr: 203.0.113.0/24}}]
- to: [{namespaceSelector: {matchLabels: {name: registry}}}]
- to: [{ipBlock: {cidr: 0.0.0.0/0}}]
  ports: [{port: 80}, {port: 443, protocol: UDP}, {port: https}, {port: 1000, endPort: 442}]
`) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ingress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  egress:
  - {}
`,
		},
	})
}
