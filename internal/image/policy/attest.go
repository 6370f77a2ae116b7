package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kubestride/kubestride/internal/image/vuln"
)

// StatementType is the in-toto Statement v1 type; PredicateType names
// kubestride's gate decision predicate.
const (
	StatementType = "https://in-toto.io/Statement/v1"
	PredicateType = "https://kubestride.io/attestations/image-gate/v1"
)

// Statement is an in-toto Statement v1 attesting a gate decision. Its
// fields are structs, never maps, so that the JSON has a stable order.
type Statement struct {
	Type          string        `json:"_type"`
	Subject       []Subject     `json:"subject"`
	PredicateType string        `json:"predicateType"`
	Predicate     GatePredicate `json:"predicate"`
}

// Subject is the image: its repository and manifest digest.
type Subject struct {
	Name   string    `json:"name"`
	Digest DigestSet `json:"digest"`
}

// DigestSet holds a hex digest by algorithm.
type DigestSet struct {
	SHA256 string `json:"sha256"`
}

// GatePredicate is the decision: the policy and report it was made with,
// the verdict and every reason.
type GatePredicate struct {
	Policy       Input    `json:"policy"`
	Report       *Input   `json:"report,omitempty"`
	Verdict      Verdict  `json:"verdict"`
	Reasons      []Reason `json:"reasons"`
	NotEvaluated []Reason `json:"notEvaluated"`
	Suppressed   []Reason `json:"suppressed"`
	Warnings     []Reason `json:"warnings"`
	Time         string   `json:"time"`
}

// Input names a file the decision read, by its digest.
type Input struct {
	URI    string      `json:"uri"`
	Digest DigestSet   `json:"digest"`
	Format vuln.Format `json:"format,omitempty"`
}

// Statement returns the in-toto statement attesting d. The image must be
// known by a sha256 digest.
func (d *Decision) Statement() (Statement, error) {
	hexDigest, ok := strings.CutPrefix(d.Digest, "sha256:")
	if !ok || !vuln.ValidDigest(d.Digest) {
		return Statement{}, fmt.Errorf("attest the decision on %q: the image has no sha256 digest", d.Image)
	}
	nonNil := func(rs []Reason) []Reason {
		if rs == nil {
			return []Reason{}
		}
		return rs
	}
	s := Statement{
		Type:          StatementType,
		Subject:       []Subject{{Name: d.Repository, Digest: DigestSet{SHA256: hexDigest}}},
		PredicateType: PredicateType,
		Predicate: GatePredicate{
			Policy:       Input{URI: d.PolicyFile, Digest: DigestSet{SHA256: d.PolicySHA256}},
			Verdict:      d.Verdict,
			Reasons:      nonNil(d.Reasons),
			NotEvaluated: nonNil(d.NotEvaluated),
			Suppressed:   nonNil(d.Suppressed),
			Warnings:     nonNil(d.Warnings),
			Time:         d.Time.UTC().Format(time.RFC3339),
		},
	}
	if d.ReportFile != "" {
		s.Predicate.Report = &Input{URI: d.ReportFile, Digest: DigestSet{SHA256: d.ReportSHA256}, Format: d.ReportFormat}
	}
	return s, nil
}

// JSON encodes the statement, indented, with a final newline; HTML
// characters are not escaped, so messages read as written.
func (s Statement) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
