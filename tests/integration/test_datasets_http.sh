#!/usr/bin/env bash
# Datasets over HTTP and as files: /fs (Range, ETag, caching, JSON and HTML listings with
# README.md), presigned and public access, read-only WebDAV (rclone, cadaver), the FUSE mount,
# and the CLI's ls / cat / tag / rm / diff; gc keeps tagged versions and collects untagged ones.
. "$(dirname "$0")/lib.sh"
start_server --gc-grace 2s --gc-interval 0 || exit 1
export CAIRN_CACHE_DIR=$T/cache
src=$T/src
mkdir -p "$src/docs/sub" "$src/bin"
head -c 5000000 /dev/urandom > "$src/data.bin"
printf '# Demo dataset\n\nSome *text*.\n\n<script>alert(1)</script>\n' > "$src/README.md"
echo "nested" > "$src/docs/sub/n.txt"; echo "ü" > "$src/docs/ünï.txt"
ln -s ../data.bin "$src/bin/data-link"
"$CAIRN" push -q demo:v1,latest "$src" > /dev/null || { echo "not ok - push for the HTTP tests"; exit 0; }

# /fs
expect "/fs GET of a file" "$(scurl "$URL/fs/demo/v1/data.bin" | sha256sum | cut -c1-64)" "$(sha "$src/data.bin")"
scurl -D "$T/h" -o "$T/part" -r 1000-1999 "$URL/fs/demo/v1/data.bin"
expect "/fs Range: 206" "$(head -1 "$T/h" | awk '{print $2}')" 206
check "  ... the right bytes" cmp "$T/part" <(tail -c +1001 "$src/data.bin" | head -c 1000)
check "  ... Content-Range" grep -qi '^content-range: bytes 1000-1999/5000000' "$T/h"
check "a version tag is immutable (Cache-Control)" grep -qi '^cache-control: .*immutable' "$T/h"
etag=$(grep -i '^etag:' "$T/h" | tr -d '\r' | cut -d' ' -f2)
expect "If-None-Match with the ETag: 304" "$(sstatus -H "If-None-Match: $etag" "$URL/fs/demo/v1/data.bin")" 304
scurl -D "$T/h2" -o /dev/null "$URL/fs/demo/latest/data.bin"
check "a floating tag gets a short max-age" grep -qi '^cache-control: .*max-age=60' "$T/h2"
expect "  ... and the same ETag (same content)" "$(grep -i '^etag:' "$T/h2" | tr -d '\r' | cut -d' ' -f2)" "$etag"
expect "unsatisfiable range: 416" "$(sstatus -r 9000000-9000001 "$URL/fs/demo/v1/data.bin")" 416
expect "a symlink is served as its target" "$(scurl "$URL/fs/demo/v1/bin/data-link" | sha256sum | cut -c1-64)" "$(sha "$src/data.bin")"
expect "a missing path: 404" "$(sstatus "$URL/fs/demo/v1/nope")" 404
expect "a missing tag: 404" "$(sstatus "$URL/fs/demo/v9/data.bin")" 404
scurl -H 'Accept: application/json' "$URL/fs/demo/v1/docs" > "$T/ls.json"
check "a directory as JSON" grep -q '"name":"sub","type":"dir"' "$T/ls.json"
check "  ... with unicode names" grep -q 'ünï.txt\|\\u00fcn\\u00ef.txt' "$T/ls.json"
scurl "$URL/fs/demo/v1/" > "$T/ls.html"
check "a directory as HTML lists its entries" grep -q 'href="data.bin"' "$T/ls.html"
check "  ... and renders README.md" grep -q '<h1>Demo dataset</h1>' "$T/ls.html"
check "  ... without its raw HTML" sh -c "! grep -q '<script>' '$T/ls.html'"
expect "a directory without the trailing slash redirects" "$(sstatus "$URL/fs/demo/v1/docs")" 301
expect "a write to /fs: 405" "$(sstatus -X PUT -d x "$URL/fs/demo/v1/x")" 405

# private by default; presigned; public
expect "anonymous GET of a private dataset: 403" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/fs/demo/v1/data.bin")" 403
purl=$("$CAIRN" presign --expires 5m /fs/demo/v1/docs/sub/n.txt)
expect "a presigned /fs URL works without keys" "$(curl -s "$purl")" nested
"$CAIRN" dataset public demo on
expect "a public dataset: anonymous GET" "$(curl -s "$URL/fs/demo/v1/docs/sub/n.txt")" nested
expect "  ... anonymous writes are still refused" "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -d '{"version":"x"}' "$URL/v1/datasets/demo/tags/evil")" 403

# WebDAV
code=$(curl -s -o "$T/pf.xml" -w '%{http_code}' -X PROPFIND -H 'Depth: 1' "$URL/dav/demo/v1/docs/")
expect "PROPFIND Depth 1: 207" "$code" 207
check "  ... lists the children with their properties" grep -q '<D:href>/dav/demo/v1/docs/sub/</D:href>' "$T/pf.xml"
check "  ... getcontentlength of a file" grep -q '<D:getcontentlength>3</D:getcontentlength>' "$T/pf.xml"
expect "PROPFIND Depth 0 answers only the resource" "$(curl -s -X PROPFIND -H 'Depth: 0' "$URL/dav/demo/v1/docs/" | grep -c '<D:response>')" 1
expect "OPTIONS announces DAV" "$(curl -s -D - -o /dev/null -X OPTIONS "$URL/dav/demo/v1/" | grep -ci '^dav: 1')" 1
for m in PUT DELETE MKCOL MOVE PROPPATCH; do
  expect "WebDAV $m: 403" "$(curl -s -o /dev/null -w '%{http_code}' -X $m "$URL/dav/demo/v1/README.md")" 403
done
env -u AWS_CA_BUNDLE rclone copy --webdav-url "$URL/dav/demo/v1/" --webdav-vendor other :webdav: "$T/rc" 2> "$T/rc.err"
expect "rclone (webdav remote) copies the tree" "$?" 0
check "  ... identical files" diff -r "$src/docs" "$T/rc/docs"
check "  ... the 5 MB file too" cmp "$src/data.bin" "$T/rc/data.bin"
printf 'cd docs/sub\nget n.txt %s/cad.txt\nquit\n' "$T" | cadaver "$URL/dav/demo/v1/" > "$T/cad.out" 2>&1
expect "cadaver lists and downloads" "$(cat "$T/cad.txt" 2>/dev/null)" nested

# pagination
"$CAIRN" push -q other:v1 "$T/src/docs" > /dev/null
p1=$(scurl "$URL/v1/datasets?page_size=1")
check "dataset listing pages: page_size=1 gives a next_page_token" sh -c "echo '$p1' | grep -q '\"next_page_token\":\"demo\"'"
expect "  ... and the next page starts after it" "$(scurl "$URL/v1/datasets?page_size=1&page_token=demo" | grep -o '"name":"[a-z]*"')" '"name":"other"'

# CLI: ls, cat, tag, history, rm, diff
check "cairn ls lists the dataset" sh -c "'$CAIRN' ls | grep -q '^demo'"
check "cairn ls NAME lists tags with sizes" sh -c "'$CAIRN' ls demo | grep -q '^v1 .* 5000[0-9]* bytes'"
check "cairn ls NAME:TAG PATH lists files" sh -c "'$CAIRN' ls demo:v1 docs | grep -q 'docs/sub/n.txt'"
expect "cairn cat" "$("$CAIRN" cat demo:v1 docs/sub/n.txt)" nested
expect "cairn cat follows a symlink (../data.bin) inside the tree" "$("$CAIRN" cat demo:v1 bin/data-link | sha256sum | cut -c1-64)" "$(sha "$src/data.bin")"
echo changed > "$src/docs/sub/n.txt"; rm "$src/docs/ünï.txt"; echo new > "$src/new.txt"
"$CAIRN" push -q demo:v2,latest "$src" > /dev/null
"$CAIRN" diff demo:v1 demo:v2 > "$T/diff.out"
check "cairn diff: added" grep -q '^+ new.txt' "$T/diff.out"
check "  ... removed" grep -q '^- docs/ünï.txt' "$T/diff.out"
check "  ... changed" grep -q '^M docs/sub/n.txt' "$T/diff.out"
check "  ... and the bytes they share" grep -q 'share 50[0-9]* bytes' "$T/diff.out"
"$CAIRN" tag demo:v1 demo:stable > /dev/null
expect "cairn tag points a new tag" "$("$CAIRN" cat demo:stable docs/sub/n.txt)" nested
"$CAIRN" tag demo:v2 demo:stable > /dev/null
expect "cairn tag history shows both moves" "$("$CAIRN" tag history demo:stable | wc -l)" 2
"$CAIRN" tag demo:v2 demo:v1 > /dev/null 2> "$T/tag.err"
expect "moving a version tag is refused" "$?" 1
"$CAIRN" rm demo:stable
expect "cairn rm removes a tag" "$(sstatus "$URL/v1/datasets/demo/tags/stable")" 404

# gc: a version no tag points to is collected after the grace; tagged versions keep their blocks
mkdir -p "$T/tmpds"; head -c 3000000 /dev/urandom > "$T/tmpds/only-here"
sv=$("$CAIRN" push -q scratch:v1 "$T/tmpds" | grep -o '@[0-9a-f]*' | tr -d @)
"$CAIRN" rm scratch:v1
nb=$(find "$DATA/blocks" -type f | wc -l)
gc_dropped() { "$CAIRN" gc > /dev/null; [ "$(sstatus "$URL/v1/datasets/scratch/versions/$sv")" = 404 ]; }
wait_for 60 gc_dropped   # once the version is older than gc_grace
expect "gc dropped the untagged version" "$(sstatus "$URL/v1/datasets/scratch/versions/$sv")" 404
check "  ... and collected its blocks ($nb before, $(find "$DATA/blocks" -type f | wc -l) after)" test "$(find "$DATA/blocks" -type f | wc -l)" -lt "$nb"
CAIRN_CACHE_MAX=0 "$CAIRN" pull -q demo:v1 "$T/after-gc"
expect "  ... the pull after gc is complete" "$(sha "$T/after-gc/data.bin")" "$(sha "$src/data.bin")"
check "  ... the trash holds the collected blocks" test "$(find "$DATA/trash" -type f | wc -l)" -ge 1

# FUSE
if [ ! -c /dev/fuse ] || ! command -v fusermount3 > /dev/null; then
  echo "ok - FUSE mount # SKIP no /dev/fuse or fusermount3 on this machine"
else
  mkdir -p "$T/mnt"
  if ! "$CAIRN" mount demo:v2 "$T/mnt" 2> "$T/mount.err"; then
    echo "ok - FUSE mount # SKIP mounting is not permitted here: $(head -1 "$T/mount.err")"
  else
    check "FUSE: ls -lR works" ls -lR "$T/mnt"
    expect "FUSE: sha256sum of the big file" "$(sha "$T/mnt/data.bin")" "$(sha "$src/data.bin")"
    expect "FUSE: cat of a small file" "$(cat "$T/mnt/docs/sub/n.txt")" changed
    expect "FUSE: symlinks stay symlinks" "$(readlink "$T/mnt/bin/data-link")" ../data.bin
    check "FUSE: the tree matches the pushed one" diff -r "$src" "$T/mnt"
    check "FUSE: writes are refused" sh -c "! touch '$T/mnt/x' 2>/dev/null"
    fusermount3 -u "$T/mnt"
    expect "fusermount3 -u unmounts cleanly" "$?" 0
  fi
fi
