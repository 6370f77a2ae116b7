// Package source loads Kubernetes objects from files, directories and standard
// input, and remembers where each one came from.
//
// Load walks its inputs and hands every object to a callback as soon as it is
// decoded, so that a caller never needs more than one document's parse tree in
// memory. Each document is parsed once with a YAML parser that keeps line
// numbers; the parse tree is converted straight to JSON and decoded strictly
// into the typed k8s.io/api struct of its kind, which reports fields that
// Kubernetes would silently drop. A compact line index survives the parse, so a
// finding can later point at the line of the offending field.
//
// Bad input never stops a load: a document that cannot be read is reported as
// an Error naming the file and line, and the rest of the input is still
// loaded. Inputs are bounded (file size, alias expansion, nesting depth) so
// that hostile YAML cannot hang or exhaust memory.
package source
