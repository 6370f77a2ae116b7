// Package audit holds the end-to-end tests of kubestride auditlog against
// a real kube-apiserver started with an audit policy, an audit log file and
// an audit webhook pointed at kubestride auditlog serve, which runs in the
// test process on a 127.0.0.1 listener started before the cluster. An
// incident is scripted through kubectl as several static-token identities;
// auditlog report and auditlog query must then answer who did what from
// the log file, and the serve server must have reported the same findings
// live, from the batches the API server sent it.
package audit
