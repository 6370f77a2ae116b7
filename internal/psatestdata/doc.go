// Package psatestdata finds and lists the fixtures that ship with
// k8s.io/pod-security-admission (its test/testdata tree): one pod per file,
// under <level>/<version>/{pass,fail}/, that Pod Security Admission itself
// allows or forbids at that level and version.
//
// kubestride's tests use them to hold package pss, the PSS checks and the
// scan command to the library's verdicts. The package is meant for tests
// only; nothing in the kubestride binary imports it.
package psatestdata
