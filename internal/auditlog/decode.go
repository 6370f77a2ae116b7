package auditlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Decode reads one JSON line into e, which it resets first. It reads what
// sigs.k8s.io/json (encoding/json with case-sensitive keys, as Kubernetes
// decodes) reads into an audit.k8s.io/v1 Event, for the fields of Event: the
// same values, and an error for the same syntax errors and for a value of
// the wrong type in one of those fields. A value of the wrong type in a
// field Event does not hold (responseStatus.message, user.extra) is not an
// error here. The line must be a whole JSON value; it is not checked to be
// an event of APIVersion (see Check).
func Decode(line []byte, e *Event) error {
	*e = Event{}
	d := decoder{b: line}
	d.ws()
	if d.literal("null") {
		// encoding/json decodes null into a struct as nothing at all.
	} else if err := d.event(e); err != nil {
		return err
	}
	d.ws()
	if d.i < len(d.b) {
		return d.errorf("invalid character %q after the event", d.b[d.i])
	}
	return nil
}

// Check reports an event that is not an audit.k8s.io/v1 Event.
func (e *Event) Check() error {
	if e.APIVersion != APIVersion || e.Kind != "Event" {
		if e.APIVersion == "" && e.Kind == "" {
			return errors.New("not an audit event: no apiVersion and kind")
		}
		return fmt.Errorf("not an %s Event: apiVersion %q, kind %q", APIVersion, e.APIVersion, e.Kind)
	}
	return nil
}

type decoder struct {
	b []byte
	i int
}

// SyntaxError is a line that is not JSON, or not whole.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("column %d: %s", e.Offset+1, e.Msg) }

// TypeError is a field holding a value of the wrong type.
type TypeError struct {
	Field string
	Msg   string
}

func (e *TypeError) Error() string { return fmt.Sprintf("field %s: %s", e.Field, e.Msg) }

func (d *decoder) errorf(format string, args ...any) error {
	if d.i >= len(d.b) {
		return &SyntaxError{Offset: d.i, Msg: "unexpected end of JSON (a line cut short?)"}
	}
	return &SyntaxError{Offset: d.i, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// literal consumes word when it is next.
func (d *decoder) literal(word string) bool {
	if len(d.b)-d.i >= len(word) && string(d.b[d.i:d.i+len(word)]) == word {
		d.i += len(word)
		return true
	}
	return false
}

// object calls field for each key of the object that starts at d.i; field
// must consume the value.
func (d *decoder) object(field func(key []byte) error) error {
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return d.errorf("expected an object")
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		d.ws()
		key, err := d.key()
		if err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return d.errorf("expected ':' after an object key")
		}
		d.i++
		d.ws()
		if err := field(key); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return d.errorf("")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.errorf("invalid character %q after an object value", d.b[d.i])
		}
	}
}

// key reads an object key, unescaped.
func (d *decoder) key() ([]byte, error) {
	start := d.i
	raw, err := d.stringToken()
	if err != nil {
		return nil, err
	}
	if simpleString(raw) {
		return raw[1 : len(raw)-1], nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.i = start
		return nil, d.errorf("invalid object key: %v", err)
	}
	return []byte(s), nil
}

// simpleString reports whether the string token raw means its bytes
// between the quotes: no escapes, valid UTF-8.
func simpleString(raw []byte) bool {
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' || c >= utf8.RuneSelf {
			return c != '\\' && utf8.Valid(raw[1:len(raw)-1])
		}
	}
	return true
}

// stringToken consumes a JSON string and returns it with its quotes.
func (d *decoder) stringToken() ([]byte, error) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, d.errorf("expected a string")
	}
	start := d.i
	d.i++
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return d.b[start:d.i], nil
		case c == '\\':
			d.i++
			if d.i >= len(d.b) {
				return nil, d.errorf("")
			}
			switch d.b[d.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i++
			case 'u':
				d.i++
				for k := 0; k < 4; k++ {
					if d.i >= len(d.b) {
						return nil, d.errorf("")
					}
					if !isHex(d.b[d.i]) {
						return nil, d.errorf("invalid character %q in a \\u escape", d.b[d.i])
					}
					d.i++
				}
			default:
				return nil, d.errorf("invalid escape \\%c in a string", d.b[d.i])
			}
		case c < 0x20:
			return nil, d.errorf("control character %#x in a string", c)
		default:
			d.i++
		}
	}
	return nil, d.errorf("")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// str reads a string value into *s; null leaves it as it is.
func (d *decoder) str(field string, s *string) error {
	if d.literal("null") {
		return nil
	}
	if d.i >= len(d.b) {
		return d.errorf("")
	}
	if d.b[d.i] != '"' {
		return d.typeError(field, "string")
	}
	raw, err := d.stringToken()
	if err != nil {
		return err
	}
	if simpleString(raw) {
		*s = string(raw[1 : len(raw)-1])
		return nil
	}
	return json.Unmarshal(raw, s)
}

// typeError checks the value at d.i is valid JSON, then reports it is not
// of the type field needs.
func (d *decoder) typeError(field, want string) error {
	start := d.i
	if err := d.skip(); err != nil {
		return err
	}
	return &TypeError{Field: field, Msg: fmt.Sprintf("cannot read %.40s as %s", d.b[start:d.i], want)}
}

// strings reads an array of strings; null makes it nil.
func (d *decoder) strings(field string, out *[]string) error {
	if d.literal("null") {
		*out = nil
		return nil
	}
	if d.i >= len(d.b) {
		return d.errorf("")
	}
	if d.b[d.i] != '[' {
		return d.typeError(field, "an array of strings")
	}
	d.i++
	list := []string{}
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		*out = list
		return nil
	}
	for {
		d.ws()
		var s string
		if err := d.str(field, &s); err != nil {
			return err
		}
		list = append(list, s)
		d.ws()
		if d.i >= len(d.b) {
			return d.errorf("")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			*out = list
			return nil
		default:
			return d.errorf("invalid character %q after an array element", d.b[d.i])
		}
	}
}

// structure reads an object into a struct field; null leaves it as it is.
func (d *decoder) structure(field string, fn func(key []byte) error) error {
	if d.literal("null") {
		return nil
	}
	if d.i < len(d.b) && d.b[d.i] != '{' {
		return d.typeError(field, "an object")
	}
	return d.object(fn)
}

func (d *decoder) event(e *Event) error {
	if d.i < len(d.b) && d.b[d.i] != '{' {
		return d.typeError("(event)", "an object")
	}
	return d.object(func(key []byte) error {
		switch string(key) {
		case "kind":
			return d.str("kind", &e.Kind)
		case "apiVersion":
			return d.str("apiVersion", &e.APIVersion)
		case "level":
			return d.str("level", &e.Level)
		case "auditID":
			return d.str("auditID", &e.AuditID)
		case "stage":
			return d.str("stage", &e.Stage)
		case "requestURI":
			return d.str("requestURI", &e.RequestURI)
		case "verb":
			return d.str("verb", &e.Verb)
		case "userAgent":
			return d.str("userAgent", &e.UserAgent)
		case "user":
			return d.structure("user", d.user("user", &e.User))
		case "impersonatedUser":
			if d.literal("null") {
				e.ImpersonatedUser = nil
				return nil
			}
			if e.ImpersonatedUser == nil {
				if d.i < len(d.b) && d.b[d.i] != '{' {
					return d.typeError("impersonatedUser", "an object")
				}
				e.ImpersonatedUser = &UserInfo{}
			}
			return d.structure("impersonatedUser", d.user("impersonatedUser", e.ImpersonatedUser))
		case "sourceIPs":
			return d.strings("sourceIPs", &e.SourceIPs)
		case "objectRef":
			if d.literal("null") {
				e.ObjectRef = nil
				return nil
			}
			if e.ObjectRef == nil {
				if d.i < len(d.b) && d.b[d.i] != '{' {
					return d.typeError("objectRef", "an object")
				}
				e.ObjectRef = &ObjectRef{}
			}
			return d.structure("objectRef", d.objectRef(e.ObjectRef))
		case "responseStatus":
			if d.literal("null") {
				e.HasStatus, e.Code = false, 0
				return nil
			}
			if d.i < len(d.b) && d.b[d.i] != '{' {
				return d.typeError("responseStatus", "an object")
			}
			e.HasStatus = true
			return d.object(func(key []byte) error {
				if string(key) == "code" {
					return d.int32("responseStatus.code", &e.Code)
				}
				return d.skip()
			})
		case "requestObject":
			return d.raw(&e.RequestObject)
		case "responseObject":
			return d.raw(&e.ResponseObject)
		case "requestReceivedTimestamp":
			return d.time("requestReceivedTimestamp", &e.RequestReceived)
		case "stageTimestamp":
			return d.time("stageTimestamp", &e.StageTime)
		case "annotations":
			if d.literal("null") {
				e.Decision, e.Reason = "", ""
				return nil
			}
			if d.i < len(d.b) && d.b[d.i] != '{' {
				return d.typeError("annotations", "an object")
			}
			return d.object(func(key []byte) error {
				switch string(key) {
				case DecisionAnnotation:
					return d.str("annotations", &e.Decision)
				case ReasonAnnotation:
					return d.str("annotations", &e.Reason)
				}
				var ignored string
				return d.str("annotations", &ignored)
			})
		}
		return d.skip()
	})
}

func (d *decoder) user(field string, u *UserInfo) func(key []byte) error {
	return func(key []byte) error {
		switch string(key) {
		case "username":
			return d.str(field+".username", &u.Username)
		case "uid":
			return d.str(field+".uid", &u.UID)
		case "groups":
			return d.strings(field+".groups", &u.Groups)
		}
		return d.skip()
	}
}

func (d *decoder) objectRef(r *ObjectRef) func(key []byte) error {
	return func(key []byte) error {
		switch string(key) {
		case "resource":
			return d.str("objectRef.resource", &r.Resource)
		case "namespace":
			return d.str("objectRef.namespace", &r.Namespace)
		case "name":
			return d.str("objectRef.name", &r.Name)
		case "uid":
			return d.str("objectRef.uid", &r.UID)
		case "apiGroup":
			return d.str("objectRef.apiGroup", &r.APIGroup)
		case "apiVersion":
			return d.str("objectRef.apiVersion", &r.APIVersion)
		case "resourceVersion":
			return d.str("objectRef.resourceVersion", &r.ResourceVersion)
		case "subresource":
			return d.str("objectRef.subresource", &r.Subresource)
		}
		return d.skip()
	}
}

// raw keeps the bytes of a value; null makes it nil.
func (d *decoder) raw(out *[]byte) error {
	if d.literal("null") {
		*out = nil
		return nil
	}
	start := d.i
	if err := d.skip(); err != nil {
		return err
	}
	*out = d.b[start:d.i:d.i]
	return nil
}

func (d *decoder) int32(field string, out *int32) error {
	if d.literal("null") {
		return nil
	}
	if d.i < len(d.b) && (d.b[d.i] == '-' || d.b[d.i] >= '0' && d.b[d.i] <= '9') {
		start := d.i
		if err := d.number(); err != nil {
			return err
		}
		v, err := strconv.ParseInt(string(d.b[start:d.i]), 10, 32)
		if err != nil {
			return &TypeError{Field: field, Msg: fmt.Sprintf("cannot read %s as a 32-bit integer", d.b[start:d.i])}
		}
		*out = int32(v)
		return nil
	}
	return d.typeError(field, "a number")
}

// time reads a MicroTime as metav1.MicroTime does.
func (d *decoder) time(field string, out *time.Time) error {
	if d.literal("null") {
		*out = time.Time{}
		return nil
	}
	var s string
	if d.i < len(d.b) && d.b[d.i] != '"' {
		return d.typeError(field, "a time")
	}
	if err := d.str(field, &s); err != nil {
		return err
	}
	t, err := time.Parse(metav1.RFC3339Micro, s)
	if err != nil {
		return &TypeError{Field: field, Msg: err.Error()}
	}
	*out = t
	return nil
}

// skip consumes one JSON value of any type, checking its syntax.
func (d *decoder) skip() error {
	return d.skipDepth(0)
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

func (d *decoder) skipDepth(depth int) error {
	if depth > maxDepth {
		return d.errorf("exceeded max depth")
	}
	if d.i >= len(d.b) {
		return d.errorf("")
	}
	switch c := d.b[d.i]; {
	case c == '"':
		_, err := d.stringToken()
		return err
	case c == '{':
		return d.object(func([]byte) error { return d.skipDepth(depth + 1) })
	case c == '[':
		d.i++
		d.ws()
		if d.i < len(d.b) && d.b[d.i] == ']' {
			d.i++
			return nil
		}
		for {
			d.ws()
			if err := d.skipDepth(depth + 1); err != nil {
				return err
			}
			d.ws()
			if d.i >= len(d.b) {
				return d.errorf("")
			}
			switch d.b[d.i] {
			case ',':
				d.i++
			case ']':
				d.i++
				return nil
			default:
				return d.errorf("invalid character %q after an array element", d.b[d.i])
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case d.literal("true"), d.literal("false"), d.literal("null"):
		return nil
	}
	return d.errorf("invalid character %q looking for a value", d.b[d.i])
}

// number consumes a JSON number.
func (d *decoder) number() error {
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i >= len(d.b):
		return d.errorf("")
	case d.b[d.i] == '0':
		d.i++
	case d.b[d.i] >= '1' && d.b[d.i] <= '9':
		d.digits()
	default:
		return d.errorf("invalid character %q in a number", d.b[d.i])
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if d.i >= len(d.b) || d.b[d.i] < '0' || d.b[d.i] > '9' {
			return d.errorf("invalid number: no digits after the decimal point")
		}
		d.digits()
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if d.i >= len(d.b) || d.b[d.i] < '0' || d.b[d.i] > '9' {
			return d.errorf("invalid number: no digits in the exponent")
		}
		d.digits()
	}
	return nil
}

func (d *decoder) digits() {
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
}
