#!/usr/bin/env bash
# Makes a headless Chromium available for the HTML report's browser test and
# prints its path as the last line (for KUBESTRIDE_CHROMIUM). Quick when one is
# already installed: a chromium on PATH, or the one KUBESTRIDE_CHROMIUM names,
# is used as is. Otherwise Debian's `chromium` package is installed with apt
# (as root, or through sudo when that works without a password). When none can
# be installed it says why on stderr, prints an empty last line and exits 0, so
# that `make test` still runs: the test itself then fails under CI=true and
# skips elsewhere.
set -uo pipefail

find_chromium() {
  if [[ -n "${KUBESTRIDE_CHROMIUM:-}" && -x "${KUBESTRIDE_CHROMIUM}" ]]; then
    echo "$KUBESTRIDE_CHROMIUM"
    return 0
  fi
  local name
  for name in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
  return 1
}

if path="$(find_chromium)"; then
  echo "$path"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium.sh: no chromium on PATH and no apt-get to install it; set KUBESTRIDE_CHROMIUM" >&2
  echo ""
  exit 0
fi

sudo=()
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "chromium.sh: no chromium on PATH and not root; install Debian's chromium package or set KUBESTRIDE_CHROMIUM" >&2
    echo ""
    exit 0
  fi
fi

echo "chromium.sh: installing Debian's chromium package" >&2
if ! { "${sudo[@]}" apt-get update -qq >&2 &&
       DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >&2; }; then
  echo "chromium.sh: apt-get could not install chromium" >&2
  echo ""
  exit 0
fi

if path="$(find_chromium)"; then
  echo "$path"
else
  echo "chromium.sh: chromium was installed but is not on PATH" >&2
  echo ""
fi
