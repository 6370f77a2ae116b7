package checks

// The API server listening on all of the node's interfaces
// (--bind-address 0.0.0.0, the default) is normal: the nodes and the
// in-cluster clients must reach it. A LoadBalancer or NodePort Service in
// front of it is another matter: it publishes the API, and every
// unauthenticated endpoint and credential-guessing attempt with it, on the
// cloud's load balancer or on a port of every node.
//
// Inspected: Services of type LoadBalancer or NodePort that are the
// `kubernetes` Service of the default namespace (whose endpoints are the API
// servers) or whose selector picks the API server's static pods (kubeadm's
// labels component: kube-apiserver). Allowed: ClusterIP, and the
// Service's loadBalancerSourceRanges narrowing who reaches it is noted.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(localCheck{meta: check.Meta{
		ID:          "apiserver-exposed-service",
		Title:       "API server published by a LoadBalancer or NodePort Service",
		Category:    check.DenialOfService,
		Severity:    check.Medium,
		Topic:       check.TopicCluster,
		Description: "A LoadBalancer or NodePort Service in front of the API server publishes it beyond the control-plane network: anyone who reaches the load balancer or a node's port can flood it with requests, probe its anonymous endpoints and try stolen or guessed credentials.",
		Remediation: "Reach the API server through the control-plane network, a VPN or a private endpoint; if a load balancer must front it, make it internal and set loadBalancerSourceRanges to the networks of its clients, and firewall the node ports.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/controlling-access/",
			"https://kubernetes.io/docs/tasks/administer-cluster/securing-a-cluster/",
		},
	}, run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
		var out []check.Finding
		for _, obj := range inv.Objects {
			svc, ok := obj.Typed.(*corev1.Service)
			if !ok || (svc.Spec.Type != corev1.ServiceTypeLoadBalancer && svc.Spec.Type != corev1.ServiceTypeNodePort) {
				continue
			}
			var what string
			switch {
			case obj.Namespace() == "default" && obj.Name() == "kubernetes":
				what = "the kubernetes Service, whose endpoints are the API servers,"
			case svc.Spec.Selector["component"] == "kube-apiserver":
				what = "a Service selecting the kube-apiserver pods (component=kube-apiserver)"
			default:
				continue
			}
			detail := fmt.Sprintf("%s must not be of type %s", what, svc.Spec.Type)
			if svc.Spec.Type == corev1.ServiceTypeLoadBalancer && len(svc.Spec.LoadBalancerSourceRanges) > 0 {
				detail += fmt.Sprintf(" (loadBalancerSourceRanges narrows it to %d ranges)", len(svc.Spec.LoadBalancerSourceRanges))
			}
			out = append(out, check.Finding{Object: obj, Path: "spec.type", Reason: "API server exposed", Detail: detail})
		}
		return out
	}})
}
