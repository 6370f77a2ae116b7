// Package scan runs the catalogue over an inventory and builds the report:
// it picks the checks the configuration enables, runs them (in parallel,
// each on the read-only inventory), joins every finding with its check's
// metadata, applies severity overrides, exemptions and suppression
// annotations, and records what could not be evaluated. A finding may be
// about a Kubernetes object, a file, an audit trail or an image; all go
// through the same joining, suppression, order and summary.
//
// The files follow the jobs: scan.go is the streaming Scanner and Run,
// checks.go picks and runs the checks, join.go joins findings with their
// metadata and suppressions, order.go puts them in report order (the order
// report.Finalize confirms), findings.go hands them to the report and counts
// them with report.Counter. evaluate.go is the Evaluator, which judges one
// object at a time with the same checks, joining and suppressions, for the
// admission webhook.
//
// Run does no I/O and reads no clock: the caller passes the time, so the same
// inputs always give the same report.
package scan
