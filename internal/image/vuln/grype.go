package vuln

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// grypeDocument is the part of `grype -o json` that kubestride reads.
type grypeDocument struct {
	Matches []struct {
		Vulnerability struct {
			ID       string `json:"id"`
			Severity string `json:"severity"`
			Fix      struct {
				Versions []string `json:"versions"`
				State    string   `json:"state"`
			} `json:"fix"`
		} `json:"vulnerability"`
		RelatedVulnerabilities []struct {
			ID string `json:"id"`
		} `json:"relatedVulnerabilities"`
		Artifact struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"artifact"`
	} `json:"matches"`
	Source struct {
		Type   string          `json:"type"`
		Target json.RawMessage `json:"target"`
	} `json:"source"`
	Descriptor struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		Timestamp string `json:"timestamp"`
	} `json:"descriptor"`
}

// grypeImage is source.target when source.type is "image".
type grypeImage struct {
	UserInput      string   `json:"userInput"`
	ImageID        string   `json:"imageID"`
	ManifestDigest string   `json:"manifestDigest"`
	RepoDigests    []string `json:"repoDigests"`
}

func parseGrype(data []byte) (*Report, error) {
	var g grypeDocument
	if err := decode(data, &g); err != nil {
		return nil, err
	}
	var errs []error
	r := &Report{Tool: strings.TrimSpace("Grype " + g.Descriptor.Version)}
	var err error
	if r.Created, err = parseTime("descriptor.timestamp", g.Descriptor.Timestamp); err != nil {
		errs = append(errs, err)
	}
	if g.Source.Type == "image" {
		var img grypeImage
		if err := decode(g.Source.Target, &img); err != nil {
			errs = append(errs, fmt.Errorf("source.target: %w", err))
		}
		r.Artifact = img.UserInput
		if img.ManifestDigest != "" {
			if ValidDigest(img.ManifestDigest) {
				r.Digests = append(r.Digests, img.ManifestDigest)
			} else {
				errs = append(errs, fmt.Errorf("source.target.manifestDigest: %q is not a digest", img.ManifestDigest))
			}
		}
		for i, rd := range img.RepoDigests {
			d, err := refDigest(rd)
			if err != nil {
				errs = append(errs, fmt.Errorf("source.target.repoDigests[%d]: %w", i, err))
				continue
			}
			r.Digests = append(r.Digests, d)
		}
		if img.ImageID != "" {
			if !ValidDigest(img.ImageID) {
				errs = append(errs, fmt.Errorf("source.target.imageID: %q is not a digest", img.ImageID))
			}
			r.ConfigDigest = img.ImageID
		}
	}
	for i, m := range g.Matches {
		field := fmt.Sprintf("matches[%d]", i)
		if m.Vulnerability.ID == "" {
			errs = append(errs, fmt.Errorf("%s.vulnerability.id: missing", field))
			continue
		}
		sev, err := ParseSeverity(m.Vulnerability.Severity)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.vulnerability.severity: %w", field, err))
			continue
		}
		f := Finding{
			ID: m.Vulnerability.ID, Package: m.Artifact.Name, Version: m.Artifact.Version,
			FixedVersion: strings.Join(m.Vulnerability.Fix.Versions, ", "), Severity: sev, Field: field,
		}
		for _, rv := range m.RelatedVulnerabilities {
			if rv.ID != "" && rv.ID != f.ID {
				f.Aliases = append(f.Aliases, rv.ID)
			}
		}
		r.Findings = append(r.Findings, f)
	}
	return r, errors.Join(errs...)
}
