// Package cluster collects the objects of a live cluster for a scan, as the
// same source.Object values the manifest loader produces, so that the
// inventory, the checks and the report are the ones a manifest scan uses.
//
// Collect lists every kind the checks read, in parallel and page by page,
// and hands each object on as it arrives. Controllers are listed before pods
// so that a pod run by a controller that was listed is not scanned again:
// it is counted on its top-level owner (a Deployment, not its ReplicaSet).
// An ownerReference is only honoured when the object is that controller's
// product (fold.go); otherwise the object is scanned on its own and carries
// a source.OwnerClaim saying why, for the checks to judge.
// Secrets are listed as tables of metadata, which name their type but not
// their data, unless reading their contents is asked for.
//
// A list that is forbidden, times out, is unavailable, is answered with
// the wrong kind, pages without end or is not complete within the
// collection's time limit is never taken for "nothing there": it is
// returned as a Gap, and the scan reports it.
package cluster
