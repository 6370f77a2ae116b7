// Package fix applies the remedies of the findings that have one safe,
// mechanical remedy, by editing the manifests' text.
//
// The remedies, by check: pss-capabilities-restricted adds "ALL" to
// capabilities.drop; pss-seccomp-restricted sets the pod's
// seccompProfile.type to RuntimeDefault; pss-allow-privilege-escalation sets
// allowPrivilegeEscalation=false; pss-run-as-non-root sets the pod's
// runAsNonRoot=true; root-filesystem-writable sets
// readOnlyRootFilesystem=true (and, when asked, mounts an emptyDir volume at
// /tmp); service-account-token-automount sets
// automountServiceAccountToken=false where the service account holds no
// RBAC binding. Containers of every kind are visited (init and ephemeral
// too), in every workload with a built-in pod spec.
//
// With Options.PinDigests, which reaches the registries, image-not-pinned
// and image-latest-tag are remedied too: every image written by tag (or by
// none, which means latest) is rewritten to name:tag@sha256:<digest>, the
// digest its registry reports for the tag, in the scalar's own quoting.
// Each distinct image is resolved once. An image that does not resolve is
// left as written and listed in Result.Unresolved with the reason, naming
// the image and its registry; the caller reports it as an error.
//
// Only a field that is not set is set: a value written otherwise in the
// manifest (allowPrivilegeEscalation: true, runAsUser: 0, a privileged
// container, an added capability) is the author's choice, left as it is
// and reported with the reason. So is a field reached through a YAML alias,
// an anchor or a merge key, which other places share.
//
// The findings come from a scan of all the files together, so a
// ServiceAccount's bindings and a suppression count as they do in
// kubestride scan; suppressed findings are not fixed.
//
// The text is edited, never re-encoded: yaml.v3's parse tree gives where
// each mapping and list is, and the new keys are written after the last
// entry of their block (or before the closing bracket of a flow
// collection) in the document's own indentation and line endings. Comments,
// key order, quoting and everything else stay byte for byte. A file is
// changed only when its new text decodes, through the reader kubestride
// scan uses, to the same objects but for the fields set, and a new scan
// shows no finding that was not there before; otherwise it is left
// untouched with an error. Helm templates, JSON and text that does not
// parse are refused the same way.
package fix
