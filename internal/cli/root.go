package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/spf13/cobra"

	_ "github.com/kubestride/kubestride/internal/checks" // the built-in catalogue
	"github.com/kubestride/kubestride/internal/report"
)

// Version is the kubestride version; release builds set it with
// -ldflags "-X github.com/kubestride/kubestride/internal/cli.Version=v1.2.3".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// IO is where a command reads and writes.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Getenv reads the environment (NO_COLOR); nil means os.Getenv.
	Getenv func(string) string
}

func (s IO) getenv(k string) string {
	if s.Getenv != nil {
		return s.Getenv(k)
	}
	return os.Getenv(k)
}

// exitError carries an exit code out of a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// usageError marks a mistake in the command line (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// NewRoot builds the kubestride command tree.
func NewRoot(s IO) *cobra.Command {
	root := &cobra.Command{
		Use:           "kubestride",
		Short:         "Kubernetes security along the STRIDE threat model",
		Long:          "kubestride finds security problems in Kubernetes manifests, organised by STRIDE threat,\nwith the Pod Security Standards evaluated exactly as Pod Security Admission does.",
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	var cpuProfile string
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile to this file (for kubestride's developers)")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return usagef("--cpuprofile: %v", err)
		}
		return pprof.StartCPUProfile(f)
	}
	root.AddCommand(newScanCommand(s), newNodeCommand(s), newChecksCommand(s), newRBACCommand(s), newAuditLogCommand(s), newWebhookCommand(s), newImageCommand(s), newFixCommand(s), newExportCommand(s))
	return root
}

// Main runs kubestride with args and returns the process exit code.
func Main(args []string, s IO) int {
	root := NewRoot(s)
	root.SetArgs(args)
	err := root.Execute()
	pprof.StopCPUProfile() // when --cpuprofile started one
	var ee exitError
	switch {
	case err == nil:
		return report.ExitOK
	case errors.As(err, &ee):
		return ee.code
	}
	errLinef(s.Err, "kubestride: %v", err)
	return report.ExitError
}
