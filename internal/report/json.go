package report

import (
	"encoding/json"
	"io"
)

func init() { registerFormat("json", renderJSON) }

// renderJSON writes the schema-version-1 JSON report, indented, with a
// trailing newline.
func renderJSON(w io.Writer, r *Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
