package auditlog

import (
	"errors"
	"strings"
	"testing"
	"time"

	"encoding/json"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	authnv1 "k8s.io/api/authentication/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	sigsjson "sigs.k8s.io/json"
)

// reference decodes line as Kubernetes does (sigs.k8s.io/json into an
// audit.k8s.io/v1 Event) and returns it in kubestride's form.
func reference(line []byte) (*Event, error) {
	var v auditv1.Event
	err := sigsjson.UnmarshalCaseSensitivePreserveInts(line, &v)
	e := &Event{
		APIVersion: v.APIVersion, Kind: v.Kind, Level: string(v.Level), AuditID: string(v.AuditID),
		Stage: string(v.Stage), RequestURI: v.RequestURI, Verb: v.Verb, User: userOf(&v.User),
		SourceIPs: v.SourceIPs, UserAgent: v.UserAgent,
		RequestReceived: v.RequestReceivedTimestamp.Time, StageTime: v.StageTimestamp.Time,
		Decision: v.Annotations[DecisionAnnotation], Reason: v.Annotations[ReasonAnnotation],
	}
	if v.ImpersonatedUser != nil {
		u := userOf(v.ImpersonatedUser)
		e.ImpersonatedUser = &u
	}
	if r := v.ObjectRef; r != nil {
		e.ObjectRef = &ObjectRef{Resource: r.Resource, Namespace: r.Namespace, Name: r.Name, UID: string(r.UID),
			APIGroup: r.APIGroup, APIVersion: r.APIVersion, ResourceVersion: r.ResourceVersion, Subresource: r.Subresource}
	}
	if v.ResponseStatus != nil {
		e.HasStatus, e.Code = true, v.ResponseStatus.Code
	}
	if v.RequestObject != nil {
		e.RequestObject = v.RequestObject.Raw
	}
	if v.ResponseObject != nil {
		e.ResponseObject = v.ResponseObject.Raw
	}
	return e, err
}

// comparable is e with times in UTC and bodies as strings.
func comparable(e *Event) any {
	type form struct {
		Event
		RequestObject, ResponseObject string
		RequestReceived, StageTime    string
	}
	f := form{Event: *e, RequestObject: string(e.RequestObject), ResponseObject: string(e.ResponseObject),
		RequestReceived: e.RequestReceived.UTC().String(), StageTime: e.StageTime.UTC().String()}
	f.Event.RequestObject, f.Event.ResponseObject = nil, nil
	f.Event.RequestReceived, f.Event.StageTime = time.Time{}, time.Time{}
	return f
}

func userOf(u *authnv1.UserInfo) UserInfo {
	return UserInfo{Username: u.Username, UID: u.UID, Groups: u.Groups}
}

// extracted are the fields of an audit.k8s.io/v1 Event that Decode reads,
// as encoding/json names them in a type error.
var extracted = []string{"kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb", "userAgent",
	"user.username", "user.uid", "user.groups", "impersonatedUser.username", "impersonatedUser.uid", "impersonatedUser.groups",
	"user", "impersonatedUser", "sourceIPs", "objectRef", "responseStatus", "responseStatus.code", "requestReceivedTimestamp",
	"stageTimestamp", "annotations"}

// differ compares Decode with the reference on line and returns what
// differs, or "".
func differ(line []byte) string {
	want, werr := reference(line)
	var got Event
	gerr := Decode(line, &got)
	var typeErr *json.UnmarshalTypeError
	switch {
	case werr != nil && gerr != nil:
		return ""
	case gerr != nil:
		return "Decode failed where encoding/json succeeds: " + gerr.Error()
	case werr != nil && errors.As(werr, &typeErr):
		for _, f := range extracted {
			if typeErr.Field == f || strings.HasPrefix(typeErr.Field, "objectRef.") || strings.HasPrefix(typeErr.Field, f+".") && f != "responseStatus" && f != "user" && f != "impersonatedUser" {
				return "Decode succeeded where encoding/json finds a wrong type in " + typeErr.Field
			}
		}
	case werr != nil:
		return "Decode succeeded where encoding/json fails: " + werr.Error()
	}
	if werr != nil {
		return "" // a type error in a field Decode does not read; the rest may be partial
	}
	return cmp.Diff(comparable(want), comparable(&got), cmpopts.EquateEmpty())
}

var decodeCases = []string{
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"5b1a","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/payments/secrets/db","verb":"get","user":{"username":"alice","uid":"u1","groups":["dev","system:authenticated"],"extra":{"k":["v"]}},"impersonatedUser":{"username":"bob","groups":null},"sourceIPs":["10.0.0.7","::1"],"userAgent":"kubectl/v1.37.2 (linux/amd64) kubernetes/abc","objectRef":{"resource":"secrets","namespace":"payments","name":"db","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"responseObject":{"kind":"Secret","data":{"password":"aHVudGVyMg=="}},"requestReceivedTimestamp":"2026-11-27T10:00:00.123456Z","stageTimestamp":"2026-11-27T10:00:00.130000Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \"x\""}}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"list","user":{"username":"a"},"user":{"uid":"2"}}`,
	`{"verb":"g\u0065t","v\u0065rb":"list"}`,
	`{"Verb":"get"}`,
	`{"verb":5}`,
	`{"responseStatus":{"code":2e2}}`,
	`{"responseStatus":{"code":4294967296}}`,
	`{"responseStatus":{"code":-0}}`,
	`{"responseStatus":{"message":5,"code":403}}`,
	`{"responseStatus":null}`,
	`{"objectRef":{"name":"a"},"objectRef":{"namespace":"b"}}`,
	`{"objectRef":[]}`,
	`{"sourceIPs":["a",null,"b"]}`,
	`{"sourceIPs":"a"}`,
	`{"annotations":{"authorization.k8s.io/decision":"forbid"},"annotations":null}`,
	`{"annotations":{"x":1}}`,
	`{"requestReceivedTimestamp":"2026-11-27T10:00:00Z"}`,
	`{"requestReceivedTimestamp":"2026-11-27T10:00:00.000001+01:00"}`,
	`{"stageTimestamp":null}`,
	`{"requestObject":{"a":[1,2.5e-3,true,false,null,"\u00e9"]},"responseObject":null}`,
	`{"userAgent":"a\xffb"}`,
	`{"userAgent":"tab\tin"}`,
	`{"kind":"Event"`,
	`{"kind":"Event",}`,
	`{"kind" "Event"}`,
	`not json`,
	`{}{}`,
	`null`,
	`[]`,
	`"x"`,
	`{"a":01}`,
	`{"a":1.}`,
	`{"a":"\x"}`,
	`{"a":"\ud800"}`,
	` {"verb" : "get" } `,
	``,
	`{"user":null,"impersonatedUser":null,"objectRef":null}`,
	`{"impersonatedUser":"bob"}`,
	`{"user":{"groups":[1]}}`,
	`{"user":{"extra":5}}`,
}

// TestDecodeMatchesEncodingJSON holds the hand-written decoder to the one
// Kubernetes uses, on realistic events and on the edges of JSON.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, c := range decodeCases {
		if d := differ([]byte(c)); d != "" {
			t.Errorf("%s:\n%s", c, d)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if d := differ(line); d != "" {
			t.Errorf("%q:\n%s", line, d)
		}
	})
}
