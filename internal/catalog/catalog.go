package catalog

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kubestride/kubestride/internal/check"
)

// Markdown writes the catalogue as the markdown of docs/checks.md, grouped by
// STRIDE category in STRIDE order and sorted by ID within each.
func Markdown(w io.Writer, checks []check.Check) error {
	var b strings.Builder
	b.WriteString("# kubestride checks\n\n")
	b.WriteString("Generated from the check registry by `go test ./internal/checks -update`; do not edit.\n\n")
	fmt.Fprintf(&b, "%d checks. Each belongs to exactly one STRIDE category; severities are defaults that `--config` may override.\n\n", len(checks))
	for _, cat := range check.Categories {
		var in []check.Meta
		for _, c := range checks {
			if m := c.Meta(); m.Category == cat {
				in = append(in, m)
			}
		}
		if len(in) == 0 {
			continue
		}
		fmt.Fprintf(&b, "## %s\n\n", cat)
		b.WriteString("| ID | Severity | Title |\n|---|---|---|\n")
		for _, m := range in {
			fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", m.ID, m.ID, m.Severity, m.Title)
		}
		b.WriteString("\n")
		for _, m := range in {
			fmt.Fprintf(&b, "### %s\n\n", m.ID)
			fmt.Fprintf(&b, "**%s** — %s, %s", m.Title, m.Category, m.Severity)
			if m.Optional {
				b.WriteString(", optional (enable it in the configuration)")
			}
			b.WriteString(".\n\n")
			fmt.Fprintf(&b, "%s\n\n", m.Description)
			fmt.Fprintf(&b, "*Remediation:* %s\n\n", m.Remediation)
			fmt.Fprintf(&b, "*Input:* %s\n\n", Input(m))
			if m.CIS != "" {
				fmt.Fprintf(&b, "*CIS Kubernetes Benchmark:* %s\n\n", m.CIS)
			}
			b.WriteString("*References:*\n")
			for _, r := range m.References {
				fmt.Fprintf(&b, "- <%s>\n", r)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// List writes one line per check: ID, category, severity, title.
func List(w io.Writer, checks []check.Check) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCATEGORY\tSEVERITY\tTITLE")
	for _, c := range checks {
		m := c.Meta()
		title := m.Title
		if m.Optional {
			title += " (optional)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.ID, m.Category, m.Severity, title)
	}
	return tw.Flush()
}

// Input says what a check judges and which command gives it that input;
// in a scan without it the check is reported not evaluated.
func Input(m check.Meta) string {
	switch {
	case m.Topic == check.TopicAuditLog:
		return "audit events (kubestride auditlog report, or auditlog serve)"
	case m.NeedsHost:
		return "a node's files (kubestride node, or scan --node-root DIR)"
	case m.NeedsCluster:
		return "a live cluster, scanned whole (scan --cluster without -n)"
	case m.Topic == check.TopicNode:
		return "control-plane and node configuration (kubestride node, or its static pods and configuration files among the manifests)"
	case m.Topic == check.TopicImage:
		return "an image policy (--image-policy; with --resolve-images, the images in their registries)"
	}
	return "manifests (scan PATH) or a live cluster (scan --cluster)"
}

// Explain writes everything known about one check.
func Explain(w io.Writer, m check.Meta) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n\n", m.ID, m.Title)
	fmt.Fprintf(&b, "Category:    %s\nSeverity:    %s (default)\nInput:       %s\n", m.Category, m.Severity, Input(m))
	if m.Optional {
		b.WriteString("Optional:    yes (enable it under checks: in the configuration)\n")
	}
	fmt.Fprintf(&b, "\n%s\n\nRemediation: %s\n\n", m.Description, m.Remediation)
	if m.CIS != "" {
		fmt.Fprintf(&b, "CIS Kubernetes Benchmark: %s\n\n", m.CIS)
	}
	b.WriteString("References:\n")
	for _, r := range m.References {
		fmt.Fprintf(&b, "  %s\n", r)
	}
	fmt.Fprintf(&b, "\nSuppress on one object with the annotation:\n  kubestride.io/ignore.%s: \"<reason>\"\n", m.ID)
	_, err := io.WriteString(w, b.String())
	return err
}
