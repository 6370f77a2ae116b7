#!/usr/bin/env bash
# Builds Aqua Security's Trivy CLI from the Go module proxy, at the version
# pinned by the wrapper module in hack/trivy/ (its go.mod and go.sum are
# committed; Trivy's own cmd/trivy package is built as the module's tool, so
# the binary is Trivy's main package unchanged). Built as Trivy's release
# builds are: CGO off, GOEXPERIMENT=jsonv2 (Trivy's packages need it) and the
# version stamped into pkg/version/app. The binary is cached outside the clone
# in a folder named after the version; a later run that finds a binary
# reporting that version builds nothing. The folder is printed as the last
# line. Not part of the Makefile or CI: hack/trivy-report.sh uses it to make
# the Trivy reports checked in under internal/image/vuln/testdata/.
set -euo pipefail

TRIVY_VERSION=v0.74.0
here="$(cd "$(dirname "$0")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kubestride/trivy-${TRIVY_VERSION}"
mkdir -p "$cache"

pinned="$(cd "$here/trivy" && go list -m -f '{{.Version}}' github.com/aquasecurity/trivy)"
if [[ "$pinned" != "$TRIVY_VERSION" ]]; then
  echo "trivy.sh: hack/trivy/go.mod pins trivy $pinned, this script builds $TRIVY_VERSION" >&2
  exit 1
fi

have_trivy() {
  [[ -x "$cache/trivy" ]] || return 1
  "$cache/trivy" --version 2>/dev/null | grep -Eq "^Version:[[:space:]]+${TRIVY_VERSION#v}\$"
}

if ! have_trivy; then
  echo "building trivy ${TRIVY_VERSION} into $cache (many minutes on 2 cores the first time)" >&2
  start=$SECONDS
  ldflags="-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_VERSION#v}"
  (cd "$here/trivy" && CGO_ENABLED=0 GOEXPERIMENT=jsonv2 go build -buildvcs=false -mod=readonly -trimpath \
    -ldflags "$ldflags" -o "$cache/trivy.partial" github.com/aquasecurity/trivy/cmd/trivy)
  mv -f "$cache/trivy.partial" "$cache/trivy"
  echo "built trivy ${TRIVY_VERSION} in $((SECONDS - start))s" >&2
fi

have_trivy || { echo "trivy.sh: $cache/trivy does not report ${TRIVY_VERSION}" >&2; exit 1; }
echo "$cache"
