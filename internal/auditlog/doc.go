// Package auditlog reads Kubernetes API server audit logs (audit.k8s.io/v1
// Event JSON lines: plain, gzip, rotated sets, standard input), filters
// their events for kubestride auditlog query, and runs the audit-log checks
// over them as a stream for kubestride auditlog report.
//
// Events are decoded by a hand-written extractor of the fields kubestride
// reads (decode.go), held to sigs.k8s.io/json (encoding/json, case-sensitive
// as Kubernetes decodes) by a differential test and a fuzz test. Bodies
// (requestObject, responseObject) are kept as the raw bytes of the line and
// decoded only by the checks that need them.
//
// Engine is the streaming API: it takes events one at a time, from files or
// from a live source, and keeps bounded state (time windows, capped maps).
// A live source (kubestride auditlog serve, package auditserve) calls
// Engine.Tick to close the checks' windows as it runs, so that findings are
// reported then and expired state is dropped even when no event comes.
package auditlog
