// Package e2e holds kubestride's end-to-end tests against a real
// kube-apiserver and etcd (package testcluster): objects are created
// through the API, and kubestride's CLI scans the cluster through a
// kubeconfig, as a user would run it.
package e2e
