// Package sign verifies cosign signatures of container images offline: the
// only network it touches is the registry that holds the image.
//
// An image reference is resolved to a digest first (Resolve, a tag costs one
// HEAD request), and every verdict is about that digest. Two layouts are read:
//
//   - the classic one: the tag sha256-<hex>.sig beside the image, an image
//     whose layers are simple-signing payloads
//     (critical.image.docker-manifest-digest names the signed digest), each
//     with its signature in the dev.cosignproject.cosign/signature annotation
//     and, when signed keyless, its certificate in dev.sigstore.cosign/certificate;
//   - sigstore bundles (v0.3) attached as OCI referrers of the digest, as
//     `cosign sign --new-bundle-format` writes them: a DSSE envelope over an
//     in-toto statement of predicate type https://sigstore.dev/cosign/sign/v1
//     whose subject is the digest.
//
// Signatures are checked with sigstore-go against public keys (ECDSA, RSA or
// ed25519 PEM, as cosign.pub, in the schemes cosign signs with: see
// verifiers) or, keyless, against the certificate
// authorities of a trusted root file (sigstore's trusted_root.json, for
// those who run their own Fulcio) and a certificate identity (issuer and
// subject, exact or regular expressions). No transparency log is consulted
// or required, which is what an air-gapped signer (`cosign sign
// --tlog-upload=false`) produces. A keyless certificate is checked at the
// current time, so it must still be valid: short-lived Fulcio certificates
// need a transparency log or timestamp authority, which this package does not
// read.
//
// The Result says which signatures verified and under which key or identity,
// and for each one that did not, the reason: no signature, a signature for
// another digest, a bad signature (payload or signature altered), an unknown
// key, an identity mismatch. With a public key and the classic layout,
// an altered payload or signature cannot be told apart from a signature made
// with another key (the layout does not name its key), and both are reported
// as an unknown key; bundles name their key, and a keyless signature carries
// its certificate, so there an alteration is reported as a bad signature.
package sign
