package rbac

import (
	"fmt"
	"strings"
)

// wellKnown maps the resources of the built-in API groups to their group.
var wellKnown = map[string]string{}

func init() {
	for group, resources := range map[string][]string{
		"": {"bindings", "componentstatuses", "configmaps", "endpoints", "events", "limitranges", "namespaces",
			"nodes", "persistentvolumeclaims", "persistentvolumes", "pods", "podtemplates", "replicationcontrollers",
			"resourcequotas", "secrets", "serviceaccounts", "services", "users", "groups", "uids", "userextras"},
		"apps":                         {"controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"},
		"batch":                        {"cronjobs", "jobs"},
		"autoscaling":                  {"horizontalpodautoscalers"},
		"policy":                       {"poddisruptionbudgets"},
		"rbac.authorization.k8s.io":    {"clusterrolebindings", "clusterroles", "rolebindings", "roles"},
		"networking.k8s.io":            {"ingressclasses", "ingresses", "networkpolicies", "ipaddresses", "servicecidrs"},
		"storage.k8s.io":               {"csidrivers", "csinodes", "csistoragecapacities", "storageclasses", "volumeattachments"},
		"admissionregistration.k8s.io": {"mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings"},
		"apiextensions.k8s.io":         {"customresourcedefinitions"},
		"apiregistration.k8s.io":       {"apiservices"},
		"certificates.k8s.io":          {"certificatesigningrequests"},
		"authentication.k8s.io":        {"tokenreviews", "selfsubjectreviews"},
		"authorization.k8s.io":         {"localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews"},
		"coordination.k8s.io":          {"leases"},
		"discovery.k8s.io":             {"endpointslices"},
		"node.k8s.io":                  {"runtimeclasses"},
		"scheduling.k8s.io":            {"priorityclasses"},
		"flowcontrol.apiserver.k8s.io": {"flowschemas", "prioritylevelconfigurations"},
	} {
		for _, r := range resources {
			wellKnown[r] = group
		}
	}
}

// ParseResource reads RESOURCE[.GROUP][/SUBRESOURCE] ("pods/exec",
// "deployments.apps", "deployments"): a resource without a group is looked
// up among the built-in API groups, unless group (from --group) is given.
// It reports an error for an unknown resource without a group, and for a
// group that contradicts the one written.
func ParseResource(text, group string, groupSet bool) (resource, subresource, resolved string, err error) {
	resource, subresource, _ = strings.Cut(text, "/")
	name, written, dotted := strings.Cut(resource, ".")
	switch {
	case name == "" || (strings.Contains(text, "/") && subresource == ""):
		return "", "", "", fmt.Errorf("resource %q is not RESOURCE[.GROUP][/SUBRESOURCE]", text)
	case dotted && groupSet && written != group:
		return "", "", "", fmt.Errorf("resource %q is in group %q, not %q", text, written, group)
	case dotted:
		return name, subresource, written, nil
	case groupSet:
		return name, subresource, group, nil
	}
	if g, ok := wellKnown[name]; ok {
		return name, subresource, g, nil
	}
	return "", "", "", fmt.Errorf("resource %q is not a built-in one: name its API group (%s.GROUP or --group)", text, name)
}
