package vuln

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// cdxBOM is the part of a CycloneDX JSON document (1.4 to 1.6) that
// kubestride reads, as a report and as VEX.
type cdxBOM struct {
	BOMFormat   string `json:"bomFormat"`
	SpecVersion string `json:"specVersion"`
	Metadata    struct {
		Timestamp string        `json:"timestamp"`
		Component *cdxComponent `json:"component"`
	} `json:"metadata"`
	Components      []cdxComponent `json:"components"`
	Vulnerabilities []struct {
		BOMRef     string `json:"bom-ref"`
		ID         string `json:"id"`
		References []struct {
			ID string `json:"id"`
		} `json:"references"`
		Ratings []struct {
			Severity string   `json:"severity"`
			Score    *float64 `json:"score"`
			Method   string   `json:"method"`
		} `json:"ratings"`
		Affects []struct {
			Ref string `json:"ref"`
		} `json:"affects"`
		Analysis struct {
			State         string `json:"state"`
			Justification string `json:"justification"`
		} `json:"analysis"`
		Published string `json:"published"`
		Updated   string `json:"updated"`
	} `json:"vulnerabilities"`
}

type cdxComponent struct {
	BOMRef     string `json:"bom-ref"`
	Type       string `json:"type"`
	Name       string `json:"name"`
	Version    string `json:"version"`
	Purl       string `json:"purl"`
	Properties []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"properties"`
	Components []cdxComponent `json:"components"`
}

// index maps every component's bom-ref to it, nested ones included.
func (b *cdxBOM) index() map[string]*cdxComponent {
	m := map[string]*cdxComponent{}
	var walk func(cs []cdxComponent)
	walk = func(cs []cdxComponent) {
		for i := range cs {
			if cs[i].BOMRef != "" {
				m[cs[i].BOMRef] = &cs[i]
			}
			walk(cs[i].Components)
		}
	}
	if c := b.Metadata.Component; c != nil {
		if c.BOMRef != "" {
			m[c.BOMRef] = c
		}
		walk(c.Components)
	}
	walk(b.Components)
	return m
}

// imageDigests returns the image digests a component names: its purl's
// digest, and the repo digest and image ID properties Trivy writes.
func (c *cdxComponent) imageDigests() (digests []string, configDigest string) {
	if d := purlDigest(c.Purl); d != "" {
		digests = append(digests, d)
	}
	for _, p := range c.Properties {
		switch p.Name {
		case "aquasecurity:trivy:RepoDigest":
			if d, err := refDigest(p.Value); err == nil {
				digests = append(digests, d)
			}
		case "aquasecurity:trivy:ImageID":
			if ValidDigest(p.Value) {
				configDigest = p.Value
			}
		}
	}
	return digests, configDigest
}

func parseCDX(data []byte) (*cdxBOM, error) {
	var b cdxBOM
	if err := decode(data, &b); err != nil {
		return nil, err
	}
	switch b.SpecVersion {
	case "1.4", "1.5", "1.6", "1.7":
	default:
		return nil, fmt.Errorf("specVersion: %q is not supported (want 1.4 to 1.7)", b.SpecVersion)
	}
	return &b, nil
}

// parseCycloneDX reads a CycloneDX BOM's vulnerabilities as findings: one
// per affected component. Of several ratings the most severe counts. The
// analysis of a vulnerability in the report itself is not applied: only VEX
// documents the image policy lists mark vulnerabilities as not affecting.
func parseCycloneDX(data []byte) (*Report, error) {
	b, err := parseCDX(data)
	if err != nil {
		return nil, err
	}
	var errs []error
	r := &Report{Tool: "CycloneDX " + b.SpecVersion}
	if r.Created, err = parseTime("metadata.timestamp", b.Metadata.Timestamp); err != nil {
		errs = append(errs, err)
	}
	if c := b.Metadata.Component; c != nil {
		r.Artifact = c.Name
		r.Digests, r.ConfigDigest = c.imageDigests()
	}
	refs := b.index()
	for i, v := range b.Vulnerabilities {
		field := fmt.Sprintf("vulnerabilities[%d]", i)
		if v.ID == "" {
			errs = append(errs, fmt.Errorf("%s.id: missing", field))
			continue
		}
		sev := Unknown
		bad := false
		for j, rt := range v.Ratings {
			s, err := ParseSeverity(rt.Severity)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.ratings[%d].severity: %w", field, j, err))
				bad = true
				continue
			}
			if s == Unknown && rt.Score != nil {
				s = FromScore(*rt.Score)
			}
			sev = max(sev, s)
		}
		if bad {
			continue
		}
		var aliases []string
		for _, ref := range v.References {
			if ref.ID != "" && ref.ID != v.ID {
				aliases = append(aliases, ref.ID)
			}
		}
		if len(v.Affects) == 0 {
			r.Findings = append(r.Findings, Finding{ID: v.ID, Aliases: aliases, Severity: sev, Field: field})
			continue
		}
		for j, a := range v.Affects {
			f := Finding{ID: v.ID, Aliases: aliases, Severity: sev, Field: fmt.Sprintf("%s.affects[%d]", field, j)}
			if c, ok := refs[a.Ref]; ok {
				f.Package, f.Version = c.Name, c.Version
			} else if name, version := purlNameVersion(a.Ref); name != "" {
				f.Package, f.Version = name, version
			} else {
				errs = append(errs, fmt.Errorf("%s.affects[%d].ref: %q is neither a component's bom-ref nor a purl", field, j, a.Ref))
				continue
			}
			r.Findings = append(r.Findings, f)
		}
	}
	return r, errors.Join(errs...)
}

// purlNameVersion splits a package URL into its name and version
// ("pkg:deb/debian/openssl@3.0.1?arch=amd64" is openssl, 3.0.1). It
// returns empty strings for anything that is not a purl.
func purlNameVersion(purl string) (name, version string) {
	rest, ok := strings.CutPrefix(purl, "pkg:")
	if !ok {
		return "", ""
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	rest, version, _ = strings.Cut(rest, "@")
	if i := strings.LastIndex(rest, "/"); i >= 0 {
		name = rest[i+1:]
	}
	name, _ = url.PathUnescape(name)
	version, _ = url.PathUnescape(version)
	return name, version
}

// purlDigest returns the image digest of an OCI or Docker package URL
// (pkg:oci/app@sha256%3A...), or "" for any other.
func purlDigest(purl string) string {
	if !strings.HasPrefix(purl, "pkg:oci/") && !strings.HasPrefix(purl, "pkg:docker/") {
		return ""
	}
	_, version := purlNameVersion(purl)
	if ValidDigest(version) {
		return version
	}
	return ""
}
