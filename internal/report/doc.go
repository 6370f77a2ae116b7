// Package report is the result of a scan — findings joined with their
// check's metadata, the input that could not be read, and a summary — and
// the renderers that write it as table, json, sarif, junit, markdown, html
// or policyreport (wgpolicyk8s.io/v1alpha2 PolicyReports, as YAML).
//
// A Report is built once by package scan, sorted once (severity descending,
// then check ID, namespace, name, field, file, line) and never changes after;
// renderers only read it, so every format lists the same findings in the same
// order. The JSON form is the schema-version-1 contract in DESIGN.md: fields
// are only ever added within a schema version.
//
// Each format is one file that registers its renderer in init. Renderers
// print values of the report only (never a raw object, a file's contents or
// anything from the environment), escape them for their format (control and
// bidi characters shown as escapes by package textsafe in every format, then
// Markdown and HTML markup, XML; JSON and SARIF write them as \u escapes,
// which decode to the same values), keep suppressed
// findings apart from live ones, and produce the same bytes for the same
// report. The table, Markdown and HTML show one view of the report
// (reportView in view.go): the same sections in the same order, each
// formatting them its own way. They write the document as they go, one finding at a time, so that
// rendering a large report takes little memory beyond the report itself
// (BenchmarkRender and TestRenderAllocationPerFinding watch that).
// testdata/*.golden holds the output of each; run go test ./internal/report
// -update after an intended change.
package report
