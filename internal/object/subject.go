package object

import "time"

// File is a file a finding is about that is not a Kubernetes object: a
// control-plane manifest, a kubelet configuration, a key or certificate.
type File struct {
	// Path is the file's path on the host it was read from.
	Path string
	// Line is the 1-based line at fault, or 0 for the file as a whole.
	Line int
	// Key is the flag or configuration key at fault ("--anonymous-auth",
	// "authentication.anonymous.enabled"); empty when the finding is about
	// the file itself (its permissions or owner).
	Key string
}

// AuditTrail is what one principal did, as an audit log recorded it.
type AuditTrail struct {
	// Principal is who acted: "user:alice", "serviceaccount:ns:name".
	Principal string
	// Events are the audit events the finding rests on, in time order.
	Events []AuditEvent
}

// AuditEvent identifies one event of an audit log.
type AuditEvent struct {
	AuditID string
	Time    time.Time
}

// Image is a container image.
type Image struct {
	// Reference is the image as named: registry/repository:tag.
	Reference string
	// Digest is its content digest (sha256:...), when known.
	Digest string
}
