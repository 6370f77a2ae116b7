// Package check is the contract every kubestride check implements: its
// metadata (Meta), the Finding it reports, and the Registry that holds the
// catalogue.
//
// # Adding a check
//
//  1. Add internal/checks/check_<id>.go. Open it with a block comment that
//     states the threat, the fields inspected and the allowed values, and
//     register the check in init() with check.Register.
//  2. Fill in every Meta field: a stable kebab-case ID (never reused), a
//     sentence-case Title, one STRIDE Category, a default Severity, a
//     Description of the threat, a Remediation that is an imperative sentence
//     ending with a period, and References.
//  3. Word findings as Pod Security Admission does: Reason is a short
//     lowercase noun phrase free of names and values ("privileged
//     containers"); Detail names the exact objects and fields and says
//     "must" or "must not" (`container "app" must not set
//     securityContext.privileged=true`).
//  4. Add check_<id>_test.go (table-driven, asserting the exact Reason and
//     Detail) and at least one pass and one fail manifest under
//     internal/checks/testdata/<id>/{pass,fail}/.
//  5. Run go test ./internal/checks -update to refresh docs/checks.md, and review
//     the diff.
//
// The registry rejects an incomplete check at start-up, and the tests in
// internal/checks fail when a check lacks fixtures or documentation.
package check
