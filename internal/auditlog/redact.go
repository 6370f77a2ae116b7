package auditlog

import (
	"bytes"
	"encoding/json"
	"unsafe"
)

// Redacted replaces every secret value in a body.
const Redacted = "<redacted>"

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Redact returns line with the secret values of e's bodies replaced by
// Redacted: the data and stringData of Secrets (in a request or response
// on the secrets resource, and in any body that holds a Secret or a
// SecretList), the values of a JSON patch of a Secret, and the
// kubectl.kubernetes.io/last-applied-configuration annotation of a Secret,
// which holds the whole Secret. Keys are kept. The rest of the line is kept
// byte for byte; line itself is not modified. e must have been decoded from
// line.
func Redact(e *Event, line []byte) []byte {
	secrets := e.Resource() == "secrets" && e.Group() == ""
	type span struct {
		start, end int
		body       []byte
	}
	var spans []span
	for _, body := range [][]byte{e.RequestObject, e.ResponseObject} {
		if len(body) == 0 || !secrets && !bytes.Contains(body, []byte(`Secret`)) {
			continue
		}
		start := offset(line, body)
		if start < 0 {
			continue
		}
		if red, changed := redactBody(body, secrets); changed {
			spans = append(spans, span{start, start + len(body), red})
		}
	}
	if len(spans) == 0 {
		return line
	}
	if len(spans) == 2 && spans[1].start < spans[0].start {
		spans[0], spans[1] = spans[1], spans[0]
	}
	out := make([]byte, 0, len(line))
	at := 0
	for _, s := range spans {
		out = append(out, line[at:s.start]...)
		out = append(out, s.body...)
		at = s.end
	}
	return append(out, line[at:]...)
}

// offset is where sub starts within line, or -1.
func offset(line, sub []byte) int {
	if len(line) == 0 || len(sub) == 0 {
		return -1
	}
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(sub))) - uintptr(unsafe.Pointer(unsafe.SliceData(line))))
	if off < 0 || off+len(sub) > len(line) {
		return -1
	}
	return off
}

// redactBody redacts one body; onSecrets says it is a request or response
// on the secrets resource, whose every data, stringData and patch value is
// secret whatever its shape.
func redactBody(body []byte, onSecrets bool) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []byte(`"` + Redacted + `"`), true
	}
	changed := false
	if onSecrets {
		if ops, ok := v.([]any); ok { // a JSON patch
			for _, op := range ops {
				if m, ok := op.(map[string]any); ok {
					if _, has := m["value"]; has {
						m["value"], changed = Redacted, true
					}
				}
			}
		}
		changed = redactAll(v) || changed
	} else {
		changed = redactSecrets(v)
	}
	if !changed {
		return body, false
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`"` + Redacted + `"`), true
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), true
}

// redactAll redacts data, stringData and the last-applied annotation at any
// depth.
func redactAll(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			switch k {
			case "data", "stringData":
				t[k] = redactValues(val)
				changed = true
				continue
			case lastApplied:
				t[k] = Redacted
				changed = true
				continue
			}
			changed = redactAll(val) || changed
		}
	case []any:
		for _, val := range t {
			changed = redactAll(val) || changed
		}
	}
	return changed
}

// redactSecrets redacts the Secrets and SecretLists found at any depth.
func redactSecrets(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		if k, _ := t["kind"].(string); k == "Secret" || k == "SecretList" {
			return redactAll(t)
		}
		for _, val := range t {
			changed = redactSecrets(val) || changed
		}
	case []any:
		for _, val := range t {
			changed = redactSecrets(val) || changed
		}
	}
	return changed
}

// redactValues keeps the keys of a data map and replaces its values.
func redactValues(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return nil
		}
		return Redacted
	}
	for k := range m {
		m[k] = Redacted
	}
	return m
}
