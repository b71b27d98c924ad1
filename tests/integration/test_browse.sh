#!/usr/bin/env bash
# Browsable views without JavaScript (issue 12): /fs/ lists the datasets the caller can read and
# /fs/NAME/ a dataset's tags (HTML and JSON); HTML pages link up from every level and show sizes
# in human units with the exact count on hover; README.md as GitHub-flavoured Markdown (tables,
# task lists, autolinks, no raw HTML); files with a media type from their name and nosniff; a
# presigned listing links to its entries with presigned URLs; WebDAV from the root (PROPFIND of
# /dav/ and /dav/NAME/, rclone browsing from the root), PROPFIND bodies: malformed is 400, a
# DOCTYPE is refused, propname answers names, properties cairn lacks come back in a 404 propstat;
# litmus against the read-only share, its one expected failure listed.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
src=$T/src
mkdir -p "$src/sub"
printf '# Hello\n\n| col a | col b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\nsee https://example.org\n\n<script>alert(1)</script>\n' > "$src/README.md"
head -c 3000000 /dev/urandom > "$src/big.bin"
printf '\x89PNG\r\n\x1a\n' > "$src/pic.png"
echo hi > "$src/sub/note.txt"
"$CAIRN" push -q pubds:v1 "$src" > /dev/null && "$CAIRN" push -q privds:v1,latest "$src" > /dev/null ||
  { echo "not ok - push for the browse tests"; exit 0; }
"$CAIRN" dataset public pubds on

# /fs/ and /fs/NAME/
curl -s "$URL/fs/" > "$T/root.html"
check "anonymous /fs/ lists a public dataset" grep -q 'href="pubds/"' "$T/root.html"
check "  ... and not a private one" sh -c "! grep -q 'privds' '$T/root.html'"
scurl "$URL/fs/" > "$T/root-signed.html"
check "a signed /fs/ lists the caller's private dataset too" grep -q 'href="privds/"' "$T/root-signed.html"
check "  ... as a page that works at phone width (viewport, media query)" sh -c \
  "grep -q 'name=\"viewport\"' '$T/root-signed.html' && grep -q '@media' '$T/root-signed.html'"
expect "/fs/NAME without the slash redirects" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/fs/pubds")" 301
curl -s "$URL/fs/pubds/" > "$T/tags.html"
check "/fs/NAME/ lists its tags" grep -q 'href="v1/"' "$T/tags.html"
check "  ... with the size in human units and the exact count on hover" grep -q 'title="3000[0-9]* bytes">2.9 MiB' "$T/tags.html"
check "  ... the version id" grep -q "<code title=\"[0-9a-f]\{64\}\">" "$T/tags.html"
check "  ... and a link up" grep -q 'href="../"' "$T/tags.html"
expect "/fs/NAME/ of a private dataset, anonymous: 403" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/fs/privds/")" 403
expect "/fs/NAME/ of no dataset: 404" "$(sstatus "$URL/fs/nosuch/")" 404
check "/fs/ as JSON" sh -c "curl -s -H 'Accept: application/json' '$URL/fs/' | grep -q '\"name\":\"pubds\",\"public\":true'"
check "/fs/NAME/ as JSON" sh -c "curl -s -H 'Accept: application/json' '$URL/fs/pubds/' | grep -q '\"tag\":\"v1\",\"version\":\"[0-9a-f]*\",\"floating\":false,\"size\":3000'"

# a version's directory: breadcrumb, README as GFM
curl -s "$URL/fs/pubds/v1/" > "$T/dir.html"
check "a directory page has a breadcrumb up to /fs/" sh -c "grep -q '<a href=\"/fs/\">fs</a> / <a href=\"/fs/pubds/\">pubds</a> / <strong>v1</strong>' '$T/dir.html'"
check "README.md: a Markdown table becomes a table" grep -q '<th>col a</th>' "$T/dir.html"
check "  ... task lists become checkboxes" grep -q '<input type="checkbox" checked="" disabled="" /> done' "$T/dir.html"
check "  ... bare URLs become links" grep -q '<a href="https://example.org">' "$T/dir.html"
check "  ... raw HTML is dropped" sh -c "! grep -q '<script>' '$T/dir.html'"
check "file sizes in human units" grep -q 'title="3000000 bytes">2.9 MiB' "$T/dir.html"

# media types
ctype() { curl -s -o /dev/null -D - "$URL/fs/pubds/v1/$1" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Tt]ype: //p'; }
expect "README.md is text/markdown" "$(ctype README.md)" "text/markdown; charset=utf-8"
expect "a .png is image/png" "$(ctype pic.png)" "image/png"
expect "a .txt is text/plain" "$(ctype sub/note.txt)" "text/plain; charset=utf-8"
expect "an unknown extension is application/octet-stream" "$(ctype big.bin)" "application/octet-stream"
check "files are sent with X-Content-Type-Options: nosniff" sh -c "curl -s -o /dev/null -D - '$URL/fs/pubds/v1/pic.png' | grep -qi '^x-content-type-options: nosniff'"

# a presigned listing links to its entries with presigned URLs (for no longer than its own)
purl=$("$CAIRN" presign --expires 5m /fs/privds/v1/)
curl -s "$purl" > "$T/p.html"
link=$(grep -o 'href="/fs/privds/v1/sub/?[^"]*"' "$T/p.html" | head -1 | sed 's/^href="//; s/"$//; s/&amp;/\&/g')
check "a presigned listing links to a subdirectory with a presigned URL" sh -c "echo '$link' | grep -q 'X-Amz-Expires=[0-9]*&.*X-Amz-Signature='"
exp=$(echo "$link" | sed -n 's/.*X-Amz-Expires=\([0-9]*\).*/\1/p')
check "  ... that ends no later than the listing's own" test "${exp:-999}" -le 300
file=$(curl -s "$URL$link" | grep -o 'href="/fs/privds/v1/sub/note.txt?[^"]*"' | sed 's/^href="//; s/"$//; s/&amp;/\&/g')
expect "  ... which opens, and its file link fetches the file" "$(curl -s "$URL$file")" hi
expect "  ... an entry link with its signature changed: 403" \
  "$(curl -s -o /dev/null -w '%{http_code}' "$URL$(flip_after "$file" "X-Amz-Signature=")")" 403
check "an unsigned listing's links are plain relative names" grep -q '<a href="sub/">sub/</a>' "$T/dir.html"

# WebDAV from the root
curl -s -X PROPFIND -H 'Depth: 1' "$URL/dav/" > "$T/pf-root.xml"
check "PROPFIND /dav/ lists the readable datasets as collections" grep -q '<D:href>/dav/pubds/</D:href>' "$T/pf-root.xml"
check "  ... not the private ones (anonymous)" sh -c "! grep -q privds '$T/pf-root.xml'"
curl -s -X PROPFIND -H 'Depth: 1' "$URL/dav/pubds/" > "$T/pf-ds.xml"
check "PROPFIND /dav/NAME/ lists its tags as collections" grep -q '<D:href>/dav/pubds/v1/</D:href>' "$T/pf-ds.xml"
expect "PROPFIND of a private dataset's level, anonymous: 403" "$(curl -s -o /dev/null -w '%{http_code}' -X PROPFIND -H 'Depth: 1' "$URL/dav/privds/")" 403
env -u AWS_CA_BUNDLE rclone lsf -R --webdav-url "$URL/dav/" --webdav-vendor other :webdav: > "$T/rc.txt" 2> "$T/rc.err"
check "rclone browses the share from its root" grep -qx 'pubds/v1/sub/note.txt' "$T/rc.txt"
pf() { curl -s -o "$T/pf.xml" -w '%{http_code}' -X PROPFIND -H 'Depth: 0' --data "$1" "$URL/dav/pubds/v1/README.md"; }
expect "PROPFIND with a malformed body: 400" "$(pf '<D:propfind xmlns:D="DAV:"><D:prop>')" 400
expect "PROPFIND whose root is not DAV: propfind: 400" "$(pf '<propfind><allprop/></propfind>')" 400
expect "PROPFIND with a DOCTYPE: 400" "$(pf '<!DOCTYPE p [<!ENTITY a "b">]><propfind xmlns="DAV:"><allprop/></propfind>')" 400
expect "PROPFIND with two modes: 400" "$(pf '<propfind xmlns="DAV:"><allprop/><propname/></propfind>')" 400
expect "PROPFIND propname: 207" "$(pf '<?xml version="1.0"?><propfind xmlns="DAV:"><propname/></propfind>')" 207
check "  ... names without values" sh -c "grep -q '<D:getcontentlength/>' '$T/pf.xml' && ! grep -q '<D:getcontentlength>' '$T/pf.xml'"
expect "PROPFIND prop with an unknown property: 207" \
  "$(pf '<a:propfind xmlns:a="DAV:" xmlns:z="urn:x"><a:prop><a:getcontenttype/><z:colour/></a:prop></a:propfind>')" 207
check "  ... the known one in a 200 propstat" grep -q '<D:getcontenttype>text/markdown; charset=utf-8</D:getcontenttype></D:prop><D:status>HTTP/1.1 200 OK' "$T/pf.xml"
check "  ... the unknown one in a 404 propstat, in its namespace" grep -q '<R:colour xmlns:R="urn:x"/></D:prop><D:status>HTTP/1.1 404 Not Found' "$T/pf.xml"
head -c 70000 /dev/zero | tr '\0' ' ' > "$T/big.xml"
expect "PROPFIND with a body over 64 KiB: 400" "$(curl -s -o /dev/null -w '%{http_code}' -X PROPFIND --data-binary @"$T/big.xml" "$URL/dav/pubds/v1/")" 400

# litmus (Debian): every suite first creates a collection, which a read-only share refuses; the
# expected failure is exactly that MKCOL (403), after the OPTIONS check passed
if command -v litmus > /dev/null; then
  (cd "$T" && timeout 60 litmus "$URL/dav/pubds/v1/" > "$T/litmus.out" 2>&1)
  check "litmus: init (OPTIONS) passes" grep -q '0\. init\.* *pass' "$T/litmus.out"
  check "  ... the expected failure: MKCOL refused with 403 on the read-only share" grep -q "begin.*FAIL (Could not create new collection.*403 Forbidden" "$T/litmus.out"
else
  echo "ok - SKIP litmus: not installed"
fi
