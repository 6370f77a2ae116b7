package cli

import (
	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/check"
)

// newRiskyCommand is kubestride rbac risky: the scan, limited to the RBAC
// checks.
func newRiskyCommand(s IO) *cobra.Command {
	o := &ScanOptions{PSSLevel: "restricted", PSSVersion: "latest"}
	cmd := &cobra.Command{
		Use:   "risky [PATH ...] | risky --cluster",
		Short: "Report risky RBAC grants, with who holds them, and escalation paths",
		Long: `Run the RBAC checks of kubestride scan alone: every Role and ClusterRole rule that grants
a dangerous permission (secrets, escalate, bind, impersonate, nodes/proxy, workload
creation, wildcards, ...), reported with the bindings and subjects that hold it, the
workloads that run with a holding service account's token, and every chain of grants that
reaches cluster-admin power. A role nobody holds is reported one severity lower.

It takes the flags of kubestride scan and has its exit codes.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			o.Only = rbacCheckIDs(check.Default())
			return runScan(cmd.Context(), s, o, cmd.Flags().Changed("fail-on"), false, false)
		},
	}
	addScanFlags(cmd.Flags(), o, false)
	return cmd
}

// rbacCheckIDs returns the checks whose topic is RBAC.
func rbacCheckIDs(reg *check.Registry) []string {
	var out []string
	for _, c := range reg.All() {
		if m := c.Meta(); m.Topic == check.TopicRBAC {
			out = append(out, string(m.ID))
		}
	}
	return out
}
