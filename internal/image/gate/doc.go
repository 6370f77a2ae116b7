// Package gate is kubestride image gate: it resolves an image to its
// digest, reads the facts the image policy judges (platforms, base image
// annotations, config history), verifies its signatures where a verifier
// is given, judges it with policy.Evaluate against a vulnerability report,
// and then copies it by digest, with its signatures and referrers, to the
// promotion repository when it passes or the quarantine repository when it
// does not (a decision that could not judge everything is no pass).
// Signatures are verified, offline, by SignatureVerifier (package sign)
// under the policy's signature rules. Finally, when an Attester is given,
// the decision's in-toto statement is signed and attached to the image in
// the repository it was copied to, or in its own when no copy was made
// (package attest does both).
//
// The data flows one way: registry (package image) -> facts -> decision
// (package policy) -> copy (package image). Run does no output; the CLI
// renders the Result.
package gate
