package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/textsafe"
)

func newPathsCommand(s IO) *cobra.Command {
	o := &RBACOptions{formats: []string{"table", "json", "dot", "mermaid"}, secrets: true}
	cmd := &cobra.Command{
		Use:   "paths [PATH ...]",
		Short: "Show how subjects can become cluster-admin-equivalent, hop by hop",
		Long: `Show the privilege-escalation paths of the RBAC objects, workloads, ServiceAccounts and
legacy token Secrets of manifests (PATH arguments) or of a live cluster (--cluster): for every
subject (User, Group, ServiceAccount) that is cluster-admin-equivalent, the grant that makes it
so (a path of zero hops), and for every other subject that can become so, one shortest chain of hops, each naming how (creating pods or workloads that run as a
ServiceAccount, reading a token Secret, creating a token, impersonating, binding or escalating
roles, nodes/proxy, exec or attach in pods, updating workloads) and the binding and role that
allow it. A binding written to a role the subject may bind, in one namespace or cluster-wide, gives
the subject that role's rules there. For manifests, the API server's bootstrap policy for
kube-controller-manager's controllers (system:controller:* roles and bindings, and their
ServiceAccounts in kube-system) is assumed unless the manifests hold it; hops through it say so. A subject is cluster-admin-equivalent when ClusterRoleBindings allow it to create,
update, delete, get and list "*" resources in API group "*".

With --cluster, Secrets are listed for their metadata and type only.

The group system:masters, which the API server allows everything without asking RBAC, is not
listed.

Exit codes: 0 no path, 1 a path to cluster-admin-equivalent exists (of zero hops too), 2 a usage error, input
that could not be read, or a cluster list that failed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			found := false
			err := runRBACInventory(cmd.Context(), s, o, func(inv *inventory.Inventory, w io.Writer) error {
				paths := rbac.Paths(rbac.Build(inv), inv)
				found = len(paths) > 0
				return writePaths(w, o.Format, paths)
			})
			if err == nil && found {
				return exitError{report.ExitFindings}
			}
			return err
		},
	}
	o.addFlags(cmd.Flags())
	o.addNamespaceFlag(cmd.Flags())
	cmd.Flags().Lookup("format").Usage = "output format: table|json|dot|mermaid"
	return cmd
}

func writePaths(w io.Writer, format string, paths []rbac.Path) error {
	switch format {
	case "json":
		out := struct {
			Paths []rbac.Path `json:"paths"`
		}{Paths: paths}
		if out.Paths == nil {
			out.Paths = []rbac.Path{}
		}
		return writeJSON(w, out)
	case "dot":
		return writePathsDOT(w, paths)
	case "mermaid":
		return writePathsMermaid(w, paths)
	}
	if len(paths) == 0 {
		_, err := fmt.Fprintln(w, "no subject can become cluster-admin-equivalent")
		return err
	}
	var b strings.Builder
	admins := 0
	for _, p := range paths {
		if len(p.Hops) > 0 && p.Hops[0].Edge == rbac.EdgeIsClusterAdmin {
			admins++
		}
	}
	switch escalating := len(paths) - admins; {
	case admins == 0:
		fmt.Fprintf(&b, "%d %s can become cluster-admin-equivalent:\n", escalating, plural(escalating, "subject", "subjects"))
	case escalating == 0:
		fmt.Fprintf(&b, "%d %s cluster-admin-equivalent:\n", admins, plural(admins, "subject is", "subjects are"))
	default:
		fmt.Fprintf(&b, "%d %s cluster-admin-equivalent and %d can become so:\n", admins, plural(admins, "subject is", "subjects are"), escalating)
	}
	for _, p := range paths {
		fmt.Fprintf(&b, "\n%s\n", p.Subject.String())
		for i, h := range p.Hops {
			step := i + 1
			if i == 0 && h.Edge == rbac.EdgeIsClusterAdmin {
				step = 0 // cluster-admin-equivalent already: zero hops
			}
			fmt.Fprintf(&b, "  %d. %s -> %s\n     %s, via %s\n", step, h.Edge, h.To.String(), h.Action, viaText(h.Via))
			for _, n := range h.Also {
				fmt.Fprintf(&b, "     and %s, via %s\n", n.Action, viaText(n.Via))
			}
		}
	}
	// Names come from the input: their control characters are shown.
	_, err := io.WriteString(w, textsafe.Text(b.String()))
	return err
}

func viaText(v rbac.Via) string {
	if v.Assumed {
		return v.Binding.String() + " (" + v.Role.String() + "; the API server's bootstrap policy, assumed)"
	}
	return v.Binding.String() + " (" + v.Role.String() + ")"
}

// pathEdge is an edge of the union of the paths' hops.
type pathEdge struct {
	from, to rbac.Subject
	label    string
}

// pathGraph returns the nodes (in order of appearance) and the edges (each
// once) of paths.
func pathGraph(paths []rbac.Path) ([]rbac.Subject, []pathEdge) {
	var nodes []rbac.Subject
	seenNode := map[rbac.Subject]bool{}
	node := func(s rbac.Subject) {
		if !seenNode[s] {
			seenNode[s] = true
			nodes = append(nodes, s)
		}
	}
	var edges []pathEdge
	seenEdge := map[pathEdge]bool{}
	for _, p := range paths {
		from := p.Subject
		node(from)
		for _, h := range p.Hops {
			node(h.To)
			e := pathEdge{from, h.To, string(h.Edge) + "\n" + h.Via.Binding.String()}
			if !seenEdge[e] {
				seenEdge[e] = true
				edges = append(edges, e)
			}
			from = h.To
		}
	}
	return nodes, edges
}

// dotQuote quotes s as a Graphviz string; newlines become \n.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(textsafe.Text(s)) + `"`
}

func writePathsDOT(w io.Writer, paths []rbac.Path) error {
	nodes, edges := pathGraph(paths)
	var b strings.Builder
	b.WriteString("digraph paths {\n  rankdir=LR;\n  node [shape=box];\n")
	for _, n := range nodes {
		attrs := ""
		if n == rbac.ClusterAdmin {
			attrs = `, color=red, fontcolor=red`
		}
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", dotQuote(n.String()), dotQuote(nodeText(n)), attrs)
	}
	for _, e := range edges {
		fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", dotQuote(e.from.String()), dotQuote(e.to.String()), dotQuote(e.label))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// nodeText is the label of a node: its kind and name, with the namespace
// of a ServiceAccount.
func nodeText(s rbac.Subject) string {
	switch {
	case s == rbac.ClusterAdmin:
		return s.Name
	case s.Namespace != "":
		return s.Kind + "\n" + s.Namespace + "/" + s.Name
	}
	return s.Kind + "\n" + s.Name
}

// mermaidQuote writes s as the text of a quoted Mermaid label: quotes and
// the characters Mermaid reads as markup become entity codes, newlines <br>.
func mermaidQuote(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "#", "#35;", "\n", "<br>")
	return `"` + r.Replace(textsafe.Text(s)) + `"`
}

func writePathsMermaid(w io.Writer, paths []rbac.Path) error {
	nodes, edges := pathGraph(paths)
	id := map[rbac.Subject]string{}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for i, n := range nodes {
		id[n] = fmt.Sprintf("n%d", i)
		fmt.Fprintf(&b, "  %s[%s]\n", id[n], mermaidQuote(nodeText(n)))
	}
	for _, e := range edges {
		fmt.Fprintf(&b, "  %s -->|%s| %s\n", id[e.from], mermaidQuote(e.label), id[e.to])
	}
	if len(nodes) > 0 && id[rbac.ClusterAdmin] != "" {
		fmt.Fprintf(&b, "  style %s stroke:#d00,color:#d00\n", id[rbac.ClusterAdmin])
	}
	_, err := io.WriteString(w, b.String())
	return err
}
