// Package report is the result of a scan — findings joined with their
// check's metadata, the input that could not be read, and a summary — and
// the renderers that write it as table, json, sarif, junit, markdown or html.
//
// A Report is built once by package scan, sorted once (severity descending,
// then check ID, namespace, name, field, file, line) and never changes after;
// renderers only read it, so every format lists the same findings in the same
// order. The JSON form is the schema-version-1 contract in DESIGN.md: fields
// are only ever added within a schema version.
package report
