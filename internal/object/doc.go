// Package object is kubestride's model of what it scans, neutral to where
// it came from: a Kubernetes object with its origin (a file and line,
// standard input, a live cluster), the index from its field paths to the
// lines they are set at, the fields Kubernetes would drop, a controller
// claim a collector could not confirm, and the error for input that could
// not be read. The loaders (packages source and cluster) make objects; the
// inventory, the checks and the report read them, and none of those imports
// a loader.
package object
