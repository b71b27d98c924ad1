#!/usr/bin/env bash
# Installs the Debian packages that cairn's build, tests and benchmarks need.
# Idempotent: when every package is already installed it does nothing (no apt-get update).
set -euo pipefail
PKGS=(
  build-essential pkg-config clang libclang-rt-14-dev
  libssl-dev libsqlite3-dev libpq-dev postgresql-15 libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libinih-dev libexpat1-dev zlib1g-dev
  libarchive-dev libfuse3-dev fuse3 libcmark-gfm-dev libcmark-gfm-extensions-dev media-types libacl1-dev acl attr xfsprogs ceph-mon ceph-osd ceph-common ceph-mds ceph-fuse radosgw
  curl openssl python3-botocore python3-boto3 python3-requests awscli rclone s3cmd nginx-light bc iproute2 cadaver zstd zip s3fs prometheus chromium restic casync litmus
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}" >&2
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
