package cli

import (
	"context"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/kubestride/kubestride/internal/report"
)

// policyReportFieldManager is the field manager of kubestride's
// server-side apply.
const policyReportFieldManager = "kubestride"

var (
	policyReportsGVR        = schema.GroupVersionResource{Group: report.PolicyReportGroup, Version: report.PolicyReportVersion, Resource: "policyreports"}
	clusterPolicyReportsGVR = schema.GroupVersionResource{Group: report.PolicyReportGroup, Version: report.PolicyReportVersion, Resource: "clusterpolicyreports"}
)

// applyPolicyReports writes the report's PolicyReports and
// ClusterPolicyReport to the cluster with server-side apply (field manager
// kubestride, forcing conflicts: the reports are kubestride's alone), then
// deletes the reports labelled as kubestride's that this scan did not
// produce: those of namespaces that no longer have results. A report's
// results list is atomic in the CRD's schema, so an apply replaces it whole
// and no stale result survives in a report that is kept.
//
// It is the whole of --apply: the kubestride image has no kubectl, and
// `kubectl apply --server-side --prune` would need list and delete on every
// kind it prunes anyway.
func applyPolicyReports(ctx context.Context, o *ScanOptions, r *report.Report) (applied, deleted int, err error) {
	cfg, err := o.Kube.restConfig()
	if err != nil {
		return 0, 0, usageError{err}
	}
	cfg = dynamic.ConfigFor(cfg) // JSON: custom resources have no protobuf
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return 0, 0, fmt.Errorf("kubernetes client: %w", err)
	}
	keep := map[string]bool{} // "namespace/name"
	for _, p := range report.PolicyReports(r) {
		data, err := json.Marshal(p)
		if err != nil {
			return applied, 0, err
		}
		var target dynamic.ResourceInterface = dyn.Resource(clusterPolicyReportsGVR)
		if p.Metadata.Namespace != "" {
			target = dyn.Resource(policyReportsGVR).Namespace(p.Metadata.Namespace)
		}
		force := true
		_, err = target.Patch(ctx, p.Metadata.Name, types.ApplyPatchType, data,
			metav1.PatchOptions{FieldManager: policyReportFieldManager, Force: &force})
		if apierrors.IsNotFound(err) {
			return applied, 0, fmt.Errorf("apply %s %s: %w (are the %s CRDs installed?)", p.Kind, reportName(p.Metadata.Namespace, p.Metadata.Name), err, report.PolicyReportAPIVersion)
		}
		if err != nil {
			return applied, 0, fmt.Errorf("apply %s %s: %w", p.Kind, reportName(p.Metadata.Namespace, p.Metadata.Name), err)
		}
		keep[p.Metadata.Namespace+"/"+p.Metadata.Name] = true
		applied++
	}
	selector := metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=" + report.PolicyReportManagedBy}
	for _, gvr := range []schema.GroupVersionResource{policyReportsGVR, clusterPolicyReportsGVR} {
		list, err := dyn.Resource(gvr).List(ctx, selector)
		if err != nil {
			return applied, deleted, fmt.Errorf("list %s to remove stale reports: %w", gvr.Resource, err)
		}
		for _, item := range list.Items {
			ns, name := item.GetNamespace(), item.GetName()
			if keep[ns+"/"+name] {
				continue
			}
			var target dynamic.ResourceInterface = dyn.Resource(gvr)
			if ns != "" {
				target = dyn.Resource(gvr).Namespace(ns)
			}
			// Only the version listed: a report changed since is not
			// deleted.
			rv := item.GetResourceVersion()
			if err := target.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}}); err != nil {
				return applied, deleted, fmt.Errorf("delete stale %s %s: %w", item.GetKind(), reportName(ns, name), err)
			}
			deleted++
		}
	}
	return applied, deleted, nil
}

func reportName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}
