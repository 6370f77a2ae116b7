// Package checks holds kubestride's built-in checks, one file per check
// (check_<id>.go), each registering itself with check.Register in init.
//
// Importing the package for its side effect fills check.Default():
//
//	import _ "github.com/kubestride/kubestride/internal/checks"
//
// Shared helpers are unexported and live in helpers.go: perWorkload and
// perContainer adapt a per-object rule to the Check interface, and
// pluralize and joinQuote word details the way Pod Security Admission does.
// The Pod Security Standards controls are checks too (check_pss_*.go); they
// delegate the verdict and its wording to package pss.
package checks
