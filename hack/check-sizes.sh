#!/usr/bin/env bash
# Fails, naming them, when files tracked by git are over 1 MiB, unless they are
# test data (under a directory named testdata). Corpora, binaries and build
# output belong outside the repository: hack/gencorpus makes the benchmark
# corpora and hack/cluster-bins.sh builds the control plane. `make test` runs
# this before the tests. Outside a git checkout (a source archive, say) there
# is nothing tracked to check, and it says so and exits 0.
#
# Usage: bash hack/check-sizes.sh [MAX_BYTES]   (default 1048576)
set -euo pipefail

max="${1:-1048576}"

if ! command -v git >/dev/null 2>&1 || ! top="$(git rev-parse --show-toplevel 2>/dev/null)"; then
  echo "check-sizes: not in a git checkout; no tracked files to check" >&2
  exit 0
fi
cd "$top"

big=()
while IFS= read -r -d '' f; do
  case "/$f" in
    */testdata/*) continue ;;
  esac
  # A tracked file deleted from the working tree, or a symbolic link, has no
  # content here to measure.
  [[ -f "$f" && ! -L "$f" ]] || continue
  size=$(wc -c <"$f")
  size=${size//[[:space:]]/}
  if ((size > max)); then
    big+=("$f ($size bytes)")
  fi
done < <(git ls-files -z)

if ((${#big[@]} > 0)); then
  echo "check-sizes: tracked files over $max bytes outside testdata/ directories:" >&2
  printf '  %s\n' "${big[@]}" >&2
  echo "check-sizes: generate them instead (see hack/gencorpus), or keep them out of git" >&2
  exit 1
fi
echo "check-sizes: no tracked file over $max bytes outside testdata/"
