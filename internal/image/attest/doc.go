// Package attest signs the in-toto statement of an image gate decision and
// attaches it to the image, and verifies such an attestation later,
// offline: the only network it touches is the registry.
//
// The statement (package policy, Decision.Statement) is signed as a DSSE
// envelope of payload type application/vnd.in-toto+json with a private key
// (cosign's encrypted cosign.key, its password from COSIGN_PASSWORD as
// cosign reads it, or a plain PEM ECDSA, ed25519 or RSA key), and attached
// in cosign's attestation layout: the tag sha256-<hex>.att beside the
// image, an OCI image whose layers are DSSE envelopes
// (application/vnd.dsse.envelope.v1+json) annotated with their predicate
// type and an empty dev.cosignproject.cosign/signature. That is what
// `cosign attest --tlog-upload=false` writes, so `cosign verify-attestation
// --key cosign.pub --type <predicate type> --insecure-ignore-tlog=true`
// accepts it. A new decision replaces the earlier ones of kubestride's
// predicate type on the digest; attestations of other types are kept.
//
// Verify checks an attestation on a digest: the envelope's signature under
// one of the given public keys, the statement's subject naming that digest,
// and its predicate type being kubestride's gate decision.
package attest
