package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/pss"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
)

func newAuditLogCommand(s IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auditlog",
		Short: "Question an API server audit log, or report what in it looks like an attack",
		Long: `Read API server audit logs: audit.k8s.io/v1 Event JSON lines, as --audit-log-path writes
them. FILE is a log file, plain or gzip (recognised by its content, not its name), a
directory of them, or - for standard input. A rotated set (audit.log,
audit-2026-11-27T10-00-00.000.log, audit-2026-11-26T10-00-00.000.log.gz) is read oldest
first, whatever order the files are given in.`,
	}
	cmd.AddCommand(newAuditLogQueryCommand(s), newAuditLogReportCommand(s), newAuditLogServeCommand(s))
	return cmd
}

func newAuditLogQueryCommand(s IO) *cobra.Command {
	var (
		f            auditlog.Filter
		since, until string
		format       string
		codes        []int
	)
	cmd := &cobra.Command{
		Use:   "query FILE... [filters]",
		Short: "Print the events of an audit log that match filters, as a timeline",
		Long: `Print the events of audit logs that match the filters, in the order of the log: as a
timeline table (time, who, as whom, verb, object, response code, source address, client),
as JSON (each event's line as it is, one per line) or as CSV.

Filters of the same flag are alternatives (--verb delete --verb patch); different flags
must all match. --resource is resource or resource/subresource (pods/exec; pods/* for any
subresource; pods alone is the pods themselves, as RBAC reads it); --service-account is
namespace:name; --user-agent and --reason match a part of the value; --source-ip is an
address or a CIDR prefix; --since and --until are RFC 3339 times or durations before now
(2h), compared with the time each request was received.

Secret values are never printed: in the json format, the data and stringData of Secrets
(and their values in a patch, and kubectl's last-applied-configuration annotation of a
Secret) in requestObject and responseObject are replaced by "<redacted>"; their keys are
kept.

The log is read as a stream, in constant memory; lines that cannot hold a matching event
are passed over before they are decoded. A line that is not an audit.k8s.io/v1 event is
reported with its file and line, and the rest is still read.

Exit codes: 0 the log was read (whether or not events matched), 2 a usage error or lines or
files that could not be read.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			now := fixedNow
			if now.IsZero() {
				now = time.Now()
			}
			var err error
			if since != "" {
				if f.Since, err = auditlog.ParseTime(since, now); err != nil {
					return usagef("--since: %v", err)
				}
			}
			if until != "" {
				if f.Until, err = auditlog.ParseTime(until, now); err != nil {
					return usagef("--until: %v", err)
				}
			}
			f.Codes = codes
			m, err := f.Compile()
			if err != nil {
				return usageError{err}
			}
			if format == "" {
				format = "json"
				if isTerminal(s.Out) {
					format = "table"
				}
			}
			if !slices.Contains(auditlog.QueryFormats, format) {
				return usagef("--format: unknown format %q (want %s)", format, strings.Join(auditlog.QueryFormats, ", "))
			}
			res, err := auditlog.Query(s.Out, auditlog.Input{Paths: args, Stdin: s.In}, m, format)
			if err != nil {
				return err
			}
			return inputProblems(s, res.Errors)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "", "output format: "+strings.Join(auditlog.QueryFormats, "|")+" (default table on a terminal, json otherwise)")
	fl.StringSliceVar(&f.Users, "user", nil, "the user name (repeatable)")
	fl.StringSliceVar(&f.Groups, "group", nil, "a group of the user (repeatable)")
	fl.StringSliceVar(&f.ServiceAccounts, "service-account", nil, "a service account, namespace:name (repeatable)")
	fl.StringSliceVar(&f.Impersonated, "impersonated-user", nil, "the impersonated user name (repeatable)")
	fl.StringSliceVar(&f.Verbs, "verb", nil, "the verb: get, list, watch, create, update, patch, delete, ... (repeatable)")
	fl.StringSliceVar(&f.Resources, "resource", nil, "the resource, or resource/subresource (repeatable)")
	fl.StringSliceVarP(&f.Namespaces, "namespace", "n", nil, "the object's namespace (repeatable)")
	fl.StringSliceVar(&f.Names, "name", nil, "the object's name (repeatable)")
	fl.StringVar(&since, "since", "", "events received at or after this time (RFC 3339) or this long ago (2h)")
	fl.StringVar(&until, "until", "", "events received before this time (RFC 3339) or this long ago")
	fl.StringSliceVar(&f.SourceIPs, "source-ip", nil, "a source address or CIDR prefix (repeatable)")
	fl.StringSliceVar(&f.UserAgents, "user-agent", nil, "a part of the user agent (repeatable)")
	fl.IntSliceVar(&codes, "code", nil, "the response code (repeatable)")
	fl.StringSliceVar(&f.Decisions, "decision", nil, "the authorization decision: allow or forbid")
	fl.StringSliceVar(&f.Reasons, "reason", nil, "a part of the authorization reason (repeatable)")
	fl.StringSliceVar(&f.Stages, "stage", nil, "the stage: RequestReceived, ResponseStarted, ResponseComplete, Panic (repeatable)")
	return cmd
}

// inputProblems writes the input errors to standard error and makes them
// exit code 2.
func inputProblems(s IO, errs []auditlog.Error) error {
	if len(errs) == 0 {
		return nil
	}
	errLinef(s.Err, "kubestride: %d %s could not be read:", len(errs), plural(len(errs), "input", "inputs"))
	for i, e := range errs {
		if i == maxStderrErrors {
			errLinef(s.Err, "  ... and %d more", len(errs)-i)
			break
		}
		errLinef(s.Err, "  %s", errorLine(e.File, e.Line, e.Message))
	}
	return exitError{report.ExitError}
}

func newAuditLogReportCommand(s IO) *cobra.Command {
	o := &ScanOptions{PSSLevel: "baseline", PSSVersion: "latest"}
	var (
		opts auditlog.Options
		gap  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "report FILE...",
		Short: "Report what an audit log shows: secrets read, RBAC changed, exec, impersonation, probing",
		Long: `Read audit logs and report, in the finding schema of kubestride scan and in all of its
formats, what they show that an investigator needs to know: secrets read by people or
outside their namespace, RBAC changes and bindings to cluster-admin, bindings created and
then deleted by their own beneficiary, exec and port-forward into pods, privileged pods
created (judged from the logged body with the Pod Security Standards baseline controls),
anonymous and unauthenticated requests, bursts of denials, impersonation, service account
tokens requested, admission webhooks changed, and a summary of each principal's activity.
Each finding's subject is the principal, with the events behind it by audit ID and time.

Only the audit-log checks run (kubestride checks lists them with their topic). The report
says what time span and how many events it covers; a time hole between rotated files and
requests whose RequestReceived stage is missing are reported as notices, and lines that
cannot be read as errors. The log is read as a stream; the checks keep bounded state.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 a usage error or
lines or files that could not be read (the report still covers the rest).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(o.Only) == 0 {
				o.Only = topicCheckIDs(check.Default(), check.TopicAuditLog)
			}
			lv, err := pss.ParseLevelVersion("baseline", o.PSSVersion)
			if err != nil {
				return usagef("--pss-version: %v", err)
			}
			opts.PSS = lv
			o.read = func(ctx context.Context, scanner *scan.Scanner) (*report.Report, error) {
				return auditReport(ctx, scanner, auditlog.Input{Paths: args, Stdin: s.In, Gap: gap}, opts)
			}
			return runScan(cmd.Context(), s, o, cmd.Flags().Changed("fail-on"), false, cmd.Flags().Changed("pss-version"))
		},
	}
	f := cmd.Flags()
	addOutputFlags(f, o)
	f.StringSliceVar(&o.Only, "check", nil, "run only these checks (repeatable, comma-separated)")
	f.StringVar(&o.PSSVersion, "pss-version", "latest", "Pod Security Standards version pods created are judged at: v1.N|latest")
	f.DurationVar(&opts.ForbiddenWindow, "forbidden-window", time.Minute, "the window of a burst of authorization denials")
	f.IntVar(&opts.ForbiddenThreshold, "forbidden-threshold", 20, "the denials by one principal within --forbidden-window that make a burst")
	f.DurationVar(&opts.CoverWindow, "cover-window", 24*time.Hour, "how long after its creation a binding deleted by its creator or subject is reported")
	f.DurationVar(&gap, "gap", 15*time.Minute, "a pause between the end of one file and the start of the next reported as a hole in the log")
	return cmd
}

// topicCheckIDs returns the checks of a topic.
func topicCheckIDs(reg *check.Registry, topic check.Topic) []string {
	var out []string
	for _, c := range reg.All() {
		if m := c.Meta(); m.Topic == topic {
			out = append(out, string(m.ID))
		}
	}
	slices.Sort(out)
	return out
}

// auditReport streams the log through the audit-log checks of scanner.
func auditReport(ctx context.Context, scanner *scan.Scanner, in auditlog.Input, opts auditlog.Options) (*report.Report, error) {
	var collectErr error
	eng := auditlog.NewEngine(scanner.Checks(), opts, func(id check.ID, f check.Finding) {
		if err := scanner.Collect(id, f); err != nil && collectErr == nil {
			collectErr = err
		}
	})
	st, errs, notices := in.Each(func(e *auditlog.Event, _ []byte, pos auditlog.Position) bool {
		eng.Observe(e, pos)
		return ctx.Err() == nil
	})
	notices = append(notices, eng.Close()...)
	if collectErr != nil {
		return nil, collectErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	loadErrs := make([]object.Error, len(errs))
	for i, e := range errs {
		loadErrs[i] = object.Error{File: e.File, Line: e.Line, Message: e.Message}
	}
	rep := scanner.Report(ctx, loadErrs)
	cover := fmt.Sprintf("the audit log holds %d %s in %d %s (%d lines)", st.Events, plural(st.Events, "event", "events"), st.Files, plural(st.Files, "file", "files"), st.Lines)
	if !st.First.IsZero() {
		cover += fmt.Sprintf(", from %s to %s", st.First.UTC().Format(time.RFC3339), st.Last.UTC().Format(time.RFC3339))
	}
	add := []report.Notice{{Message: cover}}
	for _, n := range notices {
		add = append(add, report.Notice{File: n.File, Line: n.Line, Message: n.Message})
	}
	rep.Notices = append(add, rep.Notices...)
	return rep, nil
}
