#!/usr/bin/env bash
# Datasets: push / pull round trips (directory and archives), deduplicated v2, resumed push,
# unsafe trees refused, tags (version tags never move, history), pull --follow, a corrupt block.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
export CAIRN_CACHE_DIR=$T/cache
status() { scurl "$URL/v1/status" | grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }
field() { grep -o "$1" | head -1 | grep -o '[0-9.]*' | head -1; }   # first number after a label

# a tree: 1,000 small files, empty files and directories, a 200 MiB file, unicode names, modes, symlinks
src=$T/src
mkdir -p "$src/many" "$src/empty dir" "$src/deep/er/est" "$src/ünïcödé"
for i in $(seq 1000); do echo "file $i $RANDOM" > "$src/many/f$i.txt"; done
: > "$src/empty"
head -c $((200 << 20)) /dev/urandom > "$src/big.bin"
echo "grüße" > "$src/ünïcödé/naïve café.txt"
printf '#!/bin/sh\necho hi\n' > "$src/deep/er/est/run.sh"; chmod 750 "$src/deep/er/est/run.sh"
chmod 600 "$src/many/f7.txt"; chmod 700 "$src/deep"
ln -s ../many/f1.txt "$src/deep/link"; ln -s deep/er "$src/dirlink"
total=$(du -sb --apparent-size "$src" | cut -f1)

"$CAIRN" push -q data:v1,latest "$src" > "$T/push1.out" 2> "$T/push1.err"
expect "push of a 1,000-file tree with a 200 MiB file" "$?" 0
check "  ... prints a summary" grep -q '1004 files, 209[0-9]* bytes' "$T/push1.out"
"$CAIRN" pull -q data:v1 "$T/out1" 2> "$T/pull1.err"
expect "pull rebuilds it" "$?" 0
check "  ... same contents, names and symlinks (diff -r --no-dereference)" diff -r --no-dereference "$src" "$T/out1"
expect "  ... modes kept" "$(stat -c %a "$T/out1/deep/er/est/run.sh") $(stat -c %a "$T/out1/many/f7.txt") $(stat -c %a "$T/out1/deep")" "750 600 700"
expect "  ... mtimes kept" "$(stat -c %Y "$T/out1/big.bin")" "$(stat -c %Y "$src/big.bin")"
expect "  ... symlinks stay symlinks" "$(readlink "$T/out1/deep/link")" ../many/f1.txt
check "  ... empty directories kept" test -d "$T/out1/empty dir"
check "  ... no temp files left" sh -c "! find '$T/out1' -name '.*cairn-*' | grep -q ."

# version 2: one small file changed uploads under 2 % of the bytes
echo changed >> "$src/many/f500.txt"
before=$(status put_bytes)
"$CAIRN" push -q data:v2,latest "$src" > "$T/push2.out"
expect "push of v2 (one file changed)" "$?" 0
sent=$(grep -o '[0-9]* bytes uploaded' "$T/push2.out" | cut -d' ' -f1)
check "  ... uploads under 2 % of the bytes (summary: $sent of $total)" test "$sent" -lt $((total / 50))
srv=$(( $(status put_bytes) - before ))
check "  ... and the server stored under 2 % ($srv bytes)" test "$srv" -lt $((total / 50))
"$CAIRN" pull data:v2 "$T/out2" > "$T/pull2.out"
got=$(grep -o '[0-9]* downloaded' "$T/pull2.out" | cut -d' ' -f1)
check "pull of v2 into a new DIR after v1 downloads only changed blocks ($got bytes; the rest from the cache)" test "$got" -lt $((total / 50))
"$CAIRN" pull -q data:latest "$T/out1"
check "pull of v2 over v1 updates the changed file" cmp "$src/many/f500.txt" "$T/out1/many/f500.txt"
check "  ... and nothing else differs" diff -r --no-dereference "$src" "$T/out1"

# a push killed midway, re-run: uploads only the rest
mkdir -p "$T/src3"; head -c $((200 << 20)) /dev/urandom > "$T/src3/blob"
stored0=$(status put_bytes)
"$CAIRN" push -q -j 1 big:v1 "$T/src3" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 400); do [ "$(( $(status put_bytes) - stored0 ))" -gt $((20 << 20)) ] && break; sleep 0.05; done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
# a block already on the wire may still be committed after the kill: wait until the count settles
prev=-1
for _ in $(seq 100); do now=$(status put_bytes); [ "$now" = "$prev" ] && break; prev=$now; sleep 0.2; done
part=$(( $(status put_bytes) - stored0 ))
check "the killed push had stored part of the data ($part bytes)" test "$part" -gt 0 -a "$part" -lt $((200 << 20))
"$CAIRN" push -q big:v1 "$T/src3" > "$T/push3.out"
expect "the re-run push succeeds" "$?" 0
sent=$(grep -o '[0-9]* bytes uploaded' "$T/push3.out" | cut -d' ' -f1)
expect "  ... and uploads only the rest" "$((sent + part))" $((200 << 20))

# tags
"$CAIRN" push -q data:v1 "$T/src3" > /dev/null 2> "$T/tag.err"
expect "pushing different content to a version tag: refused" "$?" 1
check "  ... with a clear message" grep -q 'never moves' "$T/tag.err"
hist=$(scurl "$URL/v1/datasets/data/tags/latest/history" | grep -o '"version"' | wc -l)
expect "the floating tag's history has both moves" "$hist" 2

# names and tags are checked before any upload; NAME alone means NAME:latest
before=$(status puts)
"$CAIRN" push -q Bad_Name:v1 "$T/src3" > /dev/null 2> "$T/name.err"
expect "a bad dataset name is refused" "$?" 1
check "  ... with a one-line message" grep -q 'dataset names are' "$T/name.err"
"$CAIRN" push -q ok:bad/tag "$T/src3" > /dev/null 2>&1
expect "a bad tag is refused" "$?" 1
expect "  ... and nothing was uploaded" "$(status puts)" "$before"
mkdir -p "$T/plain"; echo p > "$T/plain/p"
"$CAIRN" push -q plain "$T/plain" > /dev/null
expect "push NAME without a tag tags it latest" "$("$CAIRN" cat plain:latest p)" p

# archives: tar.gz, tar.zst, zip
mkdir -p "$T/arc/d"; echo a > "$T/arc/a.txt"; head -c 3000000 /dev/urandom > "$T/arc/d/b.bin"; ln -s a.txt "$T/arc/l"
(cd "$T/arc" && tar -czf "$T/a.tgz" . && tar --zstd -cf "$T/a.tar.zst" . && zip -qry "$T/a.zip" .)
for f in a.tgz a.tar.zst a.zip; do
  "$CAIRN" push -q "arc:$f" "$T/$f" > /dev/null 2> "$T/arc.err"
  expect "push of $f" "$?" 0
  "$CAIRN" pull -q "arc:$f" "$T/arcout-$f" && diff -r --no-dereference "$T/arc" "$T/arcout-$f" > /dev/null
  expect "  ... pulls back the same tree" "$?" 0
done

# unsafe trees are refused at push
$PY - "$T" <<'PYEOF'
import io, sys, tarfile
for name, member in (("dotdot.tar", "../x"), ("abs.tar", "/tmp/abs-x")):
    with tarfile.open(f"{sys.argv[1]}/{name}", "w") as t:
        ti = tarfile.TarInfo(member); ti.size = 2
        t.addfile(ti, io.BytesIO(b"x\n"))
with tarfile.open(f"{sys.argv[1]}/escape.tar", "w") as t:
    ti = tarfile.TarInfo("l"); ti.type = tarfile.SYMTYPE; ti.linkname = "../../etc/passwd"
    t.addfile(ti)
PYEOF
for f in dotdot.tar abs.tar escape.tar; do
  "$CAIRN" push -q "bad:v1" "$T/$f" > /dev/null 2> "$T/bad.err"
  expect "a tar with an unsafe entry ($f) is refused" "$?" 1
  check "  ... with a one-line message" grep -q 'refusing' "$T/bad.err"
done
mkfifo "$T/arc/fifo"
"$CAIRN" push -q bad:v1 "$T/arc" > /dev/null 2> "$T/bad.err"
expect "a directory with a FIFO is refused" "$?" 1
rm -f "$T/arc/fifo"
check "nothing outside the tree was written" test ! -e "$T/x" -a ! -e /tmp/abs-x

# pull --follow switches to a version pushed while it runs
mkdir -p "$T/fsrc"; echo one > "$T/fsrc/state"
"$CAIRN" push -q live:latest "$T/fsrc" > /dev/null
"$CAIRN" pull -q --follow live:latest "$T/live" > "$T/follow.out" 2>&1 &
fpid=$!
for _ in $(seq 100); do [ "$(cat "$T/live/state" 2>/dev/null)" = one ] && break; sleep 0.1; done
expect "pull --follow: the first version" "$(cat "$T/live/state" 2>/dev/null)" one
echo two > "$T/fsrc/state"
"$CAIRN" push -q live:latest "$T/fsrc" > /dev/null
for _ in $(seq 150); do [ "$(cat "$T/live/state" 2>/dev/null)" = two ] && break; sleep 0.1; done
expect "  ... switches to the version pushed while it runs" "$(cat "$T/live/state" 2>/dev/null)" two
check "  ... DIR is a symlink swapped atomically" test -L "$T/live"
kill $fpid 2>/dev/null; wait $fpid 2>/dev/null

# a corrupt block: the pull fails with a clear error and writes no bad file
start_server --verify-reads never --data-dir=$T/data2 || exit 1
mkdir -p "$T/csrc"; head -c 2000000 /dev/urandom > "$T/csrc/payload"
"$CAIRN" push -q bad:v1 "$T/csrc" > /dev/null
id=$(find "$DATA/blocks" -type f | head -1); corrupt "$id" 1000
CAIRN_CACHE_MAX=0 "$CAIRN" pull -q bad:v1 "$T/cout" > /dev/null 2> "$T/corrupt.err"
expect "pull of a corrupted block fails" "$?" 1
check "  ... with a clear error" grep -q 'corrupt' "$T/corrupt.err"
check "  ... and writes no bad file" sh -c "! ls -A '$T/cout' | grep -q ."
