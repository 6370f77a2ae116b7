package cluster

import (
	"context"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
)

// resource is one kind the collector lists.
type resource struct {
	// Name is the plural resource name with its group: "deployments.apps".
	Name       string
	GVK        schema.GroupVersionKind
	Namespaced bool
	list       lister
}

// page is one page of a list.
type page struct {
	items     []listed
	continue_ string
	// kind is the list's kind as the response gave it ("PodList"), or
	// empty when the decoder left it unset.
	kind string
}

// listed is one item of a page, with its metadata.
type listed struct {
	obj  runtime.Object
	meta *metav1.ObjectMeta
	// raw is a custom resource's JSON; nil for built-in kinds.
	raw []byte
}

type lister func(ctx context.Context, cs kubernetes.Interface, ns string, o metav1.ListOptions) (page, error)

// typedList adapts a typed List call to a lister.
func typedList[L any, T any, PT interface {
	*T
	runtime.Object
}](list func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*L, error),
	items func(*L) []T, lm func(*L) *metav1.ListMeta, om func(*T) *metav1.ObjectMeta) lister {
	return func(ctx context.Context, cs kubernetes.Interface, ns string, o metav1.ListOptions) (page, error) {
		l, err := list(cs, ns)(ctx, o)
		if err != nil {
			return page{}, err
		}
		its := items(l)
		p := page{items: make([]listed, len(its)), continue_: lm(l).Continue}
		if o, ok := any(l).(runtime.Object); ok {
			p.kind = o.GetObjectKind().GroupVersionKind().Kind
		}
		for i := range its {
			p.items[i] = listed{obj: PT(&its[i]), meta: om(&its[i])}
		}
		return p, nil
	}
}

func gvk(group, version, kind string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: group, Version: version, Kind: kind}
}

// Resources returns the names of the built-in resources a live scan lists,
// as Coverage names them ("configmaps", "deployments.apps"), Secrets
// included.
func Resources() []string {
	out := []string{"secrets"}
	for _, r := range resources {
		out = append(out, r.Name)
	}
	return out
}

// resources lists what the checks read. Secrets are handled apart (see
// secrets.go).
var resources = []resource{
	{"namespaces", gvk("", "v1", "Namespace"), false, typedList(
		func(cs kubernetes.Interface, _ string) func(context.Context, metav1.ListOptions) (*corev1.NamespaceList, error) {
			return cs.CoreV1().Namespaces().List
		}, func(l *corev1.NamespaceList) []corev1.Namespace { return l.Items },
		func(l *corev1.NamespaceList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.Namespace) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"nodes", gvk("", "v1", "Node"), false, typedList(
		func(cs kubernetes.Interface, _ string) func(context.Context, metav1.ListOptions) (*corev1.NodeList, error) {
			return cs.CoreV1().Nodes().List
		}, func(l *corev1.NodeList) []corev1.Node { return l.Items },
		func(l *corev1.NodeList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.Node) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"serviceaccounts", gvk("", "v1", "ServiceAccount"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*corev1.ServiceAccountList, error) {
			return cs.CoreV1().ServiceAccounts(ns).List
		}, func(l *corev1.ServiceAccountList) []corev1.ServiceAccount { return l.Items },
		func(l *corev1.ServiceAccountList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.ServiceAccount) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"services", gvk("", "v1", "Service"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*corev1.ServiceList, error) {
			return cs.CoreV1().Services(ns).List
		}, func(l *corev1.ServiceList) []corev1.Service { return l.Items },
		func(l *corev1.ServiceList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.Service) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"configmaps", gvk("", "v1", "ConfigMap"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*corev1.ConfigMapList, error) {
			return cs.CoreV1().ConfigMaps(ns).List
		}, func(l *corev1.ConfigMapList) []corev1.ConfigMap { return l.Items },
		func(l *corev1.ConfigMapList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.ConfigMap) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"resourcequotas", gvk("", "v1", "ResourceQuota"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*corev1.ResourceQuotaList, error) {
			return cs.CoreV1().ResourceQuotas(ns).List
		}, func(l *corev1.ResourceQuotaList) []corev1.ResourceQuota { return l.Items },
		func(l *corev1.ResourceQuotaList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.ResourceQuota) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"limitranges", gvk("", "v1", "LimitRange"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*corev1.LimitRangeList, error) {
			return cs.CoreV1().LimitRanges(ns).List
		}, func(l *corev1.LimitRangeList) []corev1.LimitRange { return l.Items },
		func(l *corev1.LimitRangeList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.LimitRange) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"podtemplates", gvk("", "v1", "PodTemplate"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*corev1.PodTemplateList, error) {
			return cs.CoreV1().PodTemplates(ns).List
		}, func(l *corev1.PodTemplateList) []corev1.PodTemplate { return l.Items },
		func(l *corev1.PodTemplateList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.PodTemplate) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"replicationcontrollers", gvk("", "v1", "ReplicationController"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*corev1.ReplicationControllerList, error) {
			return cs.CoreV1().ReplicationControllers(ns).List
		}, func(l *corev1.ReplicationControllerList) []corev1.ReplicationController { return l.Items },
		func(l *corev1.ReplicationControllerList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.ReplicationController) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"deployments.apps", gvk("apps", "v1", "Deployment"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*appsv1.DeploymentList, error) {
			return cs.AppsV1().Deployments(ns).List
		}, func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items },
		func(l *appsv1.DeploymentList) *metav1.ListMeta { return &l.ListMeta },
		func(o *appsv1.Deployment) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"replicasets.apps", gvk("apps", "v1", "ReplicaSet"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*appsv1.ReplicaSetList, error) {
			return cs.AppsV1().ReplicaSets(ns).List
		}, func(l *appsv1.ReplicaSetList) []appsv1.ReplicaSet { return l.Items },
		func(l *appsv1.ReplicaSetList) *metav1.ListMeta { return &l.ListMeta },
		func(o *appsv1.ReplicaSet) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"statefulsets.apps", gvk("apps", "v1", "StatefulSet"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*appsv1.StatefulSetList, error) {
			return cs.AppsV1().StatefulSets(ns).List
		}, func(l *appsv1.StatefulSetList) []appsv1.StatefulSet { return l.Items },
		func(l *appsv1.StatefulSetList) *metav1.ListMeta { return &l.ListMeta },
		func(o *appsv1.StatefulSet) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"daemonsets.apps", gvk("apps", "v1", "DaemonSet"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*appsv1.DaemonSetList, error) {
			return cs.AppsV1().DaemonSets(ns).List
		}, func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items },
		func(l *appsv1.DaemonSetList) *metav1.ListMeta { return &l.ListMeta },
		func(o *appsv1.DaemonSet) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"jobs.batch", gvk("batch", "v1", "Job"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*batchv1.JobList, error) {
			return cs.BatchV1().Jobs(ns).List
		}, func(l *batchv1.JobList) []batchv1.Job { return l.Items },
		func(l *batchv1.JobList) *metav1.ListMeta { return &l.ListMeta },
		func(o *batchv1.Job) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"cronjobs.batch", gvk("batch", "v1", "CronJob"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*batchv1.CronJobList, error) {
			return cs.BatchV1().CronJobs(ns).List
		}, func(l *batchv1.CronJobList) []batchv1.CronJob { return l.Items },
		func(l *batchv1.CronJobList) *metav1.ListMeta { return &l.ListMeta },
		func(o *batchv1.CronJob) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"networkpolicies.networking.k8s.io", gvk("networking.k8s.io", "v1", "NetworkPolicy"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*networkingv1.NetworkPolicyList, error) {
			return cs.NetworkingV1().NetworkPolicies(ns).List
		}, func(l *networkingv1.NetworkPolicyList) []networkingv1.NetworkPolicy { return l.Items },
		func(l *networkingv1.NetworkPolicyList) *metav1.ListMeta { return &l.ListMeta },
		func(o *networkingv1.NetworkPolicy) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"roles.rbac.authorization.k8s.io", gvk("rbac.authorization.k8s.io", "v1", "Role"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*rbacv1.RoleList, error) {
			return cs.RbacV1().Roles(ns).List
		}, func(l *rbacv1.RoleList) []rbacv1.Role { return l.Items },
		func(l *rbacv1.RoleList) *metav1.ListMeta { return &l.ListMeta },
		func(o *rbacv1.Role) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"rolebindings.rbac.authorization.k8s.io", gvk("rbac.authorization.k8s.io", "v1", "RoleBinding"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*rbacv1.RoleBindingList, error) {
			return cs.RbacV1().RoleBindings(ns).List
		}, func(l *rbacv1.RoleBindingList) []rbacv1.RoleBinding { return l.Items },
		func(l *rbacv1.RoleBindingList) *metav1.ListMeta { return &l.ListMeta },
		func(o *rbacv1.RoleBinding) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"clusterroles.rbac.authorization.k8s.io", gvk("rbac.authorization.k8s.io", "v1", "ClusterRole"), false, typedList(
		func(cs kubernetes.Interface, _ string) func(context.Context, metav1.ListOptions) (*rbacv1.ClusterRoleList, error) {
			return cs.RbacV1().ClusterRoles().List
		}, func(l *rbacv1.ClusterRoleList) []rbacv1.ClusterRole { return l.Items },
		func(l *rbacv1.ClusterRoleList) *metav1.ListMeta { return &l.ListMeta },
		func(o *rbacv1.ClusterRole) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"clusterrolebindings.rbac.authorization.k8s.io", gvk("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"), false, typedList(
		func(cs kubernetes.Interface, _ string) func(context.Context, metav1.ListOptions) (*rbacv1.ClusterRoleBindingList, error) {
			return cs.RbacV1().ClusterRoleBindings().List
		}, func(l *rbacv1.ClusterRoleBindingList) []rbacv1.ClusterRoleBinding { return l.Items },
		func(l *rbacv1.ClusterRoleBindingList) *metav1.ListMeta { return &l.ListMeta },
		func(o *rbacv1.ClusterRoleBinding) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"validatingwebhookconfigurations.admissionregistration.k8s.io", gvk("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration"), false, typedList(
		func(cs kubernetes.Interface, _ string) func(context.Context, metav1.ListOptions) (*admissionv1.ValidatingWebhookConfigurationList, error) {
			return cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().List
		}, func(l *admissionv1.ValidatingWebhookConfigurationList) []admissionv1.ValidatingWebhookConfiguration {
			return l.Items
		},
		func(l *admissionv1.ValidatingWebhookConfigurationList) *metav1.ListMeta { return &l.ListMeta },
		func(o *admissionv1.ValidatingWebhookConfiguration) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"mutatingwebhookconfigurations.admissionregistration.k8s.io", gvk("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration"), false, typedList(
		func(cs kubernetes.Interface, _ string) func(context.Context, metav1.ListOptions) (*admissionv1.MutatingWebhookConfigurationList, error) {
			return cs.AdmissionregistrationV1().MutatingWebhookConfigurations().List
		}, func(l *admissionv1.MutatingWebhookConfigurationList) []admissionv1.MutatingWebhookConfiguration {
			return l.Items
		},
		func(l *admissionv1.MutatingWebhookConfigurationList) *metav1.ListMeta { return &l.ListMeta },
		func(o *admissionv1.MutatingWebhookConfiguration) *metav1.ObjectMeta { return &o.ObjectMeta })},
	{"pods", gvk("", "v1", "Pod"), true, typedList(
		func(cs kubernetes.Interface, ns string) func(context.Context, metav1.ListOptions) (*corev1.PodList, error) {
			return cs.CoreV1().Pods(ns).List
		}, func(l *corev1.PodList) []corev1.Pod { return l.Items },
		func(l *corev1.PodList) *metav1.ListMeta { return &l.ListMeta },
		func(o *corev1.Pod) *metav1.ObjectMeta { return &o.ObjectMeta })},
}
