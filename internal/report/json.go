package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
)

func init() { registerFormat("json", renderJSON) }

// renderJSON writes the schema-version-1 JSON report, indented, with a
// trailing newline. It writes one finding at a time rather than building the
// whole document in memory, which for a large scan would cost several times
// the report's size; the bytes are those encoding/json would write for the
// whole Report with two-space indentation.
func renderJSON(w io.Writer, r *Report, _ Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	jw := jsonWriter{w: bw}
	jw.raw("{\n")
	jw.field("schemaVersion", r.SchemaVersion, false)
	jw.field("tool", r.Tool, false)
	jw.field("summary", r.Summary, false)
	jw.raw(`  "findings": `)
	if len(r.Findings) == 0 {
		jw.raw("[],\n")
	} else {
		jw.raw("[\n")
		for i := range r.Findings {
			jw.raw("    ")
			jw.finding(&r.Findings[i])
			if i < len(r.Findings)-1 {
				jw.raw(",")
			}
			jw.raw("\n")
		}
		jw.raw("  ],\n")
	}
	jw.field("errors", r.Errors, false)
	jw.field("notices", r.Notices, r.Coverage == nil && len(r.Readiness) == 0)
	if r.Coverage != nil {
		jw.field("coverage", r.Coverage, len(r.Readiness) == 0)
	}
	if len(r.Readiness) > 0 {
		jw.field("podSecurityReadiness", r.Readiness, true)
	}
	jw.raw("}\n")
	if jw.err != nil {
		return jw.err
	}
	return bw.Flush()
}

type jsonWriter struct {
	w       *bufio.Writer
	buf     bytes.Buffer
	scratch []byte
	err     error
}

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

func (j *jsonWriter) write(b []byte) {
	if j.err == nil {
		_, j.err = j.w.Write(b)
	}
}

// field writes `  "name": value` at the top level of the document.
func (j *jsonWriter) field(name string, v any, last bool) {
	j.raw(`  "` + name + `": `)
	j.value(v, "  ")
	if last {
		j.raw("\n")
	} else {
		j.raw(",\n")
	}
}

// value writes v as encoding/json would inside a document indented by two
// spaces, v itself starting at prefix.
func (j *jsonWriter) value(v any, prefix string) {
	if j.err != nil {
		return
	}
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if j.err = enc.Encode(v); j.err != nil {
		return
	}
	_, j.err = j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
}

// finding writes one finding at the indentation of the findings list. It
// writes what encoding/json writes for a Finding (TestJSONFindingMatchesEncoder
// holds it to that) without reflection, since a large scan writes hundreds of
// thousands of them.
func (j *jsonWriter) finding(f *Finding) {
	if j.err != nil {
		return
	}
	b := j.scratch[:0]
	b = append(b, "{\n"...)
	b = appendField(b, "      ", "id", string(f.ID), true)
	b = appendField(b, "      ", "category", string(f.Category), true)
	b = appendField(b, "      ", "severity", f.Severity.String(), true)
	b = appendField(b, "      ", "title", f.Title, true)
	b = appendField(b, "      ", "message", f.Message, true)
	b = append(b, "      \"resource\": {\n"...)
	b = appendField(b, "        ", "apiVersion", f.Resource.APIVersion, true)
	b = appendField(b, "        ", "kind", f.Resource.Kind, true)
	b = appendField(b, "        ", "namespace", f.Resource.Namespace, true)
	b = appendField(b, "        ", "name", f.Resource.Name, f.Resource.Pods != 0)
	if f.Resource.Pods != 0 {
		b = append(b, "        \"pods\": "...)
		b = strconv.AppendInt(b, int64(f.Resource.Pods), 10)
		b = append(b, '\n')
	}
	b = append(b, "      },\n"...)
	if l := f.Location; l != nil {
		b = append(b, "      \"location\": {\n"...)
		b = appendField(b, "        ", "file", l.File, l.Line != 0)
		if l.Line != 0 {
			b = append(b, "        \"line\": "...)
			b = strconv.AppendInt(b, int64(l.Line), 10)
			b = append(b, '\n')
		}
		b = append(b, "      },\n"...)
	}
	b = appendField(b, "      ", "field", f.Field, true)
	b = appendField(b, "      ", "remediation", f.Remediation, true)
	if p := f.PSS; p != nil {
		b = append(b, "      \"pss\": {\n"...)
		b = appendField(b, "        ", "level", p.Level, true)
		b = appendField(b, "        ", "version", p.Version, true)
		b = appendField(b, "        ", "check", p.Check, false)
		b = append(b, "      },\n"...)
	}
	if sp := f.Suppressed; sp == nil {
		b = append(b, "      \"suppressed\": null\n"...)
	} else {
		b = append(b, "      \"suppressed\": {\n"...)
		b = appendField(b, "        ", "kind", sp.Kind, true)
		b = appendField(b, "        ", "reason", sp.Reason, sp.Expires != "")
		if sp.Expires != "" {
			b = appendField(b, "        ", "expires", sp.Expires, false)
		}
		b = append(b, "      }\n"...)
	}
	b = append(b, "    }"...)
	_, j.err = j.w.Write(b)
	j.scratch = b // keep the grown buffer for the next finding
}

// appendField appends `indent"name": "value"` with a comma when more fields
// follow, and a newline.
func appendField(b []byte, indent, name, value string, comma bool) []byte {
	b = append(b, indent...)
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `": `...)
	b = appendJSONString(b, value)
	if comma {
		b = append(b, ',')
	}
	return append(b, '\n')
}

// jsonStringFrom replaces b[start:] with its JSON string form, as
// appendJSONString writes it.
func jsonStringFrom(b []byte, start int) []byte {
	for _, c := range b[start:] {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return appendJSONString(b[:start], string(b[start:]))
		}
	}
	b = append(b, 0, 0)
	copy(b[start+1:], b[start:len(b)-2])
	b[start] = '"'
	b[len(b)-1] = '"'
	return b
}

// appendJSONString appends s as encoding/json does with HTML escaping off:
// plain printable ASCII directly, anything else through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
