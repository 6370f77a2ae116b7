package check

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

// ID is a check's stable kebab-case identifier. It is never derived from the
// title and never reused for a different check.
type ID string

// Category is the STRIDE threat a check defends against.
type Category string

// The STRIDE categories, spelled as they appear in JSON.
const (
	Spoofing              Category = "Spoofing"
	Tampering             Category = "Tampering"
	Repudiation           Category = "Repudiation"
	InformationDisclosure Category = "InformationDisclosure"
	DenialOfService       Category = "DenialOfService"
	ElevationOfPrivilege  Category = "ElevationOfPrivilege"
)

// Categories lists the STRIDE categories in STRIDE order.
var Categories = []Category{Spoofing, Tampering, Repudiation, InformationDisclosure, DenialOfService, ElevationOfPrivilege}

// Valid reports whether c is one of the six categories.
func (c Category) Valid() bool {
	for _, k := range Categories {
		if c == k {
			return true
		}
	}
	return false
}

// Title is the category's name for a person: "Denial of service".
func (c Category) Title() string {
	switch c {
	case InformationDisclosure:
		return "Information disclosure"
	case DenialOfService:
		return "Denial of service"
	case ElevationOfPrivilege:
		return "Elevation of privilege"
	}
	return string(c)
}

// Meta describes a check. Every field but CIS and Optional is required.
type Meta struct {
	// ID is the stable identifier, in kebab case.
	ID ID
	// Title is a sentence-case noun phrase: "Privileged container".
	Title string
	// Category is the STRIDE category.
	Category Category
	// Severity is the default severity; configuration may override it.
	Severity Severity
	// Description says what the threat is, in one to three sentences.
	Description string
	// Remediation is an imperative sentence, ending with a period, that says
	// what to set.
	Remediation string
	// References are URLs: the Pod Security Standards, CIS, NSA/CISA guidance
	// or Kubernetes documentation.
	References []string
	// CIS is the section of the CIS Kubernetes Benchmark the check covers
	// ("1.2.1"), where one does; empty otherwise.
	CIS string
	// Optional checks run only when enabled in the configuration.
	Optional bool
	// NeedsHost marks a check that judges what was read of a node's files
	// (their modes and owners, its certificates and keys, its seccomp
	// profiles, its audit rules), or objects against them (a workload's
	// Localhost seccomp profile against the profile on the node): in a scan
	// without them it is not evaluated, even when control-plane manifests
	// are in the input.
	NeedsHost bool
	// NeedsCluster marks a check that judges what only a live cluster
	// shows (the monitoring configuration it holds, whose absence from a
	// set of manifests says nothing): in a scan of manifests it is not
	// evaluated.
	NeedsCluster bool
	// Topic is what the check judges; commands that run a part of the
	// catalogue (rbac risky, and the inputs beside manifests and clusters)
	// pick checks by it. The helpers in package checks set it for the checks
	// they build.
	Topic Topic
}

// Validate reports the first thing missing or malformed in m.
func (m Meta) Validate() error {
	switch {
	case !validID(string(m.ID)):
		return fmt.Errorf("check id %q is not kebab-case", m.ID)
	case m.Title == "":
		return fmt.Errorf("check %s: title is empty", m.ID)
	case !m.Category.Valid():
		return fmt.Errorf("check %s: category %q is not a STRIDE category", m.ID, m.Category)
	case !m.Severity.Valid():
		return fmt.Errorf("check %s: severity is not set", m.ID)
	case m.Description == "":
		return fmt.Errorf("check %s: description is empty", m.ID)
	case m.Remediation == "":
		return fmt.Errorf("check %s: remediation is empty", m.ID)
	case !strings.HasSuffix(m.Remediation, "."):
		return fmt.Errorf("check %s: remediation must end with a period", m.ID)
	case len(m.References) == 0:
		return fmt.Errorf("check %s: references are empty", m.ID)
	case !m.Topic.Valid():
		return fmt.Errorf("check %s: topic %q is not known", m.ID, m.Topic)
	}
	return nil
}

// Topic is what a check judges.
type Topic string

// Topics. Workloads, RBAC, namespaces, cluster and objects are judged on
// Kubernetes objects (from manifests or a live cluster); node, audit log
// and image name the inputs beside them.
const (
	// TopicWorkloads: pods and what runs pods (their specs and containers).
	TopicWorkloads Topic = "workloads"
	// TopicRBAC: roles, bindings and what they grant.
	TopicRBAC Topic = "rbac"
	// TopicNamespaces: namespaces and what guards them (Pod Security
	// labels, quotas, limit ranges, network policies).
	TopicNamespaces Topic = "namespaces"
	// TopicCluster: the cluster as a whole (its nodes, its control plane).
	TopicCluster Topic = "cluster"
	// TopicObjects: any object (fields Kubernetes drops, secrets in plain
	// objects, services, service accounts).
	TopicObjects Topic = "objects"
	// TopicNode: control-plane and node files and processes.
	TopicNode Topic = "node"
	// TopicAuditLog: an audit log.
	TopicAuditLog Topic = "auditlog"
	// TopicImage: container images and their delivery.
	TopicImage Topic = "image"
)

// Valid reports whether t is a known topic.
func (t Topic) Valid() bool {
	switch t {
	case TopicWorkloads, TopicRBAC, TopicNamespaces, TopicCluster, TopicObjects, TopicNode, TopicAuditLog, TopicImage:
		return true
	}
	return false
}

func validID(id string) bool {
	if id == "" || id[0] == '-' || id[len(id)-1] == '-' || strings.Contains(id, "--") {
		return false
	}
	for _, c := range id {
		if !(c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// Options are the scan settings a check may need.
type Options struct {
	// PSS is the Pod Security Standards level and version to evaluate.
	PSS api.LevelVersion
	// Now is the time validity is judged at (certificate expiry); zero
	// means the time the check runs.
	Now time.Time
	// Images is the image policy and the images resolved for it; nil when
	// no image policy is given (the image-policy check then judges nothing).
	Images *Images
}

// Check is one rule of the catalogue.
type Check interface {
	// Meta returns the check's metadata; it is the same on every call.
	Meta() Meta
	// Run returns the findings for everything in inv. It must not modify
	// inv, and must return findings in a deterministic order.
	Run(ctx context.Context, inv *inventory.Inventory, opts Options) []Finding
}

// Local is implemented by checks whose findings for an object depend on
// that object alone (most per-workload and per-container checks). The scan
// engine runs a local check on each object as soon as it is loaded, on an
// inventory holding just that object, so the object's full content need not
// stay in memory; checks that relate objects to each other run once all are
// loaded, on the retained inventory (see Inventory.AddSummary).
type Local interface {
	Check
	// Local marks the check; it does nothing.
	Local()
}

// Finding is one violation of a check. It is about one subject: exactly one
// of Object, File, AuditTrail and Image is set.
type Finding struct {
	// CheckID is the check that found it; set by the scan engine.
	CheckID ID
	// Object is the Kubernetes object at fault.
	Object *object.Object
	// File is the file at fault, for a check of node and control-plane
	// files.
	File *object.File
	// AuditTrail is the principal and events at fault, for a check of an
	// audit log.
	AuditTrail *object.AuditTrail
	// Image is the image at fault, for a check of the delivery pipeline.
	Image *object.Image
	// Path is the field at fault, as in
	// spec.template.spec.containers[0].securityContext.privileged, or the
	// nearest field that exists when the fault is a missing field.
	Path string
	// Related lists other fields of the same fault, when it has several:
	// for a Pod Security Standards control that forbids several containers,
	// the field in each offending container after the one Path names.
	Related []string
	// Reason is a short lowercase noun phrase, free of names and values, that
	// groups findings across objects: "privileged containers".
	Reason string
	// Detail names the exact objects, fields and values and says "must" or
	// "must not". It never contains a secret value.
	Detail string
	// Severity, when set, replaces the check's default severity for this
	// finding (a check that grades by exposure sets it). Configuration
	// overrides still win.
	Severity Severity
	// PSS is set on findings from a Pod Security Standards control.
	PSS *PSS
	// Unless, when set, is called once every object is loaded, with the
	// inventory of the whole scan (in a streaming scan, the summaries
	// Inventory.AddSummary keeps); the finding is dropped when it returns
	// true. A local check uses it for what another object may excuse, such
	// as a LimitRange that defaults a missing limit.
	Unless func(inv *inventory.Inventory) bool
}

// PSS identifies the Pod Security Standards control behind a finding.
type PSS struct {
	Level   string `json:"level"`
	Version string `json:"version"`
	Check   string `json:"check"`
}

// Message is the finding's human text: the detail, or the reason when the
// check gives no detail.
func (f Finding) Message() string {
	if f.Detail != "" {
		return f.Detail
	}
	return f.Reason
}

// Settle drops the findings whose Unless condition holds on inv. A caller
// that runs a check directly on a complete inventory (a test, say) settles
// its findings the way the scan engine does.
func Settle(findings []Finding, inv *inventory.Inventory) []Finding {
	kept := findings[:0:0]
	for _, f := range findings {
		if f.Unless == nil || !f.Unless(inv) {
			kept = append(kept, f)
		}
	}
	return kept
}
