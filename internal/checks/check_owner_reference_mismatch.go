package checks

// An ownerReference is written by whoever creates the object, not by the
// controller it names. A pod that claims a ReplicaSet (or a ReplicaSet a
// Deployment, a Job a CronJob) passes for that controller's product: tools
// that show workloads by owner, and scanners that judge a controller's
// template instead of each of its pods, stop looking at it. A privileged
// pod made by hand with a forged ownerReference hides behind an innocent
// Deployment that way.
//
// Inspected: the claim the live-cluster collector records on an object
// whose controller ownerReference it did not honour (source.OwnerClaim):
// no listed controller has the UID, the controller is in another
// namespace, has another kind or name, is of a kind that does not make
// such objects, or the object's pod spec is not the controller's template
// once what the API server adds to pods is set aside (see
// internal/cluster/fold.go). Manifest scans record no claims.
// Allowed: objects that are their controller's product. Not reported: a pod
// with ephemeral containers that otherwise matches (kubectl debug adds
// them; the pod is scanned on its own); a ReplicaSet of an earlier
// revision of its Deployment (deployment.kubernetes.io/revision lower than
// the Deployment's); a finished Job of a CronJob whose template changed
// since. Such objects are still scanned on their own.
//
// A pod spec that differs from the template is reported at the check's
// severity (a mutating webhook, such as sidecar injection, also makes
// pods differ); a claim on a controller that does not exist, lives in
// another namespace or has another kind or name cannot come from a
// controller and is reported as high.

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perWorkload(check.Meta{
		ID:          "owner-reference-mismatch",
		Title:       "Owner reference does not match its controller",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "The object names a controller in its ownerReferences that did not make it: the controller does not exist, lives elsewhere, or its template differs from the object's pod spec. A forged ownerReference passes a hand-made pod off as a controller's product, hiding it from views and scans that follow owners.",
		Remediation: "Delete the object, or remove the ownerReference and manage it on its own; find out who created it from the audit log.",
		References: []string{
			"https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/",
			"https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#non-template-pod-acquisitions",
			"https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation",
		},
	}, ownerReferenceMismatchFindings))
}

func ownerReferenceMismatchFindings(w *inventory.Workload, _ check.Options) []check.Finding {
	c := w.Object.Claim
	if c == nil || c.Field == "" || earlierRevision(w, c.OwnerRevision) || finishedJob(w) {
		return nil
	}
	f := check.Finding{
		Object: w.Object,
		Path:   c.Field,
		Reason: "owner reference mismatch",
		Detail: fmt.Sprintf("%s must not claim %s %q (uid %s) as its controller: %s (%s)", w.Kind, c.Ref.Kind, c.Ref.Name, c.Ref.UID, c.Why, c.Field),
	}
	if strings.HasPrefix(c.Field, "metadata.") {
		f.Severity = check.High
	}
	return []check.Finding{f}
}

// earlierRevision reports whether w is a ReplicaSet of an earlier revision
// of the Deployment it claims, whose template the Deployment has since
// changed.
func earlierRevision(w *inventory.Workload, ownerRevision string) bool {
	rs, ok := w.Typed.(*appsv1.ReplicaSet)
	if !ok || !strings.HasPrefix(w.Claim.Field, "spec.") {
		return false
	}
	own, err1 := strconv.ParseInt(rs.Annotations["deployment.kubernetes.io/revision"], 10, 64)
	owner, err2 := strconv.ParseInt(ownerRevision, 10, 64)
	return err1 == nil && err2 == nil && own < owner
}

// finishedJob reports whether w is a Job that has completed or failed, run
// from an earlier template of the CronJob it claims.
func finishedJob(w *inventory.Workload) bool {
	j, ok := w.Typed.(*batchv1.Job)
	if !ok || !strings.HasPrefix(w.Claim.Field, "spec.") {
		return false
	}
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}
