package checks

// An APIService delegates an API group to an aggregated API server, and the
// kube-apiserver proxies that group's requests, with the caller's identity,
// to it. With spec.insecureSkipTLSVerify the kube-apiserver does not verify
// whom it talks to, so whoever can stand in for the backing service receives
// those requests and answers for the API group; with no spec.caBundle it has
// nothing to verify the server's certificate against.
//
// Inspected fields, of APIService (apiregistration.k8s.io/v1 and v1beta1,
// read from the object's JSON since the kind is not built in):
//   spec.insecureSkipTLSVerify
//   spec.caBundle, for an APIService backed by a service (spec.service);
//   the cert-manager.io/inject-ca-from and inject-ca-from-secret
//   annotations count as a caBundle that is filled in at install time
// Allowed values: insecureSkipTLSVerify unset or false, and a caBundle (or
// a CA injection annotation) on every service-backed APIService.

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

// caInjectionAnnotations fill an APIService's caBundle once installed.
var caInjectionAnnotations = []string{"cert-manager.io/inject-ca-from", "cert-manager.io/inject-ca-from-secret"}

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "apiservice-insecure",
			Title:       "Aggregated API server not authenticated",
			Category:    check.Spoofing,
			Topic:       check.TopicCluster,
			Severity:    check.Medium,
			Description: "An APIService with insecureSkipTLSVerify, or backed by a service without a caBundle, lets the kube-apiserver proxy an API group's requests, with the callers' identities, to a server whose certificate it does not verify, so whoever can stand in for that service answers for the API group.",
			Remediation: "Remove spec.insecureSkipTLSVerify and set spec.caBundle to the CA that signed the aggregated server's serving certificate (or have it injected, for example with cert-manager's inject-ca-from annotation).",
			References:  []string{"https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/", "https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/apiserver-aggregation/"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, obj := range inv.Objects {
				out = append(out, apiServiceInsecure(obj)...)
			}
			return out
		},
	})
}

// apiServiceSpec is what the check reads of an APIService.
type apiServiceSpec struct {
	Spec struct {
		Service *struct {
			Namespace string `json:"namespace"`
			Name      string `json:"name"`
		} `json:"service"`
		InsecureSkipTLSVerify bool   `json:"insecureSkipTLSVerify"`
		CABundle              string `json:"caBundle"`
	} `json:"spec"`
}

func apiServiceInsecure(obj *object.Object) []check.Finding {
	if obj.Kind != "APIService" || !strings.HasPrefix(obj.APIVersion, "apiregistration.k8s.io/") || len(obj.Raw) == 0 {
		return nil
	}
	var s apiServiceSpec
	if json.Unmarshal(obj.Raw, &s) != nil {
		return nil // a field of the wrong type: the API server rejects it
	}
	noun := "APIService " + strconv.Quote(obj.Name())
	if s.Spec.InsecureSkipTLSVerify {
		return []check.Finding{{
			Object: obj,
			Path:   "spec.insecureSkipTLSVerify",
			Reason: "unverified aggregated API server",
			Detail: noun + " must not set spec.insecureSkipTLSVerify=true (the kube-apiserver does not verify the server it sends the group's requests to)",
		}}
	}
	if s.Spec.Service == nil || s.Spec.CABundle != "" {
		return nil
	}
	for _, a := range caInjectionAnnotations {
		if obj.Meta.Annotations[a] != "" {
			return nil
		}
	}
	return []check.Finding{{
		Object: obj,
		Path:   "spec.caBundle",
		Reason: "unverified aggregated API server",
		Detail: noun + " must set spec.caBundle (it names service " + strconv.Quote(s.Spec.Service.Namespace+"/"+s.Spec.Service.Name) + " but no CA to verify its certificate with)",
	}}
}
