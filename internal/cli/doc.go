// Package cli holds kubestride's cobra commands. Each command turns flags
// into an options struct, calls the packages that do the work, and picks a
// renderer; no scanning logic lives here. Main maps the outcome to the exit
// codes documented in package report.
package cli
