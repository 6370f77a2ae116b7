// Package cluster collects the objects of a live cluster for a scan, as the
// same source.Object values the manifest loader produces, so that the
// inventory, the checks and the report are the ones a manifest scan uses.
//
// Collect lists every kind the checks read, in parallel and page by page,
// and hands each object on as it arrives. Controllers are listed before pods
// so that a pod run by a controller that was listed is not scanned again:
// it is counted on its top-level owner (a Deployment, not its ReplicaSet).
// Secrets are listed as tables of metadata, which name their type but not
// their data, unless reading their contents is asked for.
//
// A list that is forbidden, times out or is unavailable is never taken for
// "nothing there": it is returned as a Gap, and the scan reports it.
package cluster
