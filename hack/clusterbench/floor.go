package main

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// floor lists, with plain paginated client-go calls in a row, the resources
// a cluster scan lists, and keeps nothing: the least a scanner of the
// cluster must do.
func floor(kubeconfig string) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 100, 200
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ctx := context.Background()
	type lister func(metav1.ListOptions) (string, int, error)
	c, a, b, n, r, ad := cs.CoreV1(), cs.AppsV1(), cs.BatchV1(), cs.NetworkingV1(), cs.RbacV1(), cs.AdmissionregistrationV1()
	listers := []lister{
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.Namespaces().List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) { l, err := c.Nodes().List(ctx, o); return cont(l, err) },
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.Pods("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.ServiceAccounts("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.Services("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.ConfigMaps("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.Secrets("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.ResourceQuotas("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.LimitRanges("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.PodTemplates("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := c.ReplicationControllers("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := a.Deployments("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := a.ReplicaSets("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := a.StatefulSets("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := a.DaemonSets("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := b.Jobs("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := b.CronJobs("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := n.NetworkPolicies("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := r.Roles("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := r.RoleBindings("").List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := r.ClusterRoles().List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := r.ClusterRoleBindings().List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := ad.ValidatingWebhookConfigurations().List(ctx, o)
			return cont(l, err)
		},
		func(o metav1.ListOptions) (string, int, error) {
			l, err := ad.MutatingWebhookConfigurations().List(ctx, o)
			return cont(l, err)
		},
	}
	total := 0
	for _, list := range listers {
		o := metav1.ListOptions{Limit: 500}
		for {
			next, n, err := list(o)
			if err != nil {
				return err
			}
			total += n
			if next == "" {
				break
			}
			o.Continue = next
		}
	}
	fmt.Printf("listed %d objects\n", total)
	return nil
}

// cont returns a list's continue token and its length.
func cont[L interface {
	runtime.Object
	GetContinue() string
}](l L, err error) (string, int, error) {
	if err != nil {
		return "", 0, err
	}
	return l.GetContinue(), meta.LenList(l), nil
}
