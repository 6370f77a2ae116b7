package vuln

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Format names a report or VEX format.
type Format string

// The formats kubestride reads.
const (
	Trivy     Format = "trivy"
	Grype     Format = "grype"
	SARIF     Format = "sarif"
	CycloneDX Format = "cyclonedx"
	OpenVEX   Format = "openvex"
)

// Report is a vulnerability report normalised from any of the formats.
type Report struct {
	// File is where the report was read from, for messages.
	File string
	// SHA256 is the hex SHA-256 of the report's bytes, as an attestation
	// names it.
	SHA256 string
	// Format is the detected format.
	Format Format
	// Tool is the scanner's name and version when the report gives them.
	Tool string
	// Artifact is the image name as the report gives it (may carry a tag).
	Artifact string
	// Digests are the manifest digests the report names (sha256:...),
	// sorted and without duplicates.
	Digests []string
	// ConfigDigest is the image ID (the config blob's digest) when the
	// report gives it.
	ConfigDigest string
	// Created is when the scan ran; zero when the report does not say.
	Created time.Time
	// Findings are the vulnerabilities, in report order.
	Findings []Finding
}

// Finding is one vulnerability in one package.
type Finding struct {
	// ID is the vulnerability ID (CVE-2026-1234, GHSA-..., ...).
	ID string
	// Aliases are other IDs the report links to this one.
	Aliases []string
	// Package, Version and FixedVersion describe the affected package;
	// FixedVersion is empty when no fix is known.
	Package      string
	Version      string
	FixedVersion string
	// Severity is the scanner's severity.
	Severity Severity
	// Field locates the finding in the report, for messages
	// ("Results[0].Vulnerabilities[3]").
	Field string
}

// IDs returns the finding's ID followed by its aliases.
func (f Finding) IDs() []string { return append([]string{f.ID}, f.Aliases...) }

// Names reports whether the report names digest, as the manifest digest
// or the config digest (image ID).
func (r *Report) Names(digest string) bool {
	if digest == "" {
		return false
	}
	return slices.Contains(r.Digests, digest) || r.ConfigDigest == digest
}

// LoadReport reads and parses the report at file.
func LoadReport(file string) (*Report, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read vulnerability report: %w", err)
	}
	return ParseReport(file, data)
}

// ParseReport detects the format of data and parses it. file names the
// report in errors.
func ParseReport(file string, data []byte) (*Report, error) {
	f, err := detect(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var r *Report
	switch f {
	case Trivy:
		r, err = parseTrivy(data)
	case Grype:
		r, err = parseGrype(data)
	case SARIF:
		r, err = parseSARIF(data)
	case CycloneDX:
		r, err = parseCycloneDX(data)
	case OpenVEX:
		err = errors.New("an OpenVEX document is not a vulnerability report (list it under vulnerabilities.vex in the image policy)")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	sum := sha256.Sum256(data)
	r.File, r.SHA256, r.Format = file, hex.EncodeToString(sum[:]), f
	slices.Sort(r.Digests)
	r.Digests = slices.Compact(r.Digests)
	return r, nil
}

// detect tells the format from the top-level keys of the document.
func detect(data []byte) (Format, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		return "", errors.New("a JSON array is not a known report format (Trivy before 0.20 wrote one: re-run a current Trivy with -f json)")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return "", fmt.Errorf("not a JSON report: %w", jsonError(err))
	}
	has := func(k string) bool { _, ok := top[k]; return ok }
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(top[k], &s)
		return s
	}
	switch {
	case has("SchemaVersion") && (has("Results") || has("ArtifactName")):
		return Trivy, nil
	case has("matches") && (has("source") || has("descriptor")):
		return Grype, nil
	case has("runs") && (strings.HasPrefix(str("version"), "2.") || strings.Contains(str("$schema"), "sarif")):
		return SARIF, nil
	case str("bomFormat") == "CycloneDX":
		return CycloneDX, nil
	case strings.HasPrefix(str("@context"), "https://openvex.dev/ns"):
		return OpenVEX, nil
	}
	return "", errors.New("unknown report format: want Trivy JSON (SchemaVersion, Results), Grype JSON (matches, source), SARIF 2.1.0 (version, runs) or CycloneDX JSON (bomFormat)")
}

// jsonError words a decoding error with the field it is about.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "document"
		}
		return fmt.Errorf("%s: a JSON %s where a %s was expected", field, te.Value, kindName(te.Type.Kind().String()))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
	}
	return err
}

func kindName(k string) string {
	switch k {
	case "slice", "array":
		return "list"
	case "struct", "map":
		return "object"
	case "float64", "int", "int64":
		return "number"
	}
	return k
}

var digestRE = regexp.MustCompile(`^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$`)

// ValidDigest reports whether d is an OCI digest (sha256:<64 hex> or
// sha512:<128 hex>).
func ValidDigest(d string) bool { return digestRE.MatchString(d) }

// refDigest returns the digest of "name@sha256:...", or an error.
func refDigest(ref string) (string, error) {
	_, d, ok := strings.Cut(ref, "@")
	if !ok {
		d = ref
	}
	if !ValidDigest(d) {
		return "", fmt.Errorf("%q names no valid digest", ref)
	}
	return d, nil
}

// parseTime reads an RFC 3339 time; empty is the zero time.
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %q is not an RFC 3339 time", field, s)
	}
	return t, nil
}

func decode(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return jsonError(err)
	}
	return nil
}
