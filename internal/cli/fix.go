package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fix"
	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/report"
)

// FixOptions are the flags of kubestride fix.
type FixOptions struct {
	Paths       []string
	Checks      []string
	DryRun      bool
	Diff        bool
	TmpEmptyDir bool
	Namespace   string
	// PinDigests pins images written by tag to the digests their
	// registries report, each resolution bounded by ResolveTimeout.
	PinDigests     bool
	ResolveTimeout time.Duration
}

func newFixCommand(s IO) *cobra.Command {
	o := &FixOptions{}
	var ids []string
	for _, r := range fix.Remedies() {
		ids = append(ids, "  "+string(r.ID)+": "+r.What)
	}
	cmd := &cobra.Command{
		Use:   "fix PATH...",
		Short: "Apply the safe mechanical remedies to manifests, keeping their layout",
		Long: `Fix the findings that have one safe mechanical remedy, by editing the manifests' text:
comments, key order, indentation, quoting and line endings are kept byte for byte.

The remedies, by check:
` + strings.Join(ids, "\n") + `

Only a field that is not set is set; a value the manifest sets otherwise, or a field
shared through a YAML anchor, alias or merge key, is left and reported. Suppressed
findings are not fixed. Each file is changed only when its new text reads back to the
same objects but for the fields set, and a new scan shows no new finding.

PATH is a file or a directory (walked recursively for .yaml and .yml). Files are
rewritten in place; --dry-run only says what would change, --diff prints a unified
diff instead of writing. Helm templates, JSON and files that do not parse are refused
and left untouched.

--pin-digests (which needs the registries) also rewrites every image written by tag,
or by no tag (latest), to name:tag@sha256:<digest>, the digest its registry reports for
the tag now; each distinct image is resolved once, with the credentials of the Docker
config file. An image that cannot be resolved (registry unreachable, no such tag,
access denied) is left as written and reported, naming the image and registry.

Exit codes: 0 done, 2 a usage error, a file that was refused or an image that could
not be resolved.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			return runFix(s, o)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.Checks, "check", nil, "apply only the remedies of these checks (repeatable, comma-separated)")
	f.BoolVar(&o.DryRun, "dry-run", false, "say what would change, write nothing")
	f.BoolVar(&o.Diff, "diff", false, "print a unified diff of the changes, write nothing")
	f.BoolVar(&o.TmpEmptyDir, "tmp-emptydir", false, "with readOnlyRootFilesystem, mount an emptyDir volume at /tmp")
	f.StringVarP(&o.Namespace, "namespace", "n", "", "namespace of objects without metadata.namespace (default: default)")
	f.BoolVar(&o.PinDigests, "pin-digests", false, "pin images written by tag to the digests their registries report (reaches the registries)")
	f.DurationVar(&o.ResolveTimeout, "resolve-timeout", image.DefaultTimeout, "with --pin-digests, time limit of the resolution of one image")
	return cmd
}

func runFix(s IO, o *FixOptions) error {
	if o.DryRun && o.Diff {
		return usagef("give --dry-run or --diff, not both")
	}
	if err := validNamespace(o.Namespace); err != nil {
		return err
	}
	if o.ResolveTimeout <= 0 {
		return usagef("--resolve-timeout must be positive")
	}
	var checks []check.ID
	for _, id := range o.Checks {
		i := slices.IndexFunc(fix.Remedies(), func(r fix.RemedyInfo) bool { return string(r.ID) == id })
		if i < 0 {
			return usagef("--check: %q has no mechanical remedy (kubestride fix --help lists them)", id)
		}
		if fix.Remedies()[i].Network && !o.PinDigests {
			return usagef("--check: %q is remedied by pinning digests, which reaches the registries: add --pin-digests", id)
		}
		checks = append(checks, check.ID(id))
	}
	var resolver fix.Resolver
	if o.PinDigests {
		client, err := image.NewClient(image.Options{Timeout: o.ResolveTimeout})
		if err != nil {
			return err
		}
		resolver = image.NewResolver(client, image.ResolverOptions{})
	}
	var files []fix.File
	failed := false
	for _, p := range o.Paths {
		if p == "-" {
			return usagef("fix edits files in place; standard input is not one")
		}
		names, err := manifestFiles(p)
		if err != nil {
			errLinef(s.Err, "kubestride: %v", err)
			failed = true
			continue
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				errLinef(s.Err, "kubestride: %v", err)
				failed = true
				continue
			}
			files = append(files, fix.File{Name: name, Data: data})
		}
	}
	results := fix.Run(context.Background(), files, fix.Options{Checks: checks, TmpEmptyDir: o.TmpEmptyDir, Namespace: o.Namespace,
		PinDigests: o.PinDigests, Resolver: resolver})
	say := s.Out
	if o.Diff {
		say = s.Err
	}
	changed, before, after := 0, 0, 0
	for i, r := range results {
		if r.Err != nil {
			errLinef(s.Err, "kubestride: %v", r.Err)
			failed = true
			continue
		}
		before, after = before+r.Before, after+r.After
		if r.Changed() {
			changed++
			errLinef(say, "%s: %d %s, findings %d -> %d", r.Name, len(r.Changes), plural(len(r.Changes), "change", "changes"), r.Before, r.After)
			for _, c := range r.Changes {
				errLinef(say, "  %s: %s (%s)", resourceName(c.Resource), c.Message, c.Check)
			}
		}
		for _, l := range r.Left {
			errLinef(say, "  %s: left: %s: %s (%s)", r.Name, resourceName(l.Resource), l.Message, l.Check)
		}
		for _, u := range r.Unresolved {
			errLinef(s.Err, "kubestride: %s: %s: %s (%s)", r.Name, resourceName(u.Resource), u.Message, u.Check)
			failed = true
		}
		if !r.Changed() {
			continue
		}
		switch {
		case o.Diff:
			d, err := r.Diff(files[i].Data)
			if err != nil {
				return fmt.Errorf("diff %s: %w", r.Name, err)
			}
			fmt.Fprint(s.Out, d)
		case !o.DryRun:
			if err := writeInPlace(r.Name, r.Data); err != nil {
				errLinef(s.Err, "kubestride: %v", err)
				failed = true
			}
		}
	}
	verb := "changed"
	if o.DryRun || o.Diff {
		verb = "to change"
	}
	errLinef(say, "%d %s %s; findings with a mechanical remedy: %d -> %d", changed, plural(changed, "file", "files"), verb, before, after)
	if failed {
		return exitError{report.ExitError}
	}
	return nil
}

func resourceName(r report.Resource) string {
	if r.Namespace != "" {
		return r.Kind + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind + " " + r.Name
}

// manifestFiles returns p when it is a file, or the .yaml and .yml files
// below it, in lexical order, when it is a directory.
func manifestFiles(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && name != p && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			out = append(out, name)
		}
		return nil
	})
	return out, err
}

// writeInPlace replaces the file's content through a temporary file in
// the same directory, keeping its mode.
func writeInPlace(name string, data []byte) error {
	info, err := os.Stat(name)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".kubestride-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
