package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/kubestride/kubestride/internal/image/vuln"
)

// Image is what is known about the image to judge.
type Image struct {
	// Reference is the reference as written (a tag, a digest or both).
	Reference string
	// Digest is the manifest (or index) digest the reference resolved to;
	// empty when it was not resolved. A digest reference needs no
	// resolving.
	Digest string
	// ConfigDigest is the image ID, when known.
	ConfigDigest string
	// Platforms are the manifest digests of an index's images.
	Platforms []string
	// Base is the image's base, from its annotations and config history.
	Base Base
}

// Base describes what an image is built on.
type Base struct {
	// Name and Digest are the org.opencontainers.image.base.name and
	// .base.digest annotations; empty when the image has none.
	Name   string
	Digest string
	// History is the created_by lines of the image config's history, read
	// where no annotation names the base.
	History []string
}

// Signatures are the results of verifying an image's signatures.
type Signatures struct {
	// Checked is false when verification did not run (no registry access,
	// no digest): signature requirements are then not evaluated.
	Checked bool
	// Error says why verification did not run.
	Error string
	// Results are one per signature found: an image with none has an
	// empty list.
	Results []SignatureResult
}

// SignatureResult is the verification of one signature.
type SignatureResult struct {
	Verified bool
	// Key is the ID (Key.ID) of the key that verified it; Issuer and
	// Subject the keyless certificate's identity.
	Key     string
	Issuer  string
	Subject string
	// Reason says why a signature did not verify.
	Reason string
}

func (r SignatureResult) signer() string {
	if r.Key != "" {
		return "key " + r.Key
	}
	return fmt.Sprintf("identity %s %s", r.Issuer, r.Subject)
}

// Verdict is the gate's answer.
type Verdict string

// The verdicts.
const (
	Pass Verdict = "pass"
	Fail Verdict = "fail"
)

// Reason is one part of a decision: which rule, and what about it.
type Reason struct {
	// Rule is one of reference, repository, digest, signature, base-image,
	// vulnerability, report, ignore.
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Decision is the gate's judgement of one image.
type Decision struct {
	// Image names the image: its repository and digest when the digest is
	// known, else the reference as written.
	Image string
	// Repository is the normalised repository, Digest the digest judged.
	Repository string
	Digest     string
	Verdict    Verdict
	// Reasons are the rules the image breaks.
	Reasons []Reason
	// NotEvaluated are the rules that could not be evaluated; any of them
	// fails the verdict.
	NotEvaluated []Reason
	// Suppressed are findings a VEX statement or an ignore entry dropped,
	// and why.
	Suppressed []Reason
	// Warnings are worth reading but do not fail the verdict: expired
	// ignore entries, an unknown base under "warn", platforms a report does
	// not cover.
	Warnings []Reason

	PolicyFile   string
	PolicySHA256 string
	// ReportFile, ReportSHA256 and ReportFormat name the report judged.
	ReportFile   string
	ReportSHA256 string
	ReportFormat vuln.Format
	Time         time.Time
}

// Complete reports whether every rule of the policy could be evaluated.
func (d *Decision) Complete() bool { return len(d.NotEvaluated) == 0 }

func (d *Decision) fail(rule, format string, args ...any) {
	d.Reasons = append(d.Reasons, Reason{rule, fmt.Sprintf(format, args...)})
}

func (d *Decision) gap(rule, format string, args ...any) {
	d.NotEvaluated = append(d.NotEvaluated, Reason{rule, fmt.Sprintf(format, args...)})
}

func (d *Decision) warn(rule, format string, args ...any) {
	d.Warnings = append(d.Warnings, Reason{rule, fmt.Sprintf(format, args...)})
}

// Evaluate judges img under p at now, given the signature verification
// results and the vulnerability report (nil when none was given).
func (p *Policy) Evaluate(img Image, sigs Signatures, report *vuln.Report, now time.Time) (d Decision) {
	d = Decision{Image: img.Reference, Digest: img.Digest, PolicyFile: p.File, PolicySHA256: p.SHA256, Time: now.UTC()}
	if report != nil {
		d.ReportFile, d.ReportSHA256, d.ReportFormat = report.File, report.SHA256, report.Format
	}
	defer func() {
		d.Verdict = Pass
		if len(d.Reasons) > 0 || len(d.NotEvaluated) > 0 {
			d.Verdict = Fail
		}
	}()
	ref, err := name.ParseReference(img.Reference)
	if err != nil {
		d.fail("reference", "image reference %q is not valid: %v", img.Reference, err)
		return d
	}
	d.Repository = ref.Context().Name()
	pinned, isDigest := ref.(name.Digest)
	if isDigest {
		switch {
		case d.Digest == "":
			d.Digest = pinned.DigestStr()
		case d.Digest != pinned.DigestStr():
			d.fail("reference", "image %q resolved to %s, not the digest it names", img.Reference, d.Digest)
		}
	}
	if d.Digest != "" {
		d.Image = d.Repository + "@" + d.Digest
	}
	quoted := fmt.Sprintf("image %q", d.Image)

	if p.RequireDigest && !isDigest {
		d.fail("digest", "image %q must be referenced by digest (@sha256:...)", img.Reference)
	}
	if len(p.Repositories) > 0 && !anyMatch(p.Repositories, d.Repository) {
		d.fail("repository", "%s is not from an approved repository (%s)", quoted, patternTexts(p.Repositories))
	}
	p.evalSignatures(&d, quoted, sigs)
	p.evalBase(&d, quoted, img.Base)
	if p.Vulnerabilities != nil {
		p.Vulnerabilities.eval(&d, quoted, img, report, now)
	}
	return d
}

func (p *Policy) evalSignatures(d *Decision, quoted string, sigs Signatures) {
	for _, rule := range p.Signatures {
		if !anyMatch(rule.Repositories, d.Repository) {
			continue
		}
		switch {
		case d.Digest == "":
			d.gap("signature", "signatures of %s were not checked: its digest is not known (signature rule at %s)", quoted, rule.At)
			continue
		case !sigs.Checked:
			why := ""
			if sigs.Error != "" {
				why = ": " + sigs.Error
			}
			d.gap("signature", "signatures of %s were not checked%s (signature rule at %s)", quoted, why, rule.At)
			continue
		}
		ok := false
		var seen []string
		for _, r := range sigs.Results {
			switch {
			case !r.Verified:
				seen = append(seen, r.Reason)
			case rule.accepts(r):
				ok = true
			default:
				seen = append(seen, "signed by "+r.signer()+", which the rule does not name")
			}
		}
		if ok {
			continue
		}
		if len(seen) == 0 {
			seen = []string{"no signature found"}
		}
		d.fail("signature", "%s has no verified signature from the keys or identities for %s (%s): %s",
			quoted, patternTexts(rule.Repositories), rule.At, strings.Join(seen, "; "))
	}
}

func (rule SignatureRule) accepts(r SignatureResult) bool {
	for _, k := range rule.Keys {
		if r.Key != "" && r.Key == k.ID {
			return true
		}
	}
	for _, id := range rule.Identities {
		if id.Matches(r.Issuer, r.Subject) {
			return true
		}
	}
	return false
}

func (p *Policy) evalBase(d *Decision, quoted string, base Base) {
	b := p.BaseImages
	if len(b.Allow) == 0 {
		return
	}
	if base.Name == "" {
		msg := fmt.Sprintf("%s has an unknown base image: no org.opencontainers.image.base.name annotation", quoted)
		switch n := len(base.History); n {
		case 0:
		case 1:
			msg += fmt.Sprintf(" (its config history has 1 step: %q)", base.History[0])
		default:
			msg += fmt.Sprintf(" (its config history has %d steps, the first %q)", n, base.History[0])
		}
		if b.Unknown == "warn" {
			d.warn("base-image", "%s", msg)
		} else {
			d.fail("base-image", "%s", msg)
		}
		return
	}
	repo, err := Repository(base.Name)
	if err != nil {
		d.fail("base-image", "%s names a base image %q that is not a valid reference: %v", quoted, base.Name, err)
		return
	}
	var digests []string
	for _, a := range b.Allow {
		if !a.Name.Match(repo) {
			continue
		}
		if a.Digest == "" || a.Digest == base.Digest {
			return
		}
		digests = append(digests, a.Digest)
	}
	if len(digests) == 0 {
		d.fail("base-image", "%s is built on %q, which is not an approved base image", quoted, base.Name)
		return
	}
	got := base.Digest
	if got == "" {
		got = "no org.opencontainers.image.base.digest annotation"
	}
	d.fail("base-image", "%s is built on %q (%s), not an approved digest of it (%s)", quoted, base.Name, got, strings.Join(digests, ", "))
}

func (v *Vulnerabilities) eval(d *Decision, quoted string, img Image, report *vuln.Report, now time.Time) {
	for _, ig := range v.Ignore {
		if ig.Expired(now) {
			d.warn("ignore", "ignore entry for %s at %s expired on %s and no longer applies", ig.ID, ig.At, ig.Expires.Format(time.DateOnly))
		}
	}
	if report == nil {
		d.gap("report", "no vulnerability report was given for %s", quoted)
		return
	}
	if d.Digest == "" {
		d.gap("report", "vulnerability report %s cannot be matched to %s: the image's digest is not known", report.File, quoted)
		return
	}
	// The digests the report may name: the image's, and for an index one
	// of its platform images.
	digests := []string{d.Digest}
	if img.ConfigDigest != "" {
		digests = append(digests, img.ConfigDigest)
	}
	var platform string
	if !report.Names(d.Digest) && !report.Names(img.ConfigDigest) {
		for _, pd := range img.Platforms {
			if report.Names(pd) {
				platform = pd
				break
			}
		}
		if platform == "" {
			names := "no image digest"
			if len(report.Digests) > 0 {
				names = strings.Join(report.Digests, ", ")
			}
			d.gap("report", "vulnerability report %s is for %s, not for %s", report.File, names, quoted)
			return
		}
		digests = append(digests, platform)
		d.warn("report", "vulnerability report %s covers the platform image %s of %s; its other %d platform images were not scanned", report.File, platform, quoted, len(img.Platforms)-1)
	}
	if v.MaxReportAge > 0 {
		if report.Created.IsZero() {
			d.gap("report", "vulnerability report %s does not say when it was made; the policy's maximum report age is %s", report.File, v.MaxReportAge)
			return
		}
		if age := now.Sub(report.Created); age > v.MaxReportAge {
			d.gap("report", "vulnerability report %s was made at %s, %s before the decision, older than the maximum report age %s",
				report.File, report.Created.UTC().Format(time.RFC3339), age.Round(time.Second), v.MaxReportAge)
			return
		}
	}
	seen := map[string]bool{}
	for _, f := range report.Findings {
		key := f.ID + "\x00" + f.Package + "\x00" + f.Version
		if seen[key] {
			continue
		}
		seen[key] = true
		sev, sevText := f.Severity, f.Severity.String()
		if sev == vuln.Unknown {
			sev = v.UnknownSeverityAs
			sevText = "unknown severity, counted as " + sev.String()
		}
		if sev <= v.MaxSeverity {
			continue
		}
		what := f.ID + " (" + sevText + ")"
		if f.Package != "" {
			what += " in " + strings.TrimSpace(f.Package+" "+f.Version)
		}
		if s, doc := v.vexStatement(digests, f); doc != nil && s.NotAffecting() {
			d.Suppressed = append(d.Suppressed, Reason{"vulnerability", fmt.Sprintf("%s of %s does not affect it: %s", what, quoted, doc.Describe(s))})
			continue
		}
		var expired []string
		applied := false
		for _, ig := range v.Ignore {
			if !ig.matches(f, d.Repository) {
				continue
			}
			if ig.Expired(now) {
				expired = append(expired, fmt.Sprintf("the ignore entry at %s expired on %s", ig.At, ig.Expires.Format(time.DateOnly)))
				continue
			}
			until := ""
			if !ig.Expires.IsZero() {
				until = " (expires " + ig.Expires.Format(time.DateOnly) + ")"
			}
			d.Suppressed = append(d.Suppressed, Reason{"vulnerability", fmt.Sprintf("%s of %s is ignored by the entry at %s%s: %s", what, quoted, ig.At, until, ig.Reason)})
			applied = true
			break
		}
		if applied {
			continue
		}
		msg := fmt.Sprintf("%s has %s, above the maximum %s", quoted, what, v.MaxSeverity)
		if f.FixedVersion != "" {
			msg += " (fixed in " + f.FixedVersion + ")"
		}
		if len(expired) > 0 {
			msg += "; " + strings.Join(expired, "; ")
		}
		d.fail("vulnerability", "%s", msg)
	}
}

// vexStatement finds the statement, across all VEX documents, that
// decides about f: the latest of those that speak of it.
func (v *Vulnerabilities) vexStatement(digests []string, f vuln.Finding) (vuln.Statement, *vuln.VEX) {
	var best vuln.Statement
	var from *vuln.VEX
	for _, doc := range v.VEX {
		s, ok := doc.Match(digests, f)
		if ok && (from == nil || !s.Timestamp.Before(best.Timestamp)) {
			best, from = s, doc
		}
	}
	return best, from
}
