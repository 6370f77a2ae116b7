package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/export"
	"github.com/kubestride/kubestride/internal/pss"
)

func newExportCommand(s IO) *cobra.Command {
	var to, level, version, checks, actions, selector string
	cmd := &cobra.Command{
		Use:   "export --to vap",
		Short: "Write the single-object checks as ValidatingAdmissionPolicy objects (CEL)",
		Long: "export writes a ValidatingAdmissionPolicy and its binding for every check that CEL can express on one object\n" +
			"(the Pod Security Standards controls at --level and --version, and kubestride's own field checks) to standard\n" +
			"output, and lists the checks it left out, and why, on standard error.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to != "vap" {
				return usagef("--to: %q is not a known target (vap)", to)
			}
			lv, err := pss.ParseLevelVersion(level, version)
			if err != nil {
				return usagef("%v", err)
			}
			opts := export.Options{PSS: lv}
			for _, id := range strings.Split(checks, ",") {
				if id = strings.TrimSpace(id); id != "" {
					opts.Checks = append(opts.Checks, check.ID(id))
				}
			}
			if opts.Actions, err = export.ParseActions(actions); err != nil {
				return usagef("--actions: %v", err)
			}
			if selector != "" {
				if opts.NamespaceSelector, err = metav1.ParseToLabelSelector(selector); err != nil {
					return usagef("--namespace-selector: %v", err)
				}
			}
			res, err := export.Export(opts)
			if err != nil {
				return usagef("--checks: %v", err)
			}
			if len(res.Policies) == 0 {
				return usagef("none of the checks can be exported")
			}
			if err := res.WriteYAML(s.Out); err != nil {
				return err
			}
			if len(res.Skipped) > 0 {
				fmt.Fprintf(s.Err, "%d checks exported; %d not exported:\n", len(res.Policies), len(res.Skipped))
				for _, sk := range res.Skipped {
					fmt.Fprintf(s.Err, "  %s: %s\n", sk.ID, sk.Reason)
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "vap", "what to export to: vap (ValidatingAdmissionPolicy)")
	f.StringVar(&level, "level", "restricted", "Pod Security Standards level: baseline|restricted|privileged")
	f.StringVar(&version, "version", "latest", "Pod Security Standards version: v1.N|latest")
	f.StringVar(&checks, "checks", "", "export only these checks (comma-separated IDs)")
	f.StringVar(&actions, "actions", "Deny", "the bindings' validationActions: Deny, Warn, Audit (comma-separated)")
	f.StringVar(&selector, "namespace-selector", "", "bind the policies only in namespaces with these labels (a label selector)")
	return cmd
}
