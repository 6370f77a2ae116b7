// Package pss evaluates the Pod Security Standards with
// k8s.io/pod-security-admission/policy, the library the API server itself
// uses, one control at a time.
//
// The library's Evaluator answers for a whole pod; kubestride needs the
// verdict of each control so that every finding names its PSA check ID. An
// Evaluator here selects, for a level and version, the same controls the
// library's registry selects — the newest revision of each check whose
// minimum version is not above the requested one, restricted checks only at
// the restricted level, and baseline checks that a chosen restricted
// revision overrides left out — and exposes each control's CheckPod
// function, given the pod spec as admission would see it.
//
// Pod Security Admission judges pods after the API server has defaulted
// them; a manifest is not defaulted. Controls therefore see the pod spec
// through WithAPIDefaults, which applies the one default that changes a
// verdict (a volume without a source is an emptyDir volume). Tests compare
// the verdicts with the library's own evaluator, given the same defaulted
// pod, on every fixture PSA ships.
package pss
