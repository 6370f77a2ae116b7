// Package inventory is the indexed model of a scan: every object loaded,
// typed views of the kinds checks care about, workloads (anything that holds
// a pod spec) with their containers, and the relations between objects in a
// namespace.
//
// An Inventory is filled once, object by object, and is read-only while
// checks run. Objects without a namespace are kept under the empty namespace
// name, which is where they would land with the caller's default namespace;
// a Namespace object is related to the objects that name it.
package inventory
