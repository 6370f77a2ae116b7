package cli

import (
	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/catalog"
	"github.com/kubestride/kubestride/internal/check"
)

func newChecksCommand(s IO) *cobra.Command {
	var markdown bool
	cmd := &cobra.Command{
		Use:   "checks [ID]",
		Short: "List the check catalogue, or explain one check",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg := check.Default()
			if len(args) == 1 {
				c, ok := reg.Get(check.ID(args[0]))
				if !ok {
					return usagef("no check %q (kubestride checks lists them)", args[0])
				}
				return catalog.Explain(s.Out, c.Meta())
			}
			if markdown {
				return catalog.Markdown(s.Out, reg.All())
			}
			return catalog.List(s.Out, reg.All())
		},
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "write the catalogue as markdown (docs/checks.md)")
	return cmd
}
