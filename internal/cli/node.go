package cli

import (
	"context"
	"slices"

	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/nodefs"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
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
kube-scheduler and kubelet are read from /proc too.

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
	f := cmd.Flags()
	f.StringVar(&n.Root, "root", "/", "the directory the node's files are under")
	f.BoolVar(&n.Proc, "proc", false, "also read the components' command lines from /proc")
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
