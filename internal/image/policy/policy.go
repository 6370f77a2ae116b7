package policy

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kubestride/kubestride/internal/image/vuln"
)

// APIVersion and Kind head every image policy file.
const (
	APIVersion = "kubestride.io/v1alpha1"
	Kind       = "ImagePolicy"
)

// Policy is a loaded and validated image policy.
type Policy struct {
	// File is where the policy was read from; SHA256 the hex SHA-256 of its
	// bytes, as the attestation of a decision names it.
	File   string
	SHA256 string
	// Repositories are the approved repositories; empty approves any.
	Repositories []Pattern
	// RequireDigest requires references pinned by digest (@sha256:...).
	RequireDigest bool
	// Signatures are the signature requirements; every rule whose
	// repositories match an image applies to it.
	Signatures []SignatureRule
	// BaseImages are the approved base images.
	BaseImages BaseImages
	// Vulnerabilities is the vulnerability gate; nil when the policy sets
	// none.
	Vulnerabilities *Vulnerabilities
}

// SignatureRule requires a verified signature, by one of Keys or one of
// Identities, on the images of Repositories.
type SignatureRule struct {
	Repositories []Pattern
	Keys         []Key
	Identities   []Identity
	// At is where the rule is in the policy file ("policy.yaml:12").
	At string
}

// Key is a public key that verifies signatures.
type Key struct {
	// File is the key file's path (resolved against the policy's
	// directory); empty for a key given inline.
	File string
	// PEM is the key in PEM form.
	PEM string
	// ID is "sha256:" and the hex SHA-256 of the key's DER
	// SubjectPublicKeyInfo: how a signature result names the key that
	// verified it.
	ID string
}

// Identity is a keyless signer: the certificate's OIDC issuer and subject
// (exact, or a regular expression matched against the whole subject),
// chained to TrustedRoot (a sigstore trusted_root.json, for those who run
// their own) when given.
type Identity struct {
	Issuer        string
	Subject       string
	SubjectRegexp string
	TrustedRoot   string

	re *regexp.Regexp
}

// Matches reports whether a certificate's issuer and subject are this
// identity.
func (id Identity) Matches(issuer, subject string) bool {
	if issuer != id.Issuer || subject == "" {
		return false
	}
	if id.re != nil {
		return id.re.MatchString(subject)
	}
	return subject == id.Subject
}

func (id Identity) String() string {
	s := id.Subject
	if id.re != nil {
		s = "~" + id.SubjectRegexp
	}
	return id.Issuer + " " + s
}

// BaseImages approves base images by name and optionally digest.
type BaseImages struct {
	Allow []BaseImage
	// Unknown is what an image with no base annotation gets: "fail" (the
	// default) or "warn".
	Unknown string
}

// BaseImage is one approved base image.
type BaseImage struct {
	Name Pattern
	// Digest, when set, is the only approved digest of it.
	Digest string
	At     string
}

// Vulnerabilities is the vulnerability gate.
type Vulnerabilities struct {
	// MaxSeverity is the highest severity an image may carry.
	MaxSeverity vuln.Severity
	// UnknownSeverityAs is the severity a finding without one counts as
	// (default critical).
	UnknownSeverityAs vuln.Severity
	// MaxReportAge, when not zero, is the oldest a report may be.
	MaxReportAge time.Duration
	// Ignore entries accept findings.
	Ignore []Ignore
	// VEX are the VEX documents whose statements drop findings.
	VEX []*vuln.VEX
}

// Ignore accepts a vulnerability, for a reason, maybe until a date.
type Ignore struct {
	ID string
	// Package, when set, limits the entry to that package.
	Package string
	// Repositories, when set, limit the entry to those repositories.
	Repositories []Pattern
	Reason       string
	// Expires is the first day on which the entry no longer applies; zero
	// for never.
	Expires time.Time
	At      string
}

// Expired reports whether the entry no longer applies at now.
func (ig Ignore) Expired(now time.Time) bool {
	return !ig.Expires.IsZero() && !now.Before(ig.Expires)
}

func (ig Ignore) matches(f vuln.Finding, repo string) bool {
	if ig.Package != "" && ig.Package != f.Package {
		return false
	}
	if len(ig.Repositories) > 0 && !anyMatch(ig.Repositories, repo) {
		return false
	}
	for _, id := range f.IDs() {
		if id == ig.ID {
			return true
		}
	}
	return false
}

// The file's shape, decoded strictly.
type file struct {
	APIVersion    string        `yaml:"apiVersion"`
	Kind          string        `yaml:"kind"`
	Repositories  []string      `yaml:"repositories"`
	RequireDigest bool          `yaml:"requireDigest"`
	Signatures    []fileSigRule `yaml:"signatures"`
	BaseImages    *struct {
		Allow []struct {
			Name   string `yaml:"name"`
			Digest string `yaml:"digest"`
		} `yaml:"allow"`
		Unknown string `yaml:"unknown"`
	} `yaml:"baseImages"`
	Vulnerabilities *struct {
		MaxSeverity       string `yaml:"maxSeverity"`
		UnknownSeverityAs string `yaml:"unknownSeverityAs"`
		MaxReportAge      string `yaml:"maxReportAge"`
		Ignore            []struct {
			ID           string   `yaml:"id"`
			Package      string   `yaml:"package"`
			Repositories []string `yaml:"repositories"`
			Reason       string   `yaml:"reason"`
			Expires      string   `yaml:"expires"`
		} `yaml:"ignore"`
		VEX []string `yaml:"vex"`
	} `yaml:"vulnerabilities"`
}

type fileSigRule struct {
	Repositories []string `yaml:"repositories"`
	Keys         []struct {
		File string `yaml:"file"`
		PEM  string `yaml:"pem"`
	} `yaml:"keys"`
	Identities []struct {
		Issuer        string `yaml:"issuer"`
		Subject       string `yaml:"subject"`
		SubjectRegexp string `yaml:"subjectRegexp"`
		TrustedRoot   string `yaml:"trustedRoot"`
	} `yaml:"identities"`
}

// Load reads and validates the image policy at path. Key files, VEX
// documents and trusted roots it names are read relative to its directory.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read image policy: %w", err)
	}
	return Parse(path, data)
}

// Parse validates an image policy read from path.
func Parse(path string, data []byte) (*Policy, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", path, yamlMessage(err))
	}
	lines := nodeLines(&root)
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, yamlError(path, err, lines)
	}
	v := validator{path: path, dir: filepath.Dir(path), lines: lines}
	p := v.policy(&f)
	if err := errors.Join(v.errs...); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	p.File, p.SHA256 = path, hex.EncodeToString(sum[:])
	return p, nil
}

type validator struct {
	path, dir string
	lines     lineIndex
	errs      []error
}

// at returns "file:line" for a field path, or "file" when the line is not
// known.
func (v *validator) at(field string) string {
	// A missing field has no line: its parent's is the place to add it.
	for f := field; f != ""; {
		if l := v.lines.byPath[f]; l > 0 {
			return fmt.Sprintf("%s:%d", v.path, l)
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return v.path
}

func (v *validator) errorf(field, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s: %s", v.at(field), field, fmt.Sprintf(format, args...)))
}

func (v *validator) patterns(field string, texts []string) []Pattern {
	var ps []Pattern
	for i, t := range texts {
		p, err := ParsePattern(t)
		if err != nil {
			v.errorf(fmt.Sprintf("%s[%d]", field, i), "%v", err)
			continue
		}
		ps = append(ps, p)
	}
	return ps
}

func (v *validator) resolve(file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(v.dir, file)
}

func (v *validator) policy(f *file) *Policy {
	if f.APIVersion != APIVersion {
		v.errorf("apiVersion", "%q, want %s", f.APIVersion, APIVersion)
	}
	if f.Kind != Kind {
		v.errorf("kind", "%q, want %s", f.Kind, Kind)
	}
	p := &Policy{RequireDigest: f.RequireDigest}
	p.Repositories = v.patterns("repositories", f.Repositories)
	for i, r := range f.Signatures {
		p.Signatures = append(p.Signatures, v.sigRule(fmt.Sprintf("signatures[%d]", i), r))
	}
	if b := f.BaseImages; b != nil {
		p.BaseImages.Unknown = b.Unknown
		switch b.Unknown {
		case "":
			p.BaseImages.Unknown = "fail"
		case "fail", "warn":
		default:
			v.errorf("baseImages.unknown", "%q, want fail or warn", b.Unknown)
		}
		if len(b.Allow) == 0 {
			v.errorf("baseImages.allow", "at least one approved base image is required")
		}
		for i, a := range b.Allow {
			field := fmt.Sprintf("baseImages.allow[%d]", i)
			pat, err := ParsePattern(a.Name)
			if err != nil {
				v.errorf(field+".name", "%v", err)
				continue
			}
			if a.Digest != "" && !vuln.ValidDigest(a.Digest) {
				v.errorf(field+".digest", "%q is not a digest (sha256:<64 hex digits>)", a.Digest)
			}
			p.BaseImages.Allow = append(p.BaseImages.Allow, BaseImage{Name: pat, Digest: a.Digest, At: v.at(field)})
		}
	}
	if fv := f.Vulnerabilities; fv != nil {
		p.Vulnerabilities = v.vulnerabilities(fv)
	}
	return p
}

func (v *validator) sigRule(field string, r fileSigRule) SignatureRule {
	rule := SignatureRule{At: v.at(field)}
	if len(r.Repositories) == 0 {
		v.errorf(field+".repositories", "at least one repository pattern is required")
	}
	rule.Repositories = v.patterns(field+".repositories", r.Repositories)
	if len(r.Keys) == 0 && len(r.Identities) == 0 {
		v.errorf(field, "at least one key or identity is required")
	}
	for i, k := range r.Keys {
		kf := fmt.Sprintf("%s.keys[%d]", field, i)
		key := Key{PEM: k.PEM}
		switch {
		case k.File != "" && k.PEM != "":
			v.errorf(kf, "file and pem are both set; give one")
			continue
		case k.File != "":
			key.File = v.resolve(k.File)
			data, err := os.ReadFile(key.File)
			if err != nil {
				v.errorf(kf+".file", "%v", err)
				continue
			}
			key.PEM = string(data)
		case k.PEM == "":
			v.errorf(kf, "file or pem is required")
			continue
		}
		id, err := keyID(key.PEM)
		if err != nil {
			sub := ".pem"
			if k.File != "" {
				sub = ".file"
			}
			v.errorf(kf+sub, "%v", err)
			continue
		}
		key.ID = id
		rule.Keys = append(rule.Keys, key)
	}
	for i, id := range r.Identities {
		idf := fmt.Sprintf("%s.identities[%d]", field, i)
		ident := Identity{Issuer: id.Issuer, Subject: id.Subject, SubjectRegexp: id.SubjectRegexp}
		if id.Issuer == "" {
			v.errorf(idf+".issuer", "required")
		}
		switch {
		case id.Subject == "" && id.SubjectRegexp == "":
			v.errorf(idf, "subject or subjectRegexp is required")
		case id.Subject != "" && id.SubjectRegexp != "":
			v.errorf(idf, "subject and subjectRegexp are both set; give one")
		case id.SubjectRegexp != "":
			re, err := regexp.Compile("^(?:" + id.SubjectRegexp + ")$")
			if err != nil {
				v.errorf(idf+".subjectRegexp", "%v", err)
			}
			ident.re = re
		}
		if id.TrustedRoot != "" {
			ident.TrustedRoot = v.resolve(id.TrustedRoot)
			if _, err := os.Stat(ident.TrustedRoot); err != nil {
				v.errorf(idf+".trustedRoot", "%v", err)
			}
		}
		rule.Identities = append(rule.Identities, ident)
	}
	return rule
}

// keyID parses a PEM public key and returns its ID.
func keyID(text string) (string, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return "", errors.New("no PEM block (want -----BEGIN PUBLIC KEY-----)")
	}
	if block.Type != "PUBLIC KEY" {
		return "", fmt.Errorf("a %q PEM block, want a PUBLIC KEY (never put a private key in the policy)", block.Type)
	}
	if _, err := x509.ParsePKIXPublicKey(block.Bytes); err != nil {
		return "", fmt.Errorf("not a public key: %w", err)
	}
	sum := sha256.Sum256(block.Bytes)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

func (v *validator) vulnerabilities(fv *struct {
	MaxSeverity       string `yaml:"maxSeverity"`
	UnknownSeverityAs string `yaml:"unknownSeverityAs"`
	MaxReportAge      string `yaml:"maxReportAge"`
	Ignore            []struct {
		ID           string   `yaml:"id"`
		Package      string   `yaml:"package"`
		Repositories []string `yaml:"repositories"`
		Reason       string   `yaml:"reason"`
		Expires      string   `yaml:"expires"`
	} `yaml:"ignore"`
	VEX []string `yaml:"vex"`
}) *Vulnerabilities {
	out := &Vulnerabilities{UnknownSeverityAs: vuln.Critical}
	sev := func(field, s string) vuln.Severity {
		x, err := vuln.ParseSeverity(s)
		if err == nil && (x == vuln.Unknown) {
			err = fmt.Errorf("%q is not a severity (want critical, high, medium, low or negligible)", s)
		}
		if err != nil {
			v.errorf(field, "%v", err)
		}
		return x
	}
	if fv.MaxSeverity == "" {
		v.errorf("vulnerabilities.maxSeverity", "required")
	} else {
		out.MaxSeverity = sev("vulnerabilities.maxSeverity", fv.MaxSeverity)
	}
	if fv.UnknownSeverityAs != "" {
		out.UnknownSeverityAs = sev("vulnerabilities.unknownSeverityAs", fv.UnknownSeverityAs)
	}
	if fv.MaxReportAge != "" {
		d, err := parseAge(fv.MaxReportAge)
		if err != nil {
			v.errorf("vulnerabilities.maxReportAge", "%v", err)
		}
		out.MaxReportAge = d
	}
	for i, ig := range fv.Ignore {
		field := fmt.Sprintf("vulnerabilities.ignore[%d]", i)
		entry := Ignore{ID: ig.ID, Package: ig.Package, Reason: strings.TrimSpace(ig.Reason), At: v.at(field)}
		if ig.ID == "" {
			v.errorf(field+".id", "required")
		}
		if entry.Reason == "" {
			v.errorf(field+".reason", "required: say why the vulnerability is accepted")
		}
		entry.Repositories = v.patterns(field+".repositories", ig.Repositories)
		if ig.Expires != "" {
			t, err := time.Parse(time.DateOnly, ig.Expires)
			if err != nil {
				v.errorf(field+".expires", "%q is not a date (YYYY-MM-DD)", ig.Expires)
			}
			entry.Expires = t
		}
		out.Ignore = append(out.Ignore, entry)
	}
	for i, file := range fv.VEX {
		doc, err := vuln.LoadVEX(v.resolve(file))
		if err != nil {
			v.errorf(fmt.Sprintf("vulnerabilities.vex[%d]", i), "%v", err)
			continue
		}
		out.VEX = append(out.VEX, doc)
	}
	return out
}

// parseAge reads a Go duration (36h, 90m) or a number of days (7d).
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		days, err = strconv.Atoi(n)
		d = time.Duration(days) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (24h, 90m, 7d)", s)
	}
	return d, nil
}
