// Package imagetest is the image pipeline's test harness: a real OCI
// registry (go-containerregistry's, with the referrers API) served in
// process on loopback, and images built with go-containerregistry to push
// to it. The registry speaks plain HTTP on 127.0.0.1, which
// go-containerregistry and cosign reach without TLS as they do any
// loopback registry.
package imagetest
