#!/usr/bin/env bash
# A full disk recovers by itself (trust issue, finding 9), on a small tmpfs data directory: writes
# get 507 InsufficientStorage below reserve_space while /readyz says why; with the disk then
# filled to 0 bytes from outside, deletes and gc still work (the metadata ballast is given
# back); once gc and the trash have freed space, writes succeed again and /readyz is 200; every
# acknowledged object still reads back.
. "$(dirname "$0")/lib.sh"
SMALL=$T/small
mkdir -p "$SMALL"
if ! mount -t tmpfs -o size=48m tmpfs "$SMALL" 2>/dev/null; then
  echo "ok - SKIP disk-full test: cannot mount a tmpfs here (needs root)"; exit 0
fi
trap 'stop_server; umount "$SMALL" 2>/dev/null; rm -rf "$T"' EXIT
avail() { df --output=avail -B1 "$SMALL" | tail -1 | tr -d ' '; }
start_server --data-dir="$SMALL/data" --reserve-space 8MiB --meta-reserve 4MiB --gc-grace 0s \
  --trash-lifetime 0s --trash-interval 500ms --inline-max 0 || exit 1
check "the ballast file is there" test -f "$SMALL/data/space.ballast"
sstatus -X PUT "$URL/fill" > /dev/null
mkdir -p "$T/objs"
code=200; n=0
while [ "$code" = 200 ] && [ $n -lt 80 ]; do
  head -c $((1 << 20)) /dev/urandom > "$T/objs/$n"
  code=$(HASH=$(sha "$T/objs/$n") scurl -o "$T/err" -w '%{http_code}' -T "$T/objs/$n" "$URL/fill/o$n")
  [ "$code" = 200 ] || rm -f "$T/objs/$n"
  n=$((n + 1))
done
stored=$(ls "$T/objs" | wc -l)
expect "PutObject below reserve_space: 507" "$code" 507
check "  ... InsufficientStorage" grep -q '<Code>InsufficientStorage</Code>' "$T/err"
check "  ... after some objects were stored" test "$stored" -gt 10
expect "block PUT below reserve_space: 507" "$(put_file "$T/objs/0")" 507
code=$(curl -s -o "$T/ready" -w '%{http_code}' "$URL/readyz")
expect "/readyz while writes are refused: 503" "$code" 503
check "  ... says why" grep -q reserve_space "$T/ready"
expect "/healthz stays 200" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" 200
# someone else takes every free byte at once (one fallocate: it cannot also eat the ballast that
# cairn gives back when it sees the disk full)
# (cairn's scheduled tasks write metadata meanwhile, so a try that asked for a byte too many is retried)
fill() { rm -f "$SMALL/filler"; fallocate -l "$(avail)" "$SMALL/filler"; }
check "the disk is filled to its last byte" wait_for 10 fill
check "  ... nothing is left but what cairn gives back (at most its 4 MiB ballast)" test "$(avail)" -le $((4 << 20))
ok=1
for i in $(seq 0 $((stored / 2))); do
  [ "$(sstatus -X DELETE "$URL/fill/o$i")" = 204 ] || ok=0
  rm -f "$T/objs/$i"
done
expect "DeleteObject at 0 bytes free: 204 every time" "$ok" 1
check "  ... the ballast was given back" test ! -f "$SMALL/data/space.ballast"
"$CAIRN" gc > "$T/gc"
expect "gc at 0 bytes free: its task succeeds" "$?" 0
check "  ... it trashed the deleted objects' blocks" sh -c "grep -q '\"trashed\":[1-9]' '$T/gc'"
roomy() { [ "$(avail)" -gt $((10 << 20)) ]; }
wait_for 10 roomy   # the janitor empties the trash (trash_lifetime 0) every 500 ms
check "trash emptying freed the space" roomy
wait_for 10 status_is 200 "$URL/readyz"
expect "/readyz follows: 200" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" 200
head -c 100000 /dev/urandom > "$T/new"
expect "a new PutObject succeeds after deleting" "$(HASH=$(sha "$T/new") scurl -o /dev/null -w '%{http_code}' -T "$T/new" "$URL/fill/new")" 200
ok=1
for f in "$T"/objs/*; do
  i=$(basename "$f")
  scurl -o "$T/back" "$URL/fill/o$i"
  cmp -s "$T/back" "$f" || ok=0
done
expect "every acknowledged object that was not deleted reads back" "$ok" 1
check "the ballast is back once there is room" test -f "$SMALL/data/space.ballast"
