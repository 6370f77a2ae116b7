// Package fieldpath builds and parses the field paths that findings point at,
// such as spec.template.spec.containers[0].securityContext.privileged.
//
// A path is a dot-separated list of keys with [N] list indexes. A key that is
// not a plain identifier (an annotation or ConfigMap key such as
// "app.properties") is written in brackets and quoted: data["app.properties"].
package fieldpath
