#!/usr/bin/env bash
# Makes the Trivy reports checked in as internal/image/vuln/testdata/real-trivy*
# with the real Trivy CLI, offline:
#   1. builds Trivy (hack/trivy.sh, Go module proxy, cached);
#   2. writes a tiny vulnerability database and a Debian 12 image with
#      hack/trivy-db (trivy-db's own code, go-containerregistry);
#   3. scans the image as a docker tarball (--input) and, served by an
#      in-process registry on loopback, by digest, with --offline-scan and
#      --skip-db-update, in a network namespace with only loopback when
#      `unshare -n` is allowed (as root), so nothing can reach the network;
#   4. writes JSON, SARIF and CycloneDX reports into OUT (default: the
#      testdata folder) and prints the image's digests and Trivy's version.
# Usage: hack/trivy-report.sh [OUT]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [[ "${1:-}" == "--scan" ]]; then
  # Phase 3, run inside the network namespace when there is one.
  shift
  work="$1" out="$2"
  if [[ "${KUBESTRIDE_TRIVY_NETNS:-}" == 1 ]]; then
    ip link set lo up
  fi
  cd "$work"
  common=(--offline-scan --skip-db-update --skip-java-db-update --skip-check-update --skip-version-check
    --disable-telemetry --no-progress --scanners vuln --cache-dir "$work/cache")
  for f in json sarif cyclonedx; do
    ext=$f
    [[ $f == cyclonedx ]] && ext=cdx.json
    [[ $f == json ]] && ext=json
    echo "+ trivy image --input image.tar --format $f ${common[*]/$work/WORK} -o real-trivy.$ext" >&2
    ./trivy image --input image.tar --format "$f" "${common[@]}" -o "$out/real-trivy.$ext"
  done
  # The same image by digest from a registry on loopback: Trivy then names
  # the manifest digest (RepoDigests) as well as the image ID.
  ./trivy-db -serve 127.0.0.1:5055 > registry.out &
  srv=$!
  trap 'kill "$srv" 2>/dev/null || true' EXIT
  for _ in $(seq 50); do [[ -s registry.out ]] && break; sleep 0.2; done
  ref="$(head -1 registry.out)"
  [[ -n "$ref" ]] || { echo "trivy-report.sh: the registry did not start" >&2; exit 1; }
  echo "+ trivy image --image-src remote --insecure --format json ${common[*]/$work/WORK} -o real-trivy-registry.json $ref" >&2
  ./trivy image --image-src remote --insecure --format json "${common[@]}" -o "$out/real-trivy-registry.json" "$ref"
  exit 0
fi

out="$(cd "${1:-$root/internal/image/vuln/testdata}" && pwd)"
trivy_dir="$("$here/trivy.sh" | tail -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$trivy_dir/trivy" "$work/trivy"
(cd "$here/trivy-db" && go build -mod=readonly -trimpath -o "$work/trivy-db" .)
"$work/trivy-db" -db "$work/cache/db" -image "$work/image.tar" 2>/dev/null | tee "$work/image.out"

if unshare -n true 2>/dev/null; then
  echo "scanning in a network namespace with only loopback" >&2
  KUBESTRIDE_TRIVY_NETNS=1 unshare -n bash "$0" --scan "$work" "$out"
else
  echo "unshare -n is not allowed here: scanning with the network present (Trivy is still told --offline-scan --skip-db-update)" >&2
  bash "$0" --scan "$work" "$out"
fi
"$work/trivy" --version | head -1
echo "reports written to $out: real-trivy.json real-trivy.sarif real-trivy.cdx.json real-trivy-registry.json"
