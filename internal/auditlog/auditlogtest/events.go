// Package auditlogtest makes audit.k8s.io/v1 events for tests, as the API
// server's log backend writes them.
package auditlogtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Base is the time of the first event of a test log.
var Base = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// E is one event. Zero fields take defaults: stage ResponseComplete, code
// 200 (none for RequestReceived), source 10.0.0.1, user agent kubectl, time
// Base plus At, an audit ID from the request.
type E struct {
	ID       string
	User     string
	Groups   []string
	As       string
	Verb     string
	Resource string
	Sub      string
	Group    string
	NS, Name string
	URI      string
	Code     int
	Stage    string
	At       time.Duration
	IP, UA   string
	// Req and Resp are raw JSON bodies.
	Req, Resp string
	Decision  string
	Reason    string
}

// Line is the event as one JSON line (without the newline).
func (e E) Line() string {
	stage := e.Stage
	if stage == "" {
		stage = "ResponseComplete"
	}
	at := Base.Add(e.At)
	m := map[string]any{
		"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
		"stage": stage, "verb": e.Verb,
		"requestReceivedTimestamp": at.Format("2006-01-02T15:04:05.000000Z07:00"),
		"stageTimestamp":           at.Add(3 * time.Millisecond).Format("2006-01-02T15:04:05.000000Z07:00"),
	}
	user := map[string]any{"username": e.User}
	groups := e.Groups
	if groups == nil && e.User != "system:anonymous" && e.User != "" {
		groups = []string{"system:authenticated"}
	}
	if groups != nil {
		user["groups"] = groups
	}
	m["user"] = user
	if e.As != "" {
		m["impersonatedUser"] = map[string]any{"username": e.As, "groups": []string{"system:authenticated"}}
	}
	ip := e.IP
	if ip == "" {
		ip = "10.0.0.1"
	}
	m["sourceIPs"] = []string{ip}
	ua := e.UA
	if ua == "" {
		ua = "kubectl/v1.37.2 (linux/amd64) kubernetes/7d3a4b1"
	}
	m["userAgent"] = ua
	uri := e.URI
	if e.Resource != "" {
		ref := map[string]any{"resource": e.Resource, "apiVersion": "v1"}
		for k, v := range map[string]string{"namespace": e.NS, "name": e.Name, "subresource": e.Sub, "apiGroup": e.Group} {
			if v != "" {
				ref[k] = v
			}
		}
		m["objectRef"] = ref
		if uri == "" {
			uri = "/api/v1/"
			if e.Group != "" {
				uri = "/apis/" + e.Group + "/v1/"
			}
			if e.NS != "" {
				uri += "namespaces/" + e.NS + "/"
			}
			uri += e.Resource
			if e.Name != "" {
				uri += "/" + e.Name
			}
			if e.Sub != "" {
				uri += "/" + e.Sub
			}
		}
	}
	m["requestURI"] = uri
	id := e.ID
	if id == "" {
		id = fmt.Sprintf("%s-%s-%s-%d", e.Verb, strings.ReplaceAll(e.User, ":", "."), e.Name, e.At.Milliseconds())
	}
	m["auditID"] = id
	if stage != "RequestReceived" {
		code := e.Code
		if code == 0 {
			code = 200
		}
		m["responseStatus"] = map[string]any{"metadata": map[string]any{}, "code": code}
	}
	if e.Req != "" {
		m["requestObject"] = json.RawMessage(e.Req)
	}
	if e.Resp != "" {
		m["responseObject"] = json.RawMessage(e.Resp)
	}
	ann := map[string]string{}
	if e.Decision != "" {
		ann["authorization.k8s.io/decision"] = e.Decision
	}
	if e.Reason != "" {
		ann["authorization.k8s.io/reason"] = e.Reason
	}
	if len(ann) > 0 {
		m["annotations"] = ann
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Log is the events as a log file's content.
func Log(events ...E) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(e.Line())
		b.WriteByte('\n')
	}
	return b.String()
}
