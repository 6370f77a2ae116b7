package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"github.com/kubestride/kubestride/internal/textsafe"
)

func init() { registerFormat("json", renderJSON) }

// renderJSON writes the schema-version-1 JSON report, indented, with a
// trailing newline. It writes one finding at a time rather than building the
// whole document in memory, which for a large scan would cost several times
// the report's size; the bytes are those encoding/json would write for the
// whole Report with two-space indentation, except that the characters
// textsafe escapes and encoding/json does not (DEL, C1 and bidi controls) are
// written as \u escapes, which decode to the same values.
func renderJSON(w io.Writer, r *Report, _ Options) error {
	// The findings, most of the document, are written straight: their
	// strings are escaped as they are appended. The rest is written by
	// encoding/json and passes through textsafe's JSON writer.
	bw := bufio.NewWriterSize(w, 64<<10)
	safe := textsafe.NewJSONWriter(bw)
	jw := jsonWriter{w: bw, safe: safe}
	jw.raw("{\n")
	jw.field("schemaVersion", r.SchemaVersion, false)
	jw.field("tool", r.Tool, false)
	jw.field("summary", r.Summary, false)
	jw.raw(`  "findings": `)
	src := r.Source
	if src == nil {
		src = sliceSource(r.Findings)
	}
	if src.Len() == 0 {
		jw.raw("[],\n")
	} else {
		jw.raw("[\n")
		jw.findings(src)
		jw.raw("  ],\n")
	}
	jw.field("errors", r.Errors, false)
	jw.field("notices", r.Notices, r.Coverage == nil && len(r.Readiness) == 0 && len(r.NotEvaluated) == 0)
	if r.Coverage != nil {
		jw.field("coverage", r.Coverage, len(r.Readiness) == 0 && len(r.NotEvaluated) == 0)
	}
	if len(r.Readiness) > 0 {
		jw.field("podSecurityReadiness", r.Readiness, len(r.NotEvaluated) == 0)
	}
	if len(r.NotEvaluated) > 0 {
		jw.field("notEvaluated", r.NotEvaluated, true)
	}
	jw.raw("}\n")
	if jw.err != nil {
		return jw.err
	}
	if err := safe.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

type jsonWriter struct {
	w *bufio.Writer
	// safe, when set, writes to w what encoding/json wrote; nil when w
	// itself escapes.
	safe    *textsafe.JSONWriter
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
	out := bytes.TrimSuffix(j.buf.Bytes(), []byte("\n"))
	if j.safe != nil {
		_, j.err = j.safe.Write(out)
		return
	}
	_, j.err = j.w.Write(out)
}

// findingChunk is how many findings one formatting step writes.
const findingChunk = 2048

// sliceSource is a FindingSource over findings held in report form.
type sliceSource []Finding

func (s sliceSource) Len() int                     { return len(s) }
func (s sliceSource) Fill(dst []Finding, from int) { copy(dst, s[from:]) }
func (s sliceSource) Summary() Summary             { return summarize(s) }

// chunk returns findings [from, to) of src: a view of the slice itself for
// a sliceSource, else src's findings filled into buf (reallocated when too
// small).
func chunk(src FindingSource, from, to int, buf []Finding) []Finding {
	if s, ok := src.(sliceSource); ok {
		return s[from:to]
	}
	if cap(buf) < to-from {
		buf = make([]Finding, to-from)
	}
	buf = buf[:to-from]
	src.Fill(buf, from)
	return buf
}

// findings writes the findings list. Large lists are formatted in chunks on
// two goroutines while the chunks are written in order, so formatting (the
// costly part, with turning a Source's findings into report form) overlaps
// writing; at most a few chunks are in memory at once.
func (j *jsonWriter) findings(src FindingSource) {
	if j.err != nil {
		return
	}
	n := src.Len()
	if n <= findingChunk {
		j.scratch = appendFindings(j.scratch[:0], chunk(src, 0, n, nil), n, new(jsonRepeats))
		_, j.err = j.w.Write(j.scratch)
		return
	}
	type pending struct {
		out chan []byte
	}
	chunks := make(chan pending, 2)
	free := make(chan []byte, 4)
	parts := make(chan []Finding, 4)
	go func() {
		defer close(chunks)
		for start := 0; start < n; start += findingChunk {
			end := min(start+findingChunk, n)
			c := pending{out: make(chan []byte, 1)}
			chunks <- c // blocks while two chunks wait to be written
			go func() {
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				var part []Finding
				select {
				case part = <-parts:
				default:
				}
				part = chunk(src, start, end, part)
				c.out <- appendFindings(buf[:0], part, n-start, new(jsonRepeats))
				select {
				case parts <- part:
				default:
				}
			}()
		}
	}()
	for c := range chunks {
		b := <-c.out
		if j.err == nil {
			_, j.err = j.w.Write(b)
		}
		select {
		case free <- b:
		default:
		}
	}
}

// appendFindings appends the list items for fs; remaining is the number of
// findings from fs[0] to the end of the whole list, so the last item gets no
// comma.
func appendFindings(b []byte, fs []Finding, remaining int, rep *jsonRepeats) []byte {
	for i := range fs {
		b = append(b, "    "...)
		b = appendFinding(b, &fs[i], rep)
		if i < remaining-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	return b
}

// jsonRepeats remembers, for the fields whose values run on from one
// finding to the next (findings are sorted by check, whose title and
// remediation repeat, as do its messages and the objects' kinds and
// namespaces), the JSON form of the previous value, so that a repeat is
// copied rather than escaped again.
type jsonRepeats struct {
	id, category, title, message, apiVersion, kind, namespace, field, remediation lastString
}

// lastString is the last value of one field and its JSON form.
type lastString struct {
	s   string
	enc []byte
}

// appendString appends s in JSON, copying the remembered form when s is
// the value remembered.
func (l *lastString) appendString(b []byte, s string) []byte {
	if l.enc != nil && s == l.s {
		return append(b, l.enc...)
	}
	start := len(b)
	b = appendJSONString(b, s)
	l.s, l.enc = s, append(l.enc[:0], b[start:]...)
	return b
}

// appendFinding appends one finding at the indentation of the findings list.
// It writes what encoding/json writes for a Finding (TestJSONFindingMatchesEncoder
// holds it to that) without reflection, since a large scan writes hundreds of
// thousands of them. rep carries repeated values over from the findings
// appended before with it.
func appendFinding(b []byte, f *Finding, rep *jsonRepeats) []byte {
	b = append(b, "{\n"...)
	b = appendRepeatedField(b, "      ", "id", string(f.ID), true, &rep.id)
	b = appendRepeatedField(b, "      ", "category", string(f.Category), true, &rep.category)
	b = appendField(b, "      ", "severity", f.Severity.String(), true)
	b = appendRepeatedField(b, "      ", "title", f.Title, true, &rep.title)
	b = appendRepeatedField(b, "      ", "message", f.Message, true, &rep.message)
	if f.Resource != (Resource{}) {
		b = append(b, "      \"resource\": {\n"...)
		b = appendRepeatedField(b, "        ", "apiVersion", f.Resource.APIVersion, true, &rep.apiVersion)
		b = appendRepeatedField(b, "        ", "kind", f.Resource.Kind, true, &rep.kind)
		b = appendRepeatedField(b, "        ", "namespace", f.Resource.Namespace, true, &rep.namespace)
		b = appendField(b, "        ", "name", f.Resource.Name, f.Resource.Pods != 0)
		if f.Resource.Pods != 0 {
			b = append(b, "        \"pods\": "...)
			b = strconv.AppendInt(b, int64(f.Resource.Pods), 10)
			b = append(b, '\n')
		}
		b = append(b, "      },\n"...)
	}
	b = appendSubjects(b, f)
	if l := f.Location; l != nil {
		b = append(b, "      \"location\": {\n"...)
		b = appendField(b, "        ", "file", l.File, l.Line != 0 || l.Rendered != nil)
		if l.Line != 0 {
			b = append(b, "        \"line\": "...)
			b = strconv.AppendInt(b, int64(l.Line), 10)
			if l.Rendered != nil {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		if r := l.Rendered; r != nil {
			b = append(b, "        \"rendered\": {\n"...)
			b = appendField(b, "          ", "file", r.File, r.Line != 0)
			if r.Line != 0 {
				b = append(b, "          \"line\": "...)
				b = strconv.AppendInt(b, int64(r.Line), 10)
				b = append(b, '\n')
			}
			b = append(b, "        }\n"...)
		}
		b = append(b, "      },\n"...)
	}
	b = appendRepeatedField(b, "      ", "field", f.Field, true, &rep.field)
	if len(f.Related) > 0 {
		b = append(b, "      \"related\": [\n"...)
		for i := range f.Related {
			r := &f.Related[i]
			b = append(b, "        {\n"...)
			if r.File != "" {
				b = appendField(b, "          ", "file", r.File, true)
			}
			if r.Line != 0 {
				b = append(b, "          \"line\": "...)
				b = strconv.AppendInt(b, int64(r.Line), 10)
				b = append(b, ",\n"...)
			}
			b = appendField(b, "          ", "field", r.Field, false)
			b = append(b, "        }"...)
			if i < len(f.Related)-1 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = append(b, "      ],\n"...)
	}
	b = appendRepeatedField(b, "      ", "remediation", f.Remediation, true, &rep.remediation)
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
	return b
}

// appendSubjects appends a finding's file, audit trail or image.
func appendSubjects(b []byte, f *Finding) []byte {
	if v := f.File; v != nil {
		b = append(b, "      \"file\": {\n"...)
		b = appendField(b, "        ", "path", v.Path, v.Line != 0 || v.Key != "")
		if v.Line != 0 {
			b = append(b, "        \"line\": "...)
			b = strconv.AppendInt(b, int64(v.Line), 10)
			if v.Key != "" {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		if v.Key != "" {
			b = appendField(b, "        ", "key", v.Key, false)
		}
		b = append(b, "      },\n"...)
	}
	if v := f.AuditTrail; v != nil {
		b = append(b, "      \"auditTrail\": {\n"...)
		b = appendField(b, "        ", "principal", v.Principal, true)
		if v.Events == nil {
			b = append(b, "        \"events\": null\n"...)
		} else if len(v.Events) == 0 {
			b = append(b, "        \"events\": []\n"...)
		} else {
			b = append(b, "        \"events\": [\n"...)
			for i, e := range v.Events {
				b = append(b, "          {\n"...)
				b = appendField(b, "            ", "auditID", e.AuditID, true)
				b = appendField(b, "            ", "time", e.Time, false)
				b = append(b, "          }"...)
				if i < len(v.Events)-1 {
					b = append(b, ',')
				}
				b = append(b, '\n')
			}
			b = append(b, "        ]\n"...)
		}
		b = append(b, "      },\n"...)
	}
	if v := f.Image; v != nil {
		b = append(b, "      \"image\": {\n"...)
		b = appendField(b, "        ", "reference", v.Reference, v.Digest != "")
		if v.Digest != "" {
			b = appendField(b, "        ", "digest", v.Digest, false)
		}
		b = append(b, "      },\n"...)
	}
	return b
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

// appendRepeatedField is appendField with the value's JSON form taken from
// l when it repeats.
func appendRepeatedField(b []byte, indent, name, value string, comma bool, l *lastString) []byte {
	b = append(b, indent...)
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `": `...)
	b = l.appendString(b, value)
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
// printable ASCII directly, quotes and backslashes escaped with a
// backslash, and anything else (control characters, non-ASCII bytes, which
// encoding/json validates as UTF-8) through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, s[start:i]...)
			b = append(b, '\\', c)
			start = i + 1
		case c < 0x20 || c >= 0x7f:
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s[i:]) // a string always encodes
			enc2 := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
			b = append(b, s[start:i]...)
			// Without its opening quote, and with what textsafe escapes
			// beyond encoding/json (DEL, C1 and bidi controls) escaped.
			return textsafe.AppendJSON(b, enc2[1:])
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
