package scan

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
)

// subjectCheck finds fixed findings about files, an audit trail and an
// image, whatever the inventory holds: a stand-in for the checks of the node
// audit, the audit log and the image gate.
type subjectCheck struct{ meta check.Meta }

func (c subjectCheck) Meta() check.Meta { return c.meta }

func (c subjectCheck) Run(context.Context, *inventory.Inventory, check.Options) []check.Finding {
	at := time.Date(2026, 11, 30, 10, 15, 2, 123456000, time.FixedZone("CET", 3600))
	return []check.Finding{
		{Image: &object.Image{Reference: "nginx:latest"}, Reason: "unsigned image"},
		{File: &object.File{Path: "/etc/kubernetes/pki/ca.key"}, Reason: "loose permissions"},
		{File: &object.File{Path: "/etc/kubernetes/manifests/kube-apiserver.yaml", Line: 14, Key: "--anonymous-auth"}, Path: "--anonymous-auth", Reason: "anonymous requests"},
		{AuditTrail: &object.AuditTrail{Principal: "user:mallory", Events: []object.AuditEvent{{AuditID: "e1", Time: at}}}, Reason: "secret sweep"},
	}
}

// TestFindingsAboutOtherSubjects runs findings about files, an audit trail
// and an image through the scan: each keeps its subject and location, they
// are ordered by subject kind and identity, and an exemption suppresses one
// by its subject kind and name.
func TestFindingsAboutOtherSubjects(t *testing.T) {
	reg := check.NewRegistry()
	if err := reg.Add(subjectCheck{meta: meta("test-subjects", check.High)}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(`
exemptions:
- kind: image
  name: "nginx:*"
  reason: a test image (SEC-9)
`), reg)
	if err != nil {
		t.Fatal(err)
	}
	inv, errs := load(t, twoConfigMaps)
	r := Run(context.Background(), inv, errs, Options{Registry: reg, Config: cfg, Now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)})
	type got struct {
		Kind, Subject string
		Location      *report.Location
		Suppressed    bool
	}
	var gots []got
	for _, f := range r.Findings {
		g := got{Kind: f.SubjectKind(), Location: f.Location, Suppressed: f.Suppressed != nil}
		switch {
		case f.File != nil:
			g.Subject = f.File.Path + " " + f.File.Key
		case f.AuditTrail != nil:
			g.Subject = f.AuditTrail.Principal + " " + f.AuditTrail.Events[0].AuditID + " " + f.AuditTrail.Events[0].Time
		case f.Image != nil:
			g.Subject = f.Image.Reference
		}
		if f.Resource != (report.Resource{}) {
			t.Errorf("finding about a %s has a resource: %+v", g.Kind, f.Resource)
		}
		gots = append(gots, g)
	}
	want := []got{
		{"file", "/etc/kubernetes/manifests/kube-apiserver.yaml --anonymous-auth", &report.Location{File: "/etc/kubernetes/manifests/kube-apiserver.yaml", Line: 14}, false},
		{"file", "/etc/kubernetes/pki/ca.key ", &report.Location{File: "/etc/kubernetes/pki/ca.key"}, false},
		{"auditTrail", "user:mallory e1 2026-11-30T09:15:02.123456Z", nil, false},
		{"image", "nginx:latest", nil, true},
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if r.Summary.Findings != 3 || r.Summary.Suppressed != 1 {
		t.Errorf("summary = %+v, want 3 findings and 1 suppressed", r.Summary)
	}
}
