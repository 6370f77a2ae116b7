// Package source loads Kubernetes objects from files, directories and standard
// input, and remembers where each one came from.
//
// Load walks its inputs and hands every object to a callback as soon as it is
// decoded, so that a caller never needs more than a few documents' parse
// trees in memory.
//
// A document means what it means to kubectl. Most take a fast path that reads
// the common part of YAML straight into JSON and a line index, held equal to
// kubectl's reader by differential and fuzz tests; the rest are converted to
// JSON by sigs.k8s.io/yaml, the reader kubectl and Helm use (YAML 1.1 scalars,
// merge keys in order, tags, !!binary), while yaml.v3's parse tree gives the
// lines of fields and the keys set twice. A file that starts with '{' is a JSON
// stream, read as written. The JSON is decoded strictly into the typed
// k8s.io/api struct of its kind, which reports fields that Kubernetes would
// silently drop.
//
// Bad input never stops a load: a document that cannot be read is reported as
// an Error naming the file and line, and the rest of the input is still
// loaded. Hostile input is bounded: alias and merge-key expansion is measured
// before it happens and charged, in document order, to one budget per input;
// nesting depth is capped; a file keeps its first errors and counts the rest
// (budget.go). HostileInputs and AdversarialManifests (hostile.go) are the
// inputs the tests, the end-to-end tests and hack/hostile use.
package source
