// Package vap tests kubestride export --to vap end to end: the exported
// ValidatingAdmissionPolicies are loaded into a real kube-apiserver and
// every Pod Security Admission fixture, and every pass and fail fixture of
// the exported checks, is replayed through it as a dry-run create; the API
// server's verdict must be kubestride's own on the same object.
package vap
