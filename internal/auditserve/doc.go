// Package auditserve is kubestride auditlog serve: an HTTPS server that
// receives the API server's audit webhook batches (an audit.k8s.io/v1
// EventList POSTed by --audit-webhook-config-file's backend) and runs the
// audit-log checks over them as they arrive, through the same
// auditlog.Engine and decoder as kubestride auditlog report.
//
// Each finding is logged as one structured line (message "finding": check,
// severity, STRIDE category, principal, reason, message, the audit IDs
// behind it) and counted on /metrics, beside the events, batches and
// decode errors received. /healthz says the process is up, /readyz that it
// serves (it fails once a shutdown began).
//
// Windows. The checks that summarise (secrets read, exec, activity per
// principal, ...) report at the close of each window: every
// Options.Interval, or sooner once Options.MaxWindowEvents events were
// received, and then start again; the checks across events keep their own
// windows by time (a burst of denials, auditlog.Options.ForbiddenWindow; a
// binding created and deleted, auditlog.Options.CoverWindow), evicted at
// each window's close, and cap the principals and bindings they follow. So
// the server's memory is bounded whatever the rate and duration of the
// stream. Windows close on the API server's clock (the latest event's time
// plus the time passed since it arrived), whatever the skew of this one.
// A finding is made live, never only at shutdown; at shutdown the open
// window is closed too.
//
// Replicas. Each batch goes to one replica; the API server's batching is
// the queue, and a replica sees only the events of its batches. A
// detection within one event (a cluster-admin binding, a privileged pod)
// is made whichever replica receives it; one across events (a burst, a
// binding created then deleted) only when its events reach the same
// replica, which a single API server's keep-alive connection usually
// gives but does not promise. Run one replica where those must not be
// missed, and read kubestride auditlog report over the log files for the
// complete answer.
//
// Secret values are never logged: a finding names objects and principals,
// and bodies are read only by the checks.
package auditserve
