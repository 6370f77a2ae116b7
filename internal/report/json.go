package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
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
			jw.value(&r.Findings[i], "    ")
			if i < len(r.Findings)-1 {
				jw.raw(",")
			}
			jw.raw("\n")
		}
		jw.raw("  ],\n")
	}
	jw.field("errors", r.Errors, false)
	jw.field("notices", r.Notices, true)
	jw.raw("}\n")
	if jw.err != nil {
		return jw.err
	}
	return bw.Flush()
}

type jsonWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	err error
}

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
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
