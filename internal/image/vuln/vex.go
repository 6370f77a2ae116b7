package vuln

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// VEX is a set of statements about whether vulnerabilities affect
// products, read from an OpenVEX or CycloneDX VEX document.
type VEX struct {
	File       string
	Format     Format
	Statements []Statement
}

// Statement says what one vulnerability does to some products.
type Statement struct {
	// Vulnerability is the vulnerability's ID; Aliases are other IDs of it.
	Vulnerability string
	Aliases       []string
	// Products are the image digests the statement is about.
	Products []string
	// Packages, when not empty, limit the statement to these packages of
	// the products (OpenVEX subcomponents, the CycloneDX components the
	// vulnerability affects). Empty means the whole product.
	Packages []string
	// Status is the document's own status: OpenVEX not_affected, affected,
	// fixed, under_investigation; CycloneDX analysis.state not_affected,
	// false_positive, resolved, exploitable, in_triage, ...
	Status string
	// Justification is the machine-readable reason, when given.
	Justification string
	// Timestamp is when the statement was made; later statements about the
	// same vulnerability and product override earlier ones.
	Timestamp time.Time
	// Field locates the statement in the document ("statements[2]").
	Field string
}

// NotAffecting reports whether the statement marks its vulnerability as
// not affecting its products: OpenVEX not_affected or fixed, CycloneDX
// not_affected, false_positive or resolved.
func (s Statement) NotAffecting() bool {
	switch s.Status {
	case "not_affected", "fixed", "false_positive", "resolved", "resolved_with_pedigree":
		return true
	}
	return false
}

// Where names the statement for messages: `vex.json statements[2]
// (not_affected: vulnerable_code_not_in_execute_path)`.
func (s Statement) where(file string) string {
	w := fmt.Sprintf("%s %s (%s", file, s.Field, s.Status)
	if s.Justification != "" {
		w += ": " + s.Justification
	}
	return w + ")"
}

// Match finds the statement that decides whether finding f affects the
// image with one of digests: among the statements naming one of f's IDs,
// one of the digests and (when they name packages) f's package, the latest
// one; of equal times the last in the document. It returns false when no
// statement speaks of f.
func (v *VEX) Match(digests []string, f Finding) (Statement, bool) {
	var best Statement
	found := false
	ids := f.IDs()
	for _, s := range v.Statements {
		if !slices.ContainsFunc(ids, func(id string) bool {
			return id == s.Vulnerability || slices.Contains(s.Aliases, id)
		}) {
			continue
		}
		if !slices.ContainsFunc(s.Products, func(p string) bool { return slices.Contains(digests, p) }) {
			continue
		}
		if len(s.Packages) > 0 && !slices.Contains(s.Packages, f.Package) {
			continue
		}
		if !found || !s.Timestamp.Before(best.Timestamp) {
			best, found = s, true
		}
	}
	return best, found
}

// Describe words why a statement drops a finding, naming the document.
func (v *VEX) Describe(s Statement) string { return s.where(v.File) }

// LoadVEX reads and parses the VEX document at file.
func LoadVEX(file string) (*VEX, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read VEX document: %w", err)
	}
	return ParseVEX(file, data)
}

// ParseVEX parses an OpenVEX or CycloneDX VEX document.
func ParseVEX(file string, data []byte) (*VEX, error) {
	f, err := detect(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var v *VEX
	switch f {
	case OpenVEX:
		v, err = parseOpenVEX(data)
	case CycloneDX:
		v, err = parseCDXVEX(data)
	default:
		err = fmt.Errorf("a %s report is not a VEX document (want OpenVEX or CycloneDX VEX)", f)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	v.File, v.Format = file, f
	return v, nil
}

type openVEXDocument struct {
	Context    string `json:"@context"`
	Timestamp  string `json:"timestamp"`
	Statements []struct {
		Vulnerability   json.RawMessage   `json:"vulnerability"`
		Products        []json.RawMessage `json:"products"`
		Subcomponents   []json.RawMessage `json:"subcomponents"`
		Status          string            `json:"status"`
		Justification   string            `json:"justification"`
		ImpactStatement string            `json:"impact_statement"`
		Timestamp       string            `json:"timestamp"`
	} `json:"statements"`
}

// openVEXComponent is a product or subcomponent of OpenVEX v0.2.0; in
// v0.0.1 a product is a plain string (its @id).
type openVEXComponent struct {
	ID          string            `json:"@id"`
	Identifiers map[string]string `json:"identifiers"`
	Hashes      map[string]string `json:"hashes"`
	Subs        []json.RawMessage `json:"subcomponents"`
}

func decodeComponent(raw json.RawMessage) (openVEXComponent, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return openVEXComponent{ID: s}, nil
	}
	var c openVEXComponent
	err := decode(raw, &c)
	return c, err
}

// digests returns the image digests a product names: a purl (in @id or
// identifiers.purl) of type oci or docker with a digest version, a bare
// digest as @id, or a sha-256 hash.
func (c openVEXComponent) digests() []string {
	var ds []string
	for _, p := range []string{c.ID, c.Identifiers["purl"]} {
		if d := purlDigest(p); d != "" {
			ds = append(ds, d)
		} else if ValidDigest(p) {
			ds = append(ds, p)
		}
	}
	if h := c.Hashes["sha-256"]; h != "" && ValidDigest("sha256:"+h) {
		ds = append(ds, "sha256:"+h)
	}
	return ds
}

// name returns the package name a subcomponent names by purl.
func (c openVEXComponent) name() string {
	for _, p := range []string{c.ID, c.Identifiers["purl"]} {
		if n, _ := purlNameVersion(p); n != "" {
			return n
		}
	}
	return c.ID
}

var cdxStates = []string{"resolved", "resolved_with_pedigree", "exploitable", "in_triage", "false_positive", "not_affected"}

var openVEXStatuses = []string{"not_affected", "affected", "fixed", "under_investigation"}

func parseOpenVEX(data []byte) (*VEX, error) {
	var d openVEXDocument
	if err := decode(data, &d); err != nil {
		return nil, err
	}
	docTime, err := parseTime("timestamp", d.Timestamp)
	if err != nil {
		return nil, err
	}
	var errs []error
	v := &VEX{}
	for i, st := range d.Statements {
		field := fmt.Sprintf("statements[%d]", i)
		s := Statement{Status: st.Status, Justification: st.Justification, Timestamp: docTime, Field: field}
		if !slices.Contains(openVEXStatuses, st.Status) {
			errs = append(errs, fmt.Errorf("%s.status: %q is not an OpenVEX status (%s)", field, st.Status, strings.Join(openVEXStatuses, ", ")))
			continue
		}
		if st.Status == "not_affected" && st.Justification == "" && st.ImpactStatement == "" {
			errs = append(errs, fmt.Errorf("%s: a not_affected statement needs a justification or an impact_statement", field))
			continue
		}
		if t, err := parseTime(field+".timestamp", st.Timestamp); err != nil {
			errs = append(errs, err)
			continue
		} else if !t.IsZero() {
			s.Timestamp = t
		}
		var name string
		if json.Unmarshal(st.Vulnerability, &name) == nil {
			s.Vulnerability = name
		} else {
			var vu struct {
				Name    string   `json:"name"`
				Aliases []string `json:"aliases"`
			}
			if err := decode(st.Vulnerability, &vu); err != nil {
				errs = append(errs, fmt.Errorf("%s.vulnerability: %w", field, err))
				continue
			}
			s.Vulnerability, s.Aliases = vu.Name, vu.Aliases
		}
		if s.Vulnerability == "" {
			errs = append(errs, fmt.Errorf("%s.vulnerability.name: missing", field))
			continue
		}
		subs := st.Subcomponents
		for j, raw := range st.Products {
			c, err := decodeComponent(raw)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.products[%d]: %w", field, j, err))
				continue
			}
			s.Products = append(s.Products, c.digests()...)
			subs = append(subs, c.Subs...)
		}
		for j, raw := range subs {
			c, err := decodeComponent(raw)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s subcomponents[%d]: %w", field, j, err))
				continue
			}
			s.Packages = append(s.Packages, c.name())
		}
		// A statement about no image (a purl of another type) stays: it
		// never matches an image, which is what it means.
		v.Statements = append(v.Statements, s)
	}
	return v, errors.Join(errs...)
}

// parseCDXVEX reads CycloneDX vulnerabilities with an analysis as VEX
// statements. A vulnerability's product is the image its affects refs name
// (a pkg:oci purl, or the bom-ref of a component with one), else the BOM's
// metadata.component; the other affected components are its packages.
func parseCDXVEX(data []byte) (*VEX, error) {
	b, err := parseCDX(data)
	if err != nil {
		return nil, err
	}
	docTime, err := parseTime("metadata.timestamp", b.Metadata.Timestamp)
	if err != nil {
		return nil, err
	}
	var product []string
	if c := b.Metadata.Component; c != nil {
		product, _ = c.imageDigests()
	}
	refs := b.index()
	var errs []error
	v := &VEX{}
	for i, vu := range b.Vulnerabilities {
		field := fmt.Sprintf("vulnerabilities[%d]", i)
		if vu.Analysis.State == "" {
			continue
		}
		if !slices.Contains(cdxStates, vu.Analysis.State) {
			errs = append(errs, fmt.Errorf("%s.analysis.state: %q is not a CycloneDX analysis state (%s)", field, vu.Analysis.State, strings.Join(cdxStates, ", ")))
			continue
		}
		s := Statement{Vulnerability: vu.ID, Status: vu.Analysis.State, Justification: vu.Analysis.Justification, Timestamp: docTime, Field: field}
		if s.Vulnerability == "" {
			errs = append(errs, fmt.Errorf("%s.id: missing", field))
			continue
		}
		for _, r := range vu.References {
			s.Aliases = append(s.Aliases, r.ID)
		}
		if t, err := parseTime(field+".updated", vu.Updated); err != nil {
			errs = append(errs, err)
			continue
		} else if !t.IsZero() {
			s.Timestamp = t
		}
		for _, a := range vu.Affects {
			ref := a.Ref
			purl := ref
			if c, ok := refs[ref]; ok {
				purl = c.Purl
				if ds, _ := c.imageDigests(); len(ds) > 0 {
					s.Products = append(s.Products, ds...)
					continue
				}
				if c.Name != "" {
					s.Packages = append(s.Packages, c.Name)
					continue
				}
			}
			if d := purlDigest(purl); d != "" {
				s.Products = append(s.Products, d)
			} else if n, _ := purlNameVersion(purl); n != "" {
				s.Packages = append(s.Packages, n)
			}
		}
		if len(s.Products) == 0 {
			s.Products = product
		}
		v.Statements = append(v.Statements, s)
	}
	return v, errors.Join(errs...)
}
