// Package scope decides whether a kind is namespaced or cluster-scoped, and
// places the namespaced objects of manifests that set no metadata.namespace
// in one implicit namespace, the way `kubectl apply -n NS` does.
//
// Built-in kinds are decided by a static table: every kind client-go's
// scheme knows is namespaced except those listed as cluster-scoped (the
// table is checked against a real API server's discovery by an end-to-end
// test). A kind the table does not know (a custom resource) is namespaced
// only when a CustomResourceDefinition in the same input says so; without
// one it is left without a namespace, and the report says how many such
// objects there were. Since a CustomResourceDefinition may come after its
// custom resources, objects of unknown kinds without a namespace are held
// (Placer.Hold) until the whole input has been read (Placer.Release), so the
// result never depends on the order of the inputs.
//
// The loaders' callers (package cli) call it once per object, after
// loading and before the inventory and the checks see the object; objects
// read from a live cluster always carry their namespace.
package scope
