// Package golden compares test output with golden files and rewrites them
// when a test binary runs with -update:
//
//	go test ./internal/report -update
//
// Reviewers read the diff of the golden files as the changelog of
// user-visible output.
package golden
