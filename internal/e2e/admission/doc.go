// Package admission holds the end-to-end tests of kubestride webhook on a
// real kube-apiserver and etcd (package testcluster), started with an audit
// policy. Each test runs the webhook in process on loopback with its own
// configuration and registers it with a ValidatingWebhookConfiguration by
// URL and caBundle, scoped by a namespaceSelector to the test's own
// namespaces; objects are sent with the real kubectl and client-go, and
// what the API server answers, prints and writes in its audit log is held
// to the webhook's documented behaviour and, for pods, to the API server's
// built-in Pod Security Admission.
package admission
