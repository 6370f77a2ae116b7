package vuln

import (
	"errors"
	"fmt"
)

// trivyReport is the part of `trivy image -f json` (SchemaVersion 2) that
// kubestride reads.
type trivyReport struct {
	SchemaVersion int
	CreatedAt     string
	ArtifactName  string
	ArtifactType  string
	Metadata      struct {
		ImageID     string
		RepoDigests []string
	}
	Results []struct {
		Target          string
		Vulnerabilities []struct {
			VulnerabilityID  string
			PkgName          string
			InstalledVersion string
			FixedVersion     string
			Severity         string
			Status           string
		}
	}
}

func parseTrivy(data []byte) (*Report, error) {
	var t trivyReport
	if err := decode(data, &t); err != nil {
		return nil, err
	}
	if t.SchemaVersion != 2 {
		return nil, fmt.Errorf("SchemaVersion: %d is not supported (want 2)", t.SchemaVersion)
	}
	var errs []error
	r := &Report{Tool: "Trivy", Artifact: t.ArtifactName}
	var err error
	if r.Created, err = parseTime("CreatedAt", t.CreatedAt); err != nil {
		errs = append(errs, err)
	}
	for i, rd := range t.Metadata.RepoDigests {
		d, err := refDigest(rd)
		if err != nil {
			errs = append(errs, fmt.Errorf("Metadata.RepoDigests[%d]: %w", i, err))
			continue
		}
		r.Digests = append(r.Digests, d)
	}
	if id := t.Metadata.ImageID; id != "" {
		if !ValidDigest(id) {
			errs = append(errs, fmt.Errorf("Metadata.ImageID: %q is not a digest", id))
		}
		r.ConfigDigest = id
	}
	for i, res := range t.Results {
		for j, v := range res.Vulnerabilities {
			field := fmt.Sprintf("Results[%d].Vulnerabilities[%d]", i, j)
			if v.VulnerabilityID == "" {
				errs = append(errs, fmt.Errorf("%s.VulnerabilityID: missing", field))
				continue
			}
			sev, err := ParseSeverity(v.Severity)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.Severity: %w", field, err))
				continue
			}
			r.Findings = append(r.Findings, Finding{
				ID: v.VulnerabilityID, Package: v.PkgName, Version: v.InstalledVersion,
				FixedVersion: v.FixedVersion, Severity: sev, Field: field,
			})
		}
	}
	return r, errors.Join(errs...)
}
