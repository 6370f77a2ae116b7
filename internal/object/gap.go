package object

// Gap is a list of a live cluster that could not be completed: what it
// would have held was not evaluated. The collector finds gaps; the report
// lists them under its coverage.
type Gap struct {
	// Resource is the resource name with its group: "secrets",
	// "roles.rbac.authorization.k8s.io".
	Resource string `json:"resource"`
	// Namespace is set when the list was of one namespace.
	Namespace string `json:"namespace,omitempty"`
	// Reason is "forbidden", "timeout", "unavailable", "scan-timeout" (the
	// whole collection's time limit passed), "paging" (the server kept
	// returning continue tokens: one seen before, or more pages than the
	// limit), "wrong-kind" (the response, or an item in it, was not of the
	// kind asked for) or "error".
	Reason string `json:"reason"`
	// Message is the API server's or the client's explanation.
	Message string `json:"message"`
	// Partial is true when some pages were read before the failure; what
	// they held was scanned.
	Partial bool `json:"partial,omitempty"`
}
