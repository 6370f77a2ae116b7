package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/nodefs"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
	"github.com/kubestride/kubestride/internal/textsafe"
)

func newNodeCommand(s IO) *cobra.Command {
	o := &ScanOptions{PSSLevel: "restricted", PSSVersion: "latest"}
	n := &nodefs.Options{}
	cmd := &cobra.Command{
		Use:   "node [--root DIR] [--proc]",
		Short: "Audit a node's control plane and kubelet from its own files and processes",
		Long: `Audit the control plane and the kubelet of a node from the files kubeadm lays out
under DIR (default /): the static pod manifests of etc/kubernetes/manifests, every
file their flags point at (resolved under DIR, so a copy of a node's files can be
audited anywhere), the kubelet's systemd unit and drop-ins, var/lib/kubelet/config.yaml,
the PKI of etc/kubernetes/pki and the auditd rules of etc/audit. With --proc, the
command lines of the running kube-apiserver, etcd, kube-controller-manager,
kube-scheduler and kubelet are read from DIR/proc too (/proc with the default root;
a pod that mounts the node's / at /host and its /proc at /host/proc runs
--root /host --proc).

Only the checks of control-plane and node settings run (kubestride checks lists
them with their topic); every finding points at the file and line, or the process
and flag, that holds the fault.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 a usage
error, or a file a flag points at that could not be read (what it holds was not
evaluated).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.node = n
			if len(o.Only) == 0 {
				o.Only = nodeCheckIDs(check.Default())
			}
			return runScan(cmd.Context(), s, o, cmd.Flags().Changed("fail-on"), false, false)
		},
	}
	cmd.AddCommand(newAuditPolicyCommand(s), newAuditdRulesCommand(s), newVerifyCommand(s))
	f := cmd.Flags()
	f.StringVar(&n.Root, "root", "/", "the directory the node's files are under")
	f.BoolVar(&n.Proc, "proc", false, "also read the components' command lines from proc under --root")
	addOutputFlags(f, o)
	f.StringSliceVar(&o.Only, "check", nil, "run only these checks (repeatable, comma-separated)")
	return cmd
}

// nodeCheckIDs returns the checks whose topic is the node.
func nodeCheckIDs(reg *check.Registry) []string {
	var out []string
	for _, c := range reg.All() {
		if m := c.Meta(); m.Topic == check.TopicNode {
			out = append(out, string(m.ID))
		}
	}
	slices.Sort(out)
	return out
}

// scanNode reads the node opts names into scanner and returns the report.
func scanNode(ctx context.Context, opts nodefs.Options, scanner *scan.Scanner) (*report.Report, error) {
	res, err := nodefs.Read(opts)
	if err != nil {
		return nil, usageError{err}
	}
	for _, obj := range res.Objects {
		scanner.Add(ctx, obj, nil)
	}
	scanner.SetHost(res.Node)
	return scanner.Report(ctx, res.Errors), nil
}

func newAuditdRulesCommand(s IO) *cobra.Command {
	n := &nodefs.Options{}
	cmd := &cobra.Command{
		Use:   "auditd-rules [--root DIR]",
		Short: "Print the auditd rules that watch a node's Kubernetes binaries, configuration and data",
		Long: `Print auditd rules ("-w PATH -p wa") that record every write and attribute change to
the Kubernetes binaries (kubelet, kubeadm, kubectl, where the node under DIR has them),
/etc/kubernetes, /var/lib/kubelet and etcd's data directory (from its --data-dir). Installed
as /etc/audit/rules.d/kubestride.rules, they satisfy the auditd checks of kubestride node.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := nodefs.Read(*n)
			if err != nil {
				return usageError{err}
			}
			var comps []*host.Component
			for _, obj := range res.Objects {
				if c := host.StaticPod(obj); c != nil {
					comps = append(comps, c)
				}
			}
			comps = append(comps, res.Node.Components...)
			_, err = io.WriteString(s.Out, host.AuditdRules(host.WatchPaths(comps, res.Node)))
			return err
		},
	}
	cmd.Flags().StringVar(&n.Root, "root", "/", "the directory the node's files are under")
	return cmd
}

func newVerifyCommand(s IO) *cobra.Command {
	var root, format string
	cmd := &cobra.Command{
		Use:   "verify SHA256SUMS [--root DIR]",
		Short: "Check a node's binaries and configuration files against a list of SHA-256 sums",
		Long: `Check the files under DIR (default /) against SHA256SUMS, a list as sha256sum writes it
("<sum>  <path>" lines, paths absolute on the node or relative to DIR). Every file whose
content differs, every listed file that is missing, and every file the list does not name in
a directory that holds a listed one is reported. Symbolic links never lead outside DIR.

Exit codes: 0 every file matches, 1 a mismatch, a missing or an unlisted file, 2 a usage
error or a list line or file that could not be read.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usagef("--format: unknown format %q (want text, json)", format)
			}
			sums, err := os.ReadFile(args[0])
			if err != nil {
				return usagef("read the sums: %v", err)
			}
			r, err := os.OpenRoot(root)
			if err != nil {
				return usagef("--root: %v", err)
			}
			defer r.Close()
			rep := host.Verify(r.FS(), sums)
			if err := writeVerify(s.Out, format, rep); err != nil {
				return err
			}
			switch {
			case len(rep.Errors) > 0:
				return exitError{report.ExitError}
			case !rep.OK():
				return exitError{report.ExitFindings}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&root, "root", "/", "the directory the node's files are under")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text|json")
	return cmd
}

// writeVerify writes a verification report.
func writeVerify(w io.Writer, format string, rep host.VerifyReport) error {
	errs := make([]string, len(rep.Errors))
	for i, e := range rep.Errors {
		errs[i] = e.Error()
	}
	if format == "json" {
		type entry struct {
			Path string `json:"path"`
			Want string `json:"want"`
			Got  string `json:"got,omitempty"`
		}
		conv := func(es []host.VerifyEntry) []entry {
			out := make([]entry, 0, len(es))
			for _, e := range es {
				out = append(out, entry{e.Path, e.Want, e.Got})
			}
			return out
		}
		return writeJSON(w, struct {
			Listed     int      `json:"listed"`
			Matched    int      `json:"matched"`
			Mismatched []entry  `json:"mismatched"`
			Missing    []entry  `json:"missing"`
			Unlisted   []string `json:"unlisted"`
			Errors     []string `json:"errors"`
		}{rep.Listed, rep.Matched, conv(rep.Mismatched), conv(rep.Missing), append([]string{}, rep.Unlisted...), errs})
	}
	var b strings.Builder
	for _, e := range rep.Mismatched {
		fmt.Fprintf(&b, "MISMATCH  %s: sha256 %s, want %s\n", e.Path, e.Got, e.Want)
	}
	for _, e := range rep.Missing {
		fmt.Fprintf(&b, "MISSING   %s\n", e.Path)
	}
	for _, p := range rep.Unlisted {
		fmt.Fprintf(&b, "UNLISTED  %s\n", p)
	}
	for _, e := range errs {
		fmt.Fprintf(&b, "ERROR     %s\n", e)
	}
	fmt.Fprintf(&b, "%d of %d listed files match; %d mismatched, %d missing, %d unlisted, %d errors\n",
		rep.Matched, rep.Listed, len(rep.Mismatched), len(rep.Missing), len(rep.Unlisted), len(rep.Errors))
	_, err := io.WriteString(w, textsafe.Text(b.String()))
	return err
}

func newAuditPolicyCommand(s IO) *cobra.Command {
	return &cobra.Command{
		Use:   "audit-policy",
		Short: "Print an audit policy that records what the threat model asks, without secret values",
		Long: `Print an audit Policy (audit.k8s.io/v1) for the kube-apiserver's --audit-policy-file that
passes every audit-policy check of kubestride: Secrets, ConfigMaps and TokenReviews at Metadata
only (their values never reach the log), RBAC changes at RequestResponse, admission
configuration and pods/exec, attach and portforward recorded, a catch-all rule last, and the
RequestReceived stage omitted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := s.Out.Write(host.RecommendedAuditPolicy())
			return err
		},
	}
}
