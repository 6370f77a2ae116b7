package scan

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
)

// Checks returns the checks the scan runs, in the order of the report's
// rules.
func (s *Scanner) Checks() []check.Check {
	out := make([]check.Check, 0, len(s.rules))
	out = append(out, s.local...)
	out = append(out, s.global...)
	return out
}

// Collect joins a finding that check id made outside Run into the report,
// as if Run had returned it: an audit-log check sees events as they stream
// (auditlog.Engine), not an inventory. id must be one of the scan's checks.
// Collect is not safe for concurrent use.
func (s *Scanner) Collect(id check.ID, f check.Finding) error {
	for i := range s.rules {
		if s.rules[i].ID == id {
			f.CheckID = id
			s.collect(&s.rules[i], i, result{findings: []check.Finding{f}})
			return nil
		}
	}
	return fmt.Errorf("check %s is not in the scan", id)
}
