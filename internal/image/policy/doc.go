// Package policy is the image policy and the gate's decision: which
// registries and repositories images may come from, whether they must be
// referenced by digest, which signatures they need (keys or keyless
// identities, per repository), which base images they may be built on, and
// the highest vulnerability severity they may carry, with ignore entries
// (a reason and an expiry each) and VEX documents.
//
// Load reads the policy file (YAML, strictly: an unknown or misspelt field
// is an error at file:line naming the field); docs/image-policy.example.yaml
// documents the format. Evaluate is pure: it judges the facts about one
// image (its reference, digest and base annotations), the results of
// signature verification and a normalised vulnerability report (package
// vuln) at a given time, and returns a Decision: the verdict, every reason
// worded as Pod Security Admission words its own, and everything that could
// not be evaluated. What could not be evaluated fails the verdict: the gate
// never passes what it did not judge. Decision.Statement is the in-toto
// statement that attests the decision.
package policy
