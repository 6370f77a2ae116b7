// Package export turns kubestride's single-object checks into the API
// server's own admission: ValidatingAdmissionPolicy and
// ValidatingAdmissionPolicyBinding objects (admissionregistration.k8s.io/v1)
// whose CEL validations give the verdict kubestride gives on the same
// object, so that a cluster can enforce, warn or audit without running the
// kubestride webhook.
//
// What can be exported is fixed by a table keyed by check ID (rules.go for
// kubestride's own checks, pss.go for the Pod Security Standards controls,
// one CEL revision per revision of the pod-security-admission library).
// Every other check of the registry has a reason in the same table: CEL in
// an admission policy sees one object, so a check that needs other objects,
// the RBAC graph, node files, audit events or an image registry cannot be
// expressed. A test keeps the table complete.
//
// Every policy matches Pods and the pod templates of the workload
// controllers (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
// CronJob, ReplicationController, PodTemplate); shared variables pick the
// pod metadata and spec out of each kind. A Pod update that changes
// neither the spec nor the annotations is not judged again, as Pod Security
// Admission leaves such updates alone.
package export
