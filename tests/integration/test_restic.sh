#!/usr/bin/env bash
# restic (Debian) against cairn's S3 API: init, two backups of a changing tree, check --read-data,
# restore compared byte for byte, forget --prune, and a second check after the prune.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK RESTIC_PASSWORD=correct-horse RESTIC_CACHE_DIR=$T/rcache
REPO=s3:$URL/restic-repo
sstatus -X PUT "$URL/restic-repo" > /dev/null
mkdir -p "$T/src/docs" "$T/src/bin"
for i in $(seq 40); do head -c $((RANDOM * 8)) /dev/urandom > "$T/src/docs/f$i"; done
head -c 20000000 /dev/urandom > "$T/src/bin/big"
check "restic init" restic -r "$REPO" init
check "restic backup (first)" restic -r "$REPO" backup "$T/src"
head -c 3000000 /dev/urandom > "$T/src/docs/new"
rm "$T/src/docs/f1"
check "restic backup (second, after a change)" restic -r "$REPO" backup "$T/src"
expect "two snapshots" "$(restic -r "$REPO" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2
check "restic check --read-data" restic -r "$REPO" check --read-data
check "restic restore latest" restic -r "$REPO" restore latest --target "$T/restore"
check "  ... the restored tree is the source" diff -r "$T/src" "$T/restore$T/src"
check "restic forget --keep-last 1 --prune" restic -r "$REPO" forget --keep-last 1 --prune
expect "  ... one snapshot left" "$(restic -r "$REPO" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1
check "  ... and the repository still checks out (--read-data)" restic -r "$REPO" check --read-data
