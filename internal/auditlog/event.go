package auditlog

import (
	"strings"
	"time"
)

// APIVersion is the only audit event version read.
const APIVersion = "audit.k8s.io/v1"

// The annotations the authorizer leaves on an event.
const (
	DecisionAnnotation = "authorization.k8s.io/decision"
	ReasonAnnotation   = "authorization.k8s.io/reason"
)

// Event is an audit.k8s.io/v1 Event as kubestride reads it: the fields the
// filters and checks use, and the request and response bodies as raw JSON.
type Event struct {
	APIVersion       string
	Kind             string
	Level            string
	AuditID          string
	Stage            string
	RequestURI       string
	Verb             string
	User             UserInfo
	ImpersonatedUser *UserInfo
	SourceIPs        []string
	UserAgent        string
	ObjectRef        *ObjectRef
	// Code is responseStatus.code; HasStatus says whether responseStatus
	// was there.
	Code      int32
	HasStatus bool
	// RequestObject and ResponseObject are the raw JSON bodies, nil when
	// the policy did not log them. They point into the line being read:
	// copy them to keep them past the event.
	RequestObject  []byte
	ResponseObject []byte
	// RequestReceived and StageTime are requestReceivedTimestamp and
	// stageTimestamp.
	RequestReceived time.Time
	StageTime       time.Time
	// Decision and Reason are the authorization.k8s.io/decision and
	// authorization.k8s.io/reason annotations.
	Decision string
	Reason   string
}

// UserInfo is an authentication.k8s.io/v1 UserInfo, without extra.
type UserInfo struct {
	Username string
	UID      string
	Groups   []string
}

// ObjectRef is the object a request is about.
type ObjectRef struct {
	Resource        string
	Namespace       string
	Name            string
	UID             string
	APIGroup        string
	APIVersion      string
	ResourceVersion string
	Subresource     string
}

// Time is when the request was received, or the stage's time when the
// event does not say.
func (e *Event) Time() time.Time {
	if !e.RequestReceived.IsZero() {
		return e.RequestReceived
	}
	return e.StageTime
}

// Principal names who made the request: "user:alice",
// "serviceaccount:ns:name", "anonymous", or "node:name".
func (e *Event) Principal() string { return PrincipalOf(e.User.Username) }

// PrincipalOf names the user called username as a principal.
func PrincipalOf(username string) string {
	switch {
	case username == "system:anonymous":
		return "anonymous"
	case username == "":
		return "unauthenticated"
	case strings.HasPrefix(username, "system:serviceaccount:"):
		return "serviceaccount:" + strings.TrimPrefix(username, "system:serviceaccount:")
	case strings.HasPrefix(username, "system:node:"):
		return "node:" + strings.TrimPrefix(username, "system:node:")
	}
	return "user:" + username
}

// ServiceAccount splits a service account's user name into namespace and
// name; ok is false for any other user.
func ServiceAccount(username string) (namespace, name string, ok bool) {
	rest, ok := strings.CutPrefix(username, "system:serviceaccount:")
	if !ok {
		return "", "", false
	}
	namespace, name, ok = strings.Cut(rest, ":")
	return namespace, name, ok && namespace != "" && name != ""
}

// Human reports whether username is a person rather than a component: not
// a service account, a node, anonymous or another system: user.
func Human(username string) bool {
	return username != "" && !strings.HasPrefix(username, "system:")
}

// Who is the principal, and the identity it acted as when it impersonated
// one: "user:alice as user:bob".
func (e *Event) Who() string {
	if e.ImpersonatedUser != nil {
		return e.Principal() + " as " + PrincipalOf(e.ImpersonatedUser.Username)
	}
	return e.Principal()
}

// Acting is the user name the request was authorized as: the impersonated
// user when there is one.
func (e *Event) Acting() string {
	if e.ImpersonatedUser != nil {
		return e.ImpersonatedUser.Username
	}
	return e.User.Username
}

// Object is the object of the request as "resource/subresource ns/name"
// (group-qualified resources keep their group: "deployments.apps"), or the
// request URI for a request about no object.
func (e *Event) Object() string {
	r := e.ObjectRef
	if r == nil {
		return e.RequestURI
	}
	var b strings.Builder
	b.WriteString(r.Resource)
	if r.APIGroup != "" {
		b.WriteString("." + r.APIGroup)
	}
	if r.Subresource != "" {
		b.WriteString("/" + r.Subresource)
	}
	if r.Namespace != "" || r.Name != "" {
		b.WriteString(" ")
		if r.Namespace != "" {
			b.WriteString(r.Namespace + "/")
		}
		b.WriteString(r.Name)
	}
	return b.String()
}

// Resource is objectRef.resource, or "" for a request about no object.
func (e *Event) Resource() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.Resource
}

// Subresource is objectRef.subresource.
func (e *Event) Subresource() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.Subresource
}

// Namespace is objectRef.namespace.
func (e *Event) Namespace() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.Namespace
}

// Name is objectRef.name.
func (e *Event) Name() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.Name
}

// Group is objectRef.apiGroup.
func (e *Event) Group() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.APIGroup
}

// SourceIP is the first source IP (the client, as the API server saw it).
func (e *Event) SourceIP() string {
	if len(e.SourceIPs) == 0 {
		return ""
	}
	return e.SourceIPs[0]
}

// InGroup reports whether the requesting user is in group.
func (e *Event) InGroup(group string) bool {
	for _, g := range e.User.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// Succeeded reports whether the response was a success (2xx); an event
// without a status (RequestReceived) did not succeed yet.
func (e *Event) Succeeded() bool { return e.HasStatus && e.Code >= 200 && e.Code < 300 }
