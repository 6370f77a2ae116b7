// Package scan runs the catalogue over an inventory and builds the report:
// it picks the checks the configuration enables, runs them (in parallel,
// each on the read-only inventory), joins every finding with its check's
// metadata, applies severity overrides, exemptions and suppression
// annotations, and records what could not be evaluated.
//
// Run does no I/O and reads no clock: the caller passes the time, so the same
// inputs always give the same report.
package scan
