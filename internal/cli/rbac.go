package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestride/kubestride/internal/cluster"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scope"
	"github.com/kubestride/kubestride/internal/source"
	"github.com/kubestride/kubestride/internal/textsafe"
)

// RBACOptions are the flags shared by the rbac commands.
type RBACOptions struct {
	Paths   []string
	Format  string
	Cluster bool
	Kube    KubeOptions
	// AllowEmpty accepts manifests that hold no Kubernetes object.
	AllowEmpty bool
	// Namespace is the namespace of the manifests' namespaced objects that
	// set none; "" means default.
	Namespace string

	// formats are the formats the command writes; nil means table and json.
	formats []string
	// secrets lists the Secrets of a cluster (their metadata and type
	// only), for the commands that need them.
	secrets bool
	// requestNamespace is set when Namespace is also the request's
	// namespace (who-can), which --cluster takes too.
	requestNamespace bool
}

func (o *RBACOptions) addFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.Format, "format", "f", "table", "output format: table|json")
	f.BoolVar(&o.Cluster, "cluster", false, "read the RBAC objects of the live cluster of the kubeconfig's context")
	f.BoolVar(&o.AllowEmpty, "allow-empty", false, "do not exit 2 when the input holds no Kubernetes object (empty files or standard input, only comments)")
	f.StringVar(&o.Kube.Kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config; in a pod, its service account)")
	f.StringVar(&o.Kube.Context, "context", "", "kubeconfig context to use")
	f.DurationVar(&o.Kube.RequestTimeout, "request-timeout", 60*time.Second, "time limit of each request to the API server")
}

func newRBACCommand(s IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rbac",
		Short: "Answer RBAC questions as the API server's authorizer would",
		Long: `Answer RBAC questions from the Roles, ClusterRoles, RoleBindings and ClusterRoleBindings of
manifests (PATH arguments: files, directories, - for standard input) or of a live cluster
(--cluster), exactly as the API server's RBAC authorizer decides, aggregated ClusterRoles
included.

Exit codes: 0 answered, 1 (rbac paths only) a path to cluster-admin-equivalent exists,
2 a usage error, input that could not be read, input that holds no Kubernetes object
(unless --allow-empty), or a cluster list that failed (the answer is then printed, but
may miss grants). rbac risky has the exit codes of kubestride scan.`,
	}
	cmd.AddCommand(newWhoCanCommand(s), newCanCommand(s), newPathsCommand(s), newRiskyCommand(s))
	return cmd
}

// addNamespaceFlag registers -n for the commands whose request has no
// namespace of its own.
func (o *RBACOptions) addNamespaceFlag(f *pflag.FlagSet) {
	f.StringVarP(&o.Namespace, "namespace", "n", "", "the namespace of the manifests' namespaced objects that set none (default: default, as for kubectl apply); not with --cluster")
}

func newWhoCanCommand(s IO) *cobra.Command {
	o := &RBACOptions{}
	var req rbac.Request
	var group string
	cmd := &cobra.Command{
		Use:   "who-can VERB RESOURCE[.GROUP][/SUBRESOURCE]|/URL [PATH ...] [-n NAMESPACE] [--name NAME]",
		Short: "List every subject allowed a request, with the bindings and roles that allow it",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Verb = args[0]
			if strings.HasPrefix(args[1], "/") {
				if req.Namespace != "" || req.Name != "" || cmd.Flags().Changed("group") {
					return usagef("a non-resource URL takes no --namespace, --name or --group")
				}
				req.NonResourceURL = args[1]
			} else {
				var err error
				req.Resource, req.Subresource, req.Group, err = rbac.ParseResource(args[1], group, cmd.Flags().Changed("group"))
				if err != nil {
					return usageError{err}
				}
			}
			o.Paths = args[2:]
			// As for kubectl, the request's namespace is also the one of
			// the manifests' objects that set none.
			o.Namespace = req.Namespace
			o.requestNamespace = true
			return runRBAC(cmd.Context(), s, o, func(m *rbac.Model, w io.Writer) error {
				return writeWhoCan(w, o.Format, req, m.WhoCan(req))
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&req.Namespace, "namespace", "n", "", "the request's namespace (default: a cluster-scoped request, or one across all namespaces); for manifests, also the namespace of the namespaced objects that set none (default: default, as for kubectl apply)")
	f.StringVar(&req.Name, "name", "", "the object's name (default: none, as in list, watch and create)")
	f.StringVar(&group, "group", "", "the resource's API group (\"\" is the core group), for a resource kubestride does not know")
	o.addFlags(f)
	return cmd
}

func newCanCommand(s IO) *cobra.Command {
	o := &RBACOptions{}
	cmd := &cobra.Command{
		Use:   "can SUBJECT [PATH ...]",
		Short: "Show what a subject (user:NAME, group:NAME, serviceaccount:NS:NAME) may do, per namespace",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			subject, err := rbac.ParseSubject(args[0])
			if err != nil {
				return usageError{err}
			}
			o.Paths = args[1:]
			return runRBAC(cmd.Context(), s, o, func(m *rbac.Model, w io.Writer) error {
				return writeCan(w, o.Format, m.Can(subject))
			})
		},
	}
	o.addFlags(cmd.Flags())
	o.addNamespaceFlag(cmd.Flags())
	return cmd
}

// runRBAC loads the RBAC objects, builds the model and writes the answer.
func runRBAC(ctx context.Context, s IO, o *RBACOptions, answer func(*rbac.Model, io.Writer) error) error {
	return runRBACInventory(ctx, s, o, func(inv *inventory.Inventory, w io.Writer) error { return answer(rbac.Build(inv), w) })
}

// runRBACInventory loads the objects and writes the answer computed from
// their inventory.
func runRBACInventory(ctx context.Context, s IO, o *RBACOptions, answer func(*inventory.Inventory, io.Writer) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	formats := o.formats
	if formats == nil {
		formats = []string{"table", "json"}
	}
	switch {
	case !slices.Contains(formats, o.Format):
		return usagef("--format: unknown format %q (want %s)", o.Format, strings.Join(formats, ", "))
	case o.Cluster && len(o.Paths) > 0:
		return usagef("give either paths or --cluster, not both")
	case !o.Cluster && len(o.Paths) == 0:
		return usagef("no input: give files, directories, - for standard input, or --cluster")
	case !o.Cluster && (o.Kube.Kubeconfig != "" || o.Kube.Context != ""):
		return usagef("the kubeconfig flags need --cluster")
	case o.Cluster && o.AllowEmpty:
		return usagef("--allow-empty is for manifests, not --cluster")
	case o.Cluster && o.Namespace != "" && !o.requestNamespace:
		return usagef("-n/--namespace names the namespace of manifest objects that set none; it is not for --cluster")
	}
	if err := validNamespace(o.Namespace); err != nil {
		return err
	}
	inv := inventory.New()
	var problems, notices []string
	if o.Cluster {
		cfg, err := o.Kube.restConfig()
		if err != nil {
			return usageError{err}
		}
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			return usageError{fmt.Errorf("kubernetes client: %w", err)}
		}
		res, err := cluster.Collect(ctx, cs, cluster.Options{SkipSecrets: !o.secrets}, nil, func(obj *object.Object, _ struct{}) { inv.Add(obj) })
		if err != nil {
			return fmt.Errorf("read cluster %s: %w", cfg.Host, err)
		}
		for _, g := range res.Gaps {
			problems = append(problems, gapLine(g))
		}
	} else {
		var count inputCount
		placer := scope.NewPlacer(o.Namespace)
		errs := source.Load(ctx, o.Paths, s.In, func(obj *object.Object) {
			count.add(obj)
			placer.See(obj)
			if !placer.Place(obj) {
				placer.Hold(obj)
				return
			}
			inv.Add(obj)
		})
		for _, obj := range placer.Release() {
			inv.Add(obj)
		}
		notices = placer.Notices()
		if !o.AllowEmpty {
			errs = count.emptyErrors(o.Paths, errs)
		}
		for _, e := range errs {
			problems = append(problems, e.Error())
		}
	}
	if err := answer(inv, s.Out); err != nil {
		return fmt.Errorf("write answer: %w", err)
	}
	for _, n := range notices {
		errLinef(s.Err, "kubestride: %s", n)
	}
	if len(problems) > 0 {
		errLinef(s.Err, "kubestride: %d %s could not be read; the answer may miss what they hold:", len(problems), plural(len(problems), "input", "inputs"))
		for _, p := range problems {
			errLinef(s.Err, "  %s", p)
		}
		return exitError{report.ExitError}
	}
	return nil
}

// whoCanEntry is a subject ({"kind","name","namespace"}) with its grants.
type whoCanEntry struct {
	rbac.Subject
	Grants []rbac.Grant `json:"grants"`
}

func writeWhoCan(w io.Writer, format string, req rbac.Request, subjects []rbac.SubjectGrants) error {
	if format == "json" {
		out := struct {
			Request  rbac.Request  `json:"request"`
			Subjects []whoCanEntry `json:"subjects"`
		}{Request: req, Subjects: []whoCanEntry{}}
		for _, sg := range subjects {
			out.Subjects = append(out.Subjects, whoCanEntry{sg.Subject, sg.Grants})
		}
		return writeJSON(w, out)
	}
	if len(subjects) == 0 {
		_, err := fmt.Fprintln(w, "no subject is allowed")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAMESPACE\tNAME\tBINDING\tROLE\tVIA")
	for _, sg := range subjects {
		for i, g := range sg.Grants {
			kind, ns, name := sg.Subject.Kind, sg.Subject.Namespace, sg.Subject.Name
			if i > 0 {
				kind, ns, name = "", "", ""
			}
			via := ""
			if g.Subject != sg.Subject {
				via = g.Subject.String()
			}
			if g.AggregatedFrom != "" {
				via = strings.TrimPrefix(via+", aggregated from "+g.AggregatedFrom, ", ")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cells(kind, dash(ns), name, g.Binding.String(), g.Role.String(), dash(via))...)
		}
	}
	return tw.Flush()
}

func writeCan(w io.Writer, format string, mx rbac.Matrix) error {
	if format == "json" {
		return writeJSON(w, mx)
	}
	if len(mx.Scopes) == 0 {
		_, err := fmt.Fprintf(w, "%s is allowed nothing\n", textsafe.Line(mx.Subject.String()))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAMESPACE\tAPIGROUP\tRESOURCE\tRESOURCENAMES\tVERBS")
	for _, sc := range mx.Scopes {
		ns := sc.Namespace
		if ns == "" {
			ns = "(cluster-wide)"
		}
		for _, r := range sc.Rows {
			group, resource := r.Group, r.Resource
			if r.NonResourceURL != "" {
				group, resource = "-", r.NonResourceURL
			} else if group == "" {
				group = `""`
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cells(ns, group, resource, dash(strings.Join(r.ResourceNames, ",")), strings.Join(r.Verbs, ","))...)
		}
	}
	return tw.Flush()
}

// cells are the cells of a table row, each on one line with its control
// characters shown as escapes (textsafe.Line): names come from the input.
func cells(values ...string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = textsafe.Line(v)
	}
	return out
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
