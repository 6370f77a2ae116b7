package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/nodefs"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/pss"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
	"github.com/kubestride/kubestride/internal/scope"
	"github.com/kubestride/kubestride/internal/source"
)

// ScanOptions are the flags of kubestride scan.
type ScanOptions struct {
	Paths      []string
	Format     string
	Output     string
	FailOn     string
	ConfigFile string
	PSSLevel   string
	PSSVersion string
	Color      string
	Only       []string
	// MinSeverity leaves out findings below it ("" for all).
	MinSeverity string
	// GroupBy is how the table format groups findings: category, check or
	// resource.
	GroupBy string
	// Exclude lists glob patterns of files and directories a directory
	// scan passes over.
	Exclude []string
	// Helm lists charts to render and scan, Kustomize directories to build
	// and scan; Render tunes both, and the charts and kustomizations a
	// directory walk finds.
	Helm      []string
	Kustomize []string
	Render    source.Render
	// Cluster scans the live cluster instead of manifests.
	Cluster bool
	// NodeRoot, when set, also reads a node's files under it, as
	// kubestride node does: the node checks judge them, and workloads'
	// Localhost seccomp profiles are judged against the node's profiles.
	NodeRoot string
	// node, set by the node command, reads a node's files and processes
	// instead of manifests.
	node *nodefs.Options
	// read, set by commands whose input is neither manifests nor a node
	// (the audit log), reads that input into the scanner and returns the
	// report.
	read func(ctx context.Context, scanner *scan.Scanner) (*report.Report, error)
	Kube KubeOptions
	// IncludeSecrets reads Secret contents in a cluster scan.
	IncludeSecrets bool
	// NoSecrets does not list Secrets in a cluster scan.
	NoSecrets bool
	// ScanTimeout bounds the whole listing of a cluster scan.
	ScanTimeout time.Duration
	// AllowPartial keeps a cluster scan's coverage gaps from making the
	// exit code 2.
	AllowPartial bool
	// AllowEmpty accepts manifests that hold no Kubernetes object; without
	// it they are an input error (exit code 2).
	AllowEmpty bool
	// Now is the time exemptions are judged against; zero means time.Now().
	Now time.Time
	// Apply writes the policyreport format's reports to the scanned cluster
	// with server-side apply, and removes kubestride's stale ones.
	Apply bool
	// ImagePolicy is the image policy file the image-policy check applies
	// (the configuration's imagePolicy when empty).
	ImagePolicy string
	// ResolveImages resolves every image through its registry, so that the
	// policy's signature and base-image rules are judged; ResolveTimeout
	// bounds the work on one image.
	ResolveImages  bool
	ResolveTimeout time.Duration
	// images is the image loader stage, set by runScan.
	images *imageStage
}

func newScanCommand(s IO) *cobra.Command {
	o := &ScanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [PATH ...] [-] [--helm CHART] [--kustomize DIR] | scan --cluster",
		Short: "Scan manifests (files, directories, - for stdin) or a live cluster",
		Long: `Scan Kubernetes manifests, or a live cluster with --cluster, and report findings by
STRIDE category.

PATH is a file, a directory (walked recursively for .yaml, .yml and .json) or - for
standard input. A directory holding a Chart.yaml is rendered as a Helm chart, one holding
a kustomization.yaml as a Kustomize build, unless --no-render; --helm CHART (a directory
or a .tgz) renders a chart with --values, --set, --release, -n and --kube-version, and
--kustomize DIR builds a kustomization. Rendering is on the client alone: no cluster, no
hook run, no remote base fetched. Findings on rendered objects point at the template or
source file, and at the line there when it can be told, beside the rendered location. With --cluster, kubestride lists what is running through the kubeconfig
(or the in-cluster service account) and scans that; pods run by a controller are reported
once, on their top-level owner, when they really are what that controller makes (same
namespace, owner listed by UID, pod spec equal to its template); any other pod is scanned
on its own, and one that claims a controller it does not match is reported.

With --node-root DIR, the files of a node under DIR are read as kubestride node --root
reads them: the node checks judge them, and a workload's Localhost seccomp profile is
looked up under the kubelet's seccomp directory there and judged (a profile that blocks
nothing by default, or is missing); without it that check is not evaluated.

Namespaced objects of manifests that set no metadata.namespace are placed in the
namespace -n names (default: default), as kubectl apply -n places them; the report says
how many. With --cluster, -n scans only that namespace.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 a usage error,
input that could not be read, input that holds no Kubernetes object (unless
--allow-empty; standard input that yields none is an error even beside other paths), or
(unless --allow-partial) a cluster list that was forbidden, timed out, unavailable,
answered with the wrong kind, paged without end or not complete within --scan-timeout.
The report still lists everything that could be
scanned, and what could not.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			flags := cmd.Flags()
			return runScan(cmd.Context(), s, o, flags.Changed("fail-on"), flags.Changed("pss-level"), flags.Changed("pss-version"))
		},
	}
	addScanFlags(cmd.Flags(), o, true)
	return cmd
}

// addScanFlags registers the flags of kubestride scan on f; withChecks adds
// the ones that choose checks and Pod Security Standards settings.
func addScanFlags(f *pflag.FlagSet, o *ScanOptions, withChecks bool) {
	addOutputFlags(f, o)
	f.StringSliceVar(&o.Exclude, "exclude", nil, "in directories, pass over files and directories matching this glob, by name or by path (repeatable)")
	if withChecks {
		f.StringVar(&o.PSSLevel, "pss-level", "restricted", "Pod Security Standards level: baseline|restricted")
		f.StringVar(&o.PSSVersion, "pss-version", "latest", "Pod Security Standards version: v1.N|latest")
		f.StringSliceVar(&o.Only, "check", nil, "run only these checks (repeatable, comma-separated)")
	}
	f.StringArrayVar(&o.Helm, "helm", nil, "render this Helm chart (a directory or a .tgz) and scan its objects (repeatable)")
	f.StringArrayVar(&o.Render.Values, "values", nil, "with --helm, a values file, as helm -f (repeatable; later ones win)")
	f.StringArrayVar(&o.Render.Set, "set", nil, "with --helm, a value as helm --set key=value (repeatable)")
	f.StringVar(&o.Render.Release, "release", "", "the release name charts are rendered with (default release-name)")
	f.StringVar(&o.Render.KubeVersion, "kube-version", "", "the Kubernetes version charts see as .Capabilities.KubeVersion (default Helm's)")
	f.StringArrayVar(&o.Kustomize, "kustomize", nil, "build this Kustomize directory and scan its objects (repeatable)")
	f.BoolVar(&o.Render.Off, "no-render", false, "in directories, skip Helm charts and kustomizations instead of rendering them")
	f.StringVar(&o.NodeRoot, "node-root", "", "also read a node's files under this directory (as kubestride node --root): the node checks judge them, and Localhost seccomp profiles are looked up in its kubelet's seccomp directory")
	f.BoolVar(&o.Cluster, "cluster", false, "scan the live cluster of the kubeconfig's context (or the in-cluster service account)")
	f.BoolVar(&o.IncludeSecrets, "include-secrets", false, "with --cluster, read Secret contents (by default only their metadata and type)")
	f.BoolVar(&o.NoSecrets, "no-secrets", false, "with --cluster, do not list Secrets at all (for an identity that may not; reported as skipped)")
	f.BoolVar(&o.AllowPartial, "allow-partial", false, "with --cluster, do not exit 2 when some lists are forbidden, time out or are unavailable")
	f.BoolVar(&o.AllowEmpty, "allow-empty", false, "do not exit 2 when the input holds no Kubernetes object (empty files or standard input, only comments)")
	f.BoolVar(&o.Apply, "apply", false, "with --cluster and --format policyreport, server-side apply the reports to the cluster (field manager kubestride) and delete kubestride's reports of namespaces that no longer have results")
	f.StringVar(&o.ImagePolicy, "image-policy", "", "apply this image policy (kubestride.io/v1alpha1 ImagePolicy) to every container image: approved repositories, digests, and with --resolve-images signatures and base images")
	f.BoolVar(&o.ResolveImages, "resolve-images", false, "resolve every image through its registry (Docker config credentials), read its base image and verify its signatures offline; an image that cannot be resolved is an error (exit 2)")
	f.DurationVar(&o.ResolveTimeout, "resolve-timeout", defaultResolveTimeout, "with --resolve-images, time limit of the work on one image")
	f.DurationVar(&o.ScanTimeout, "scan-timeout", 10*time.Minute, "with --cluster, time limit of the whole listing; lists not complete by then are reported as gaps (0: none)")
	o.Kube.addFlags(f)
}

// addOutputFlags registers the flags of the report and its exit code,
// shared by every command that writes a report.
func addOutputFlags(f *pflag.FlagSet, o *ScanOptions) {
	f.StringVarP(&o.Format, "format", "f", "", "output format: "+strings.Join(report.Formats(), "|")+" (default table on a terminal, json otherwise)")
	f.StringVarP(&o.Output, "output", "o", "", "write the report to this file instead of standard output")
	f.StringVar(&o.FailOn, "fail-on", "high", "exit 1 when a finding is at or above this severity: critical|high|medium|low|info, or none to report only")
	f.StringVar(&o.ConfigFile, "config", "", "configuration file (severity overrides, disabled checks, exemptions)")
	f.StringVar(&o.MinSeverity, "min-severity", "", "leave out findings below this severity: critical|high|medium|low|info (the report says how many)")
	f.StringVar(&o.GroupBy, "group-by", report.GroupByCategory, "group the table's findings by "+strings.Join(report.GroupBys(), "|")+" (the other formats ignore it)")
	f.StringVar(&o.Color, "color", "auto", "colour in the table format: auto|always|never (auto honours NO_COLOR)")
}

func runScan(ctx context.Context, s IO, o *ScanOptions, failOnSet, levelSet, versionSet bool) error {
	if ctx == nil {
		ctx = context.Background()
	}
	switch {
	case o.node != nil, o.read != nil:
		// The node and audit-log commands have no paths, cluster or
		// manifest flags.
	case o.Cluster && (len(o.Paths) > 0 || len(o.Helm) > 0 || len(o.Kustomize) > 0):
		return usagef("give either paths, --helm or --kustomize, or --cluster, not both")
	case !o.Cluster && len(o.Paths) == 0 && len(o.Helm) == 0 && len(o.Kustomize) == 0:
		return usagef("no input: give files, directories, - for standard input, --helm CHART, --kustomize DIR, or --cluster")
	case len(o.Helm) == 0 && (len(o.Render.Values) > 0 || len(o.Render.Set) > 0):
		return usagef("--values and --set need --helm")
	case !o.Cluster && (o.IncludeSecrets || o.NoSecrets || o.AllowPartial || o.Kube.set()):
		return usagef("--include-secrets, --no-secrets, --allow-partial and the kubeconfig flags need --cluster")
	case o.IncludeSecrets && o.NoSecrets:
		return usagef("give --include-secrets or --no-secrets, not both")
	case o.Cluster && o.NodeRoot != "":
		return usagef("--node-root is for manifests, not --cluster (kubestride node audits a node)")
	case o.Cluster && o.AllowEmpty:
		return usagef("--allow-empty is for manifests, not --cluster")
	case o.Apply && (!o.Cluster || o.Format != "policyreport"):
		return usagef("--apply needs --cluster and --format policyreport")
	case o.Apply && o.Kube.Namespace != "":
		// The reports applied replace those of the last scan: a scan of one
		// namespace would replace the cluster's report with a partial one.
		return usagef("--apply needs a scan of the whole cluster, not -n")
	}
	if err := validNamespace(o.Kube.Namespace); err != nil {
		return err
	}
	reg := check.Default()
	cfg := &config.Config{}
	if o.ConfigFile != "" {
		c, err := config.Load(o.ConfigFile, reg)
		if err != nil {
			return usageError{err}
		}
		cfg = c
	}
	failOnName := o.FailOn
	if !failOnSet && cfg.FailOn != "" {
		failOnName = cfg.FailOn
	}
	// "none": findings never fail the run; input errors and gaps still do.
	failOn := check.Critical + 1
	if failOnName != "none" {
		var err error
		if failOn, err = check.ParseSeverity(failOnName); err != nil {
			return usagef("--fail-on: %v (or none)", err)
		}
	}
	level, ver := o.PSSLevel, o.PSSVersion
	if !levelSet && cfg.PSS.Level != "" {
		level = cfg.PSS.Level
	}
	if !versionSet && cfg.PSS.Version != "" {
		ver = cfg.PSS.Version
	}
	if level != "baseline" && level != "restricted" {
		return usagef("--pss-level: %q is not baseline or restricted", level)
	}
	lv, err := pss.ParseLevelVersion(level, ver)
	if err != nil {
		return usagef("--pss-version: %v", err)
	}
	var minSeverity check.Severity
	if o.MinSeverity != "" {
		if minSeverity, err = check.ParseSeverity(o.MinSeverity); err != nil {
			return usagef("--min-severity: %v", err)
		}
	}
	if o.GroupBy != "" && !slices.Contains(report.GroupBys(), o.GroupBy) {
		return usagef("--group-by: %q is not %s", o.GroupBy, strings.Join(report.GroupBys(), ", "))
	}
	for _, p := range o.Exclude {
		if _, err := path.Match(p, ""); err != nil {
			return usagef("--exclude: %q is not a glob pattern: %v", p, err)
		}
	}
	if o.images, err = newImageStage(o, cfg); err != nil {
		return err
	}
	checkOpts := check.Options{PSS: lv}
	if o.images != nil {
		checkOpts.Images = o.images.images
	}
	var only []check.ID
	for _, id := range o.Only {
		if _, ok := reg.Get(check.ID(id)); !ok {
			return usagef("--check: no check %q (kubestride checks lists them)", id)
		}
		only = append(only, check.ID(id))
	}

	out := s.Out
	var file *os.File
	if o.Output != "" {
		file, err = os.Create(o.Output)
		if err != nil {
			return usagef("--output: %v", err)
		}
		defer file.Close()
		out = file
	}
	format := o.Format
	if format == "" {
		format = "json"
		if o.Output == "" && isTerminal(s.Out) {
			format = "table"
		}
	}
	if !validFormat(format) {
		return usagef("--format: unknown format %q (want %s)", format, strings.Join(report.Formats(), ", "))
	}
	color, err := useColor(o.Color, out, s)
	if err != nil {
		return err
	}

	now := o.Now
	if now.IsZero() {
		now = fixedNow
	}
	if now.IsZero() {
		now = time.Now()
	}
	scanner := scan.New(scan.Options{
		Registry:    reg,
		Config:      cfg,
		Check:       checkOpts,
		Only:        only,
		MinSeverity: minSeverity,
		Now:         now,
		Tool:        report.Tool{Name: "kubestride", Version: version()},
		Settings:    report.Settings{FailOn: failOn, PSSLevel: level, PSSVersion: pss.VersionString(lv.Version), AllowPartial: o.AllowPartial, Time: now},
		// The JSON renderer turns findings into report form a chunk at a
		// time; the other renderers materialize them.
		SourceFindings: true,
		// The threat-model view of these formats draws the escalation paths.
		EscalationPaths: format == "html" || format == "markdown",
	})
	var rep *report.Report
	if o.read != nil {
		if rep, err = o.read(ctx, scanner); err != nil {
			return err
		}
	} else if o.node != nil {
		if rep, err = scanNode(ctx, *o.node, scanner); err != nil {
			return err
		}
	} else if o.Cluster {
		if rep, err = scanCluster(ctx, s, o, scanner, lv.Version); err != nil {
			return err
		}
	} else {
		var count inputCount
		var nodeErrs []object.Error
		if o.NodeRoot != "" {
			res, err := nodefs.Read(nodefs.Options{Root: o.NodeRoot})
			if err != nil {
				return usagef("--node-root: %v", strings.TrimPrefix(err.Error(), "--root: "))
			}
			// Before the manifests: the local checks of their workloads
			// read the node's seccomp profiles.
			scanner.SetHost(res.Node)
			for _, obj := range res.Objects {
				scanner.Add(ctx, obj, nil)
			}
			nodeErrs = res.Errors
		}
		placer := scope.NewPlacer(o.Kube.Namespace)
		// An object of a kind whose scope is not known yet is held (local
		// == nil) until every CustomResourceDefinition has been read.
		render := o.Render
		render.Namespace = o.Kube.Namespace
		loadErrs := source.Stream(ctx, o.Paths, source.Options{Stdin: s.In, Exclude: o.Exclude, Helm: o.Helm, Kustomize: o.Kustomize, Render: render},
			o.images.wrap(ctx, func(obj *object.Object) *scan.Local {
				if !placer.Place(obj) {
					return nil
				}
				return scanner.CheckLocal(ctx, obj)
			}),
			func(obj *object.Object, local *scan.Local) {
				count.add(obj)
				placer.See(obj)
				if local == nil {
					placer.Hold(obj)
					return
				}
				scanner.Add(ctx, obj, local)
			})
		for _, obj := range placer.Release() {
			scanner.Add(ctx, obj, nil)
		}
		if !o.AllowEmpty {
			loadErrs = count.emptyErrors(slices.Concat(o.Paths, o.Helm, o.Kustomize), loadErrs)
		}
		rep = scanner.Report(ctx, slices.Concat(nodeErrs, loadErrs, o.images.errors()))
		if msgs := placer.Notices(); len(msgs) > 0 {
			notices := make([]report.Notice, 0, len(msgs)+len(rep.Notices))
			for _, msg := range msgs {
				notices = append(notices, report.Notice{Message: msg})
			}
			rep.Notices = append(notices, rep.Notices...)
		}
	}

	if o.images == nil && rep.NotEvaluated["image-policy"] == "" && slices.ContainsFunc(rep.Rules, func(m check.Meta) bool { return m.ID == "image-policy" }) {
		if rep.NotEvaluated == nil {
			rep.NotEvaluated = map[check.ID]string{}
		}
		rep.NotEvaluated["image-policy"] = "not evaluated: no image policy was given (--image-policy, or imagePolicy in the configuration)"
	}

	bw := bufio.NewWriterSize(out, 1<<16)
	if err := report.Render(bw, format, rep, report.Options{Color: color, Width: terminalWidth(out), GroupBy: o.GroupBy}); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if o.Apply {
		applied, deleted, err := applyPolicyReports(ctx, o, rep)
		if err != nil {
			return fmt.Errorf("--apply: %w", err)
		}
		errLinef(s.Err, "kubestride: applied %d %s, deleted %d stale", applied, plural(applied, "policy report", "policy reports"), deleted)
	}
	if cov := rep.Coverage; cov != nil && len(cov.Gaps) > 0 && (format != "table" || o.Output != "") {
		errLinef(s.Err, "kubestride: %d %s could not be listed; what they hold was not evaluated:", len(cov.Gaps), plural(len(cov.Gaps), "resource", "resources"))
		for _, g := range cov.Gaps {
			errLinef(s.Err, "  %s", gapLine(g))
		}
	}
	if n := len(rep.Errors); n > 0 && (format != "table" || o.Output != "") {
		errLinef(s.Err, "kubestride: %d %s could not be read or evaluated:", n, plural(n, "input", "inputs"))
		for i, e := range rep.Errors {
			if i == maxStderrErrors {
				errLinef(s.Err, "  ... and %d more (the report lists them all)", n-i)
				break
			}
			errLinef(s.Err, "  %s", errorLine(e.File, e.Line, e.Message))
		}
	}
	if n := len(rep.Notices); n > 0 && (format != "table" || o.Output != "") {
		errLinef(s.Err, "kubestride: %d %s:", n, plural(n, "notice", "notices"))
		for i, e := range rep.Notices {
			if i == maxStderrErrors {
				errLinef(s.Err, "  ... and %d more (the report lists them all)", n-i)
				break
			}
			errLinef(s.Err, "  %s", errorLine(e.File, e.Line, e.Message))
		}
	}
	if code := rep.ExitCode(failOn); code != report.ExitOK {
		return exitError{code}
	}
	return nil
}

// maxStderrErrors is how many input errors (or notices) stderr lists before
// it refers to the report for the rest.
const maxStderrErrors = 20

// fixedNow, when set (by tests), replaces the clock for exemptions.
var fixedNow time.Time

// errorLine is an error's or a notice's line: "file:line: message".
func errorLine(file string, line int, msg string) string {
	switch {
	case line > 0:
		return fmt.Sprintf("%s:%d: %s", file, line, msg)
	case file != "":
		return fmt.Sprintf("%s: %s", file, msg)
	}
	return msg
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func validFormat(f string) bool {
	for _, n := range report.Formats() {
		if n == f {
			return true
		}
	}
	return false
}

// terminalWidth is the width of the terminal w writes to, or 0.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(w) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func useColor(mode string, out io.Writer, s IO) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return s.getenv("NO_COLOR") == "" && isTerminal(out), nil
	}
	return false, usagef("--color: %q is not auto, always or never", mode)
}
