#!/usr/bin/env bash
# Builds kube-apiserver, etcd and kubectl for kubestride's end-to-end tests from the Go
# module proxy, at the versions pinned by the wrapper modules in
# hack/cluster-bins/ (their go.mod and go.sum are committed). The binaries are
# cached outside the clone in a folder named after the versions; a later run
# that finds binaries reporting those versions builds nothing. The folder is
# printed as the last line, for KUBEBUILDER_ASSETS / KUBESTRIDE_CLUSTER_BINS.
set -euo pipefail

K8S_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
here="$(cd "$(dirname "$0")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kubestride/k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}"
mkdir -p "$cache"

have_apiserver() { [[ -x "$cache/kube-apiserver" ]] && [[ "$("$cache/kube-apiserver" --version 2>/dev/null)" == "Kubernetes ${K8S_VERSION}" ]]; }
have_kubectl() { [[ -x "$cache/kubectl" ]] && "$cache/kubectl" version --client 2>/dev/null | grep -qx "Client Version: ${K8S_VERSION}"; }
have_etcd() {
  [[ -x "$cache/etcd" ]] || return 1
  local out
  out="$("$cache/etcd" --version 2>/dev/null)" || return 1
  [[ "$out" == "etcd Version: ${ETCD_VERSION#v}"* ]]
}

if ! have_etcd; then
  echo "building etcd ${ETCD_VERSION} into $cache" >&2
  (cd "$here/cluster-bins/etcd" && go build -buildvcs=false -mod=readonly -o "$cache/etcd.partial" .)
  mv -f "$cache/etcd.partial" "$cache/etcd"
fi

if ! have_apiserver; then
  echo "building kube-apiserver ${K8S_VERSION} into $cache (about 15 CPU-minutes the first time)" >&2
  minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  pkg=k8s.io/component-base/version
  ldflags="-X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor} -X ${pkg}.gitTreeState=clean"
  (cd "$here/cluster-bins/kube-apiserver" && go build -buildvcs=false -mod=readonly -ldflags "$ldflags" -o "$cache/kube-apiserver.partial" .)
  mv -f "$cache/kube-apiserver.partial" "$cache/kube-apiserver"
fi

if ! have_kubectl; then
  echo "building kubectl ${K8S_VERSION} into $cache" >&2
  minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor} -X ${pkg}.gitTreeState=clean"
  done
  (cd "$here/cluster-bins/kubectl" && go build -buildvcs=false -mod=readonly -ldflags "$ldflags" -o "$cache/kubectl.partial" .)
  mv -f "$cache/kubectl.partial" "$cache/kubectl"
fi

have_etcd || { echo "cluster-bins: $cache/etcd does not report etcd ${ETCD_VERSION}" >&2; exit 1; }
have_apiserver || { echo "cluster-bins: $cache/kube-apiserver does not report ${K8S_VERSION}" >&2; exit 1; }
have_kubectl || { echo "cluster-bins: $cache/kubectl does not report ${K8S_VERSION}" >&2; exit 1; }
echo "$cache"
