#!/usr/bin/env bash
# Builds sigstore's cosign CLI for kubestride's signature tests from the Go
# module proxy, at the version pinned by the wrapper module in hack/cosign/
# (its go.mod and go.sum are committed). The binary is cached outside the
# clone in a folder named after the version; a later run that finds a binary
# reporting that version builds nothing. The folder is printed as the last
# line; the tests take the binary from KUBESTRIDE_COSIGN=<folder>/cosign.
set -euo pipefail

COSIGN_VERSION=v2.6.5
here="$(cd "$(dirname "$0")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kubestride/cosign-${COSIGN_VERSION}"
mkdir -p "$cache"

pinned="$(cd "$here/cosign" && go list -m -f '{{.Version}}' github.com/sigstore/cosign/v2)"
if [[ "$pinned" != "$COSIGN_VERSION" ]]; then
  echo "cosign.sh: hack/cosign/go.mod pins cosign $pinned, this script builds $COSIGN_VERSION" >&2
  exit 1
fi

have_cosign() {
  [[ -x "$cache/cosign" ]] || return 1
  "$cache/cosign" version 2>/dev/null | grep -Eq "^GitVersion:[[:space:]]+${COSIGN_VERSION}\$"
}

if ! have_cosign; then
  echo "building cosign ${COSIGN_VERSION} into $cache (about 8 minutes on 2 cores the first time)" >&2
  start=$SECONDS
  pkg=sigs.k8s.io/release-utils/version
  ldflags="-X ${pkg}.gitVersion=${COSIGN_VERSION} -X ${pkg}.gitTreeState=clean"
  (cd "$here/cosign" && CGO_ENABLED=0 go build -buildvcs=false -mod=readonly -trimpath -ldflags "$ldflags" -o "$cache/cosign.partial" .)
  mv -f "$cache/cosign.partial" "$cache/cosign"
  echo "built cosign ${COSIGN_VERSION} in $((SECONDS - start))s" >&2
fi

have_cosign || { echo "cosign.sh: $cache/cosign does not report ${COSIGN_VERSION}" >&2; exit 1; }
echo "$cache"
