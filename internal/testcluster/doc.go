// Package testcluster starts a real control plane for kubestride's
// end-to-end tests: an etcd and a kube-apiserver, built by
// hack/cluster-bins.sh, on free loopback ports, with RBAC authorization and
// static-token identities (an administrator in system:masters and any
// unprivileged users a test asks for). Its ServiceAccount issuer and signing
// key make TokenRequest tokens that authenticate, and its client CA signs
// certificates for any user and groups a test makes up (Cluster.CertConfig).
//
// There is no controller manager, scheduler or kubelet: nothing creates the
// default ServiceAccount of a namespace (Cluster.Namespace does), a
// Deployment makes no pods, and a pod stays Pending unless a test sets its
// status.
//
// The binaries are found through KUBESTRIDE_CLUSTER_BINS, KUBEBUILDER_ASSETS
// or the folder hack/cluster-bins.sh caches them in. A test package starts
// one cluster for all its tests with Main.
package testcluster
