#!/usr/bin/env bash
# The holes an attacker's tryout found (trust issue), one regression test each: unsigned x-amz-*
# headers, NUL and invalid UTF-8 in paths, unknown S3 sub-resources, If-Range, two
# Content-Length headers, DeleteBucket with an unfinished upload, SSE headers. Each checks the
# status, the error code and that nothing changed on the server.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
B="$PY $SIGNER"
s3put() { HASH=$(sha "$2") scurl -o /dev/null -w '%{http_code}' -T "$2" "$URL/$1"; }
code_of() { grep -o '<Code>[A-Za-z]*</Code>' "$1" | sed 's/<[^>]*>//g'; }

sstatus -X PUT "$URL/private" > /dev/null
head -c 5000 /dev/urandom > "$T/payroll"; head -c 300 /dev/urandom > "$T/report"
expect "setup: private/payroll.bin" "$(s3put private/payroll.bin "$T/payroll")" 200
expect "setup: private/report.pdf" "$(s3put private/report.pdf "$T/report")" 200

# 2. unsigned x-amz-* headers
pre=$("$CAIRN" presign --put s3://private/incoming.bin)
code=$(curl -s -o "$T/err" -w '%{http_code}' -X PUT -H 'x-amz-copy-source: /private/payroll.bin' --data-binary '' "$pre")
expect "2: presigned PUT + unsigned x-amz-copy-source: 403" "$code" 403
expect "  ... AccessDenied" "$(code_of "$T/err")" AccessDenied
check "  ... names the unsigned header" grep -q 'x-amz-copy-source' "$T/err"
expect "  ... nothing was copied" "$(sstatus -I "$URL/private/incoming.bin")" 404
expect "2: the presigned PUT alone still works" "$(curl -s -o /dev/null -w '%{http_code}' -T "$T/report" "$pre")" 200
out=$($B PUT "$URL/private/meta.bin" --body "$T/report" --unsigned-header 'x-amz-meta-owner: mallory')
expect "2: signed PUT + unsigned x-amz-meta-*: 403" "$(echo "$out" | head -1)" 403
out=$($B PUT "$URL/private/meta.bin" --body "$T/report" --unsigned-header 'x-amz-tagging: a=b')
expect "2: signed PUT + unsigned x-amz-tagging: 403" "$(echo "$out" | head -1)" 403
expect "  ... nothing was stored" "$(sstatus -I "$URL/private/meta.bin")" 404
out=$($B PUT "$URL/private/meta.bin" --body "$T/report" --header 'x-amz-meta-owner: alice')
expect "2: the same header signed: 200" "$(echo "$out" | head -1)" 200
check "  ... and stored" sh -c "curl -s -I --aws-sigv4 aws:amz:us-east-1:s3 --user '$AK:$SK' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' '$URL/private/meta.bin' | grep -qi 'x-amz-meta-owner: alice'"

# 3. NUL bytes, invalid UTF-8 and control characters in paths
code=$(HASH=$(sha "$T/payroll") scurl -o "$T/err" -w '%{http_code}' -T "$T/payroll" "$URL/private/report.pdf%00.txt")
expect "3: PUT /b/report.pdf%00.txt: 400" "$code" 400
expect "  ... InvalidArgument" "$(code_of "$T/err")" InvalidArgument
scurl -o "$T/back" "$URL/private/report.pdf"
check "  ... report.pdf is unchanged" cmp "$T/back" "$T/report"
expect "3: PUT /bucket%00x: 400" "$(sstatus -X PUT "$URL/nulbucket%00x")" 400
expect "  ... no bucket 'nulbucket'" "$(sstatus -I "$URL/nulbucket")" 404
expect "3: key with invalid UTF-8: 400" "$(HASH=$(sha "$T/report") scurl -o /dev/null -w '%{http_code}' -T "$T/report" "$URL/private/bad%FF%FE")" 400
expect "3: key with a control character: 400" "$(HASH=$(sha "$T/report") scurl -o /dev/null -w '%{http_code}' -T "$T/report" "$URL/private/bad%01key")" 400
expect "3: overlong UTF-8 for '/': 400" "$(sstatus "$URL/private/a%C0%AFb")" 400
expect "3: %00 in a query value: 400" "$(sstatus "$URL/private?prefix=a%00b")" 400
expect "3: a malformed escape: 400" "$(sstatus "$URL/private/a%zz")" 400
scurl "$URL/private?list-type=2" > "$T/list.xml"
check "3: the listing is still well-formed XML" $PY -c "import sys,xml.dom.minidom; xml.dom.minidom.parse('$T/list.xml')"
expect "3: a valid UTF-8 key still works" "$(HASH=$(sha "$T/report") scurl -o /dev/null -w '%{http_code}' -T "$T/report" "$URL/private/caf%C3%A9")" 200

# 4. unknown sub-resources answer 501 and change nothing
sstatus -X PUT "$URL/empty" > /dev/null
for sub in metrics website replication logging notification; do
  code=$(scurl -o "$T/err" -w '%{http_code}' -X DELETE "$URL/empty?$sub=")
  expect "4: DELETE /bucket?$sub: 501" "$code" 501
  expect "  ... NotImplemented" "$(code_of "$T/err")" NotImplemented
done
expect "  ... the bucket still exists" "$(sstatus -I "$URL/empty")" 200
expect "4: PUT /bucket?versioning with MFA delete: 501" "$(sstatus -X PUT -d '<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>' "$URL/empty?versioning=")" 501
expect "4: GET /bucket?website: 501" "$(sstatus "$URL/private?website=")" 501
expect "4: GET /bucket?inventory: 501" "$(sstatus "$URL/private?inventory=")" 501
expect "4: GET /object?retention: 501" "$(sstatus "$URL/private/report.pdf?retention=")" 501
expect "4: GET /object?torrent: 501" "$(sstatus "$URL/private/report.pdf?torrent=")" 501
expect "4: PUT /object?versionId=x: 501" "$(sstatus -X PUT -d x "$URL/private/report.pdf?versionId=x")" 501
expect "4: an unknown parameter: 501" "$(sstatus "$URL/private/report.pdf?foo=bar")" 501
expect "4: a listing parameter on an object: 501" "$(sstatus "$URL/private/report.pdf?prefix=a")" 501
expect "4: the plain GET still works" "$(sstatus "$URL/private/report.pdf?response-cache-control=no-cache")" 200
expect "4: x-id (SDK marker) is accepted" "$(sstatus "$URL/private/report.pdf?x-id=GetObject")" 200

# 5. If-Range
etag=$(scurl -I "$URL/private/report.pdf" | tr -d '\r' | awk 'tolower($1)=="etag:"{print $2}')
expect "5: If-Range with the current ETag: 206" "$(sstatus -H "If-Range: $etag" -H 'Range: bytes=0-9' "$URL/private/report.pdf")" 206
HASH=$(sha "$T/payroll") scurl -o /dev/null -T "$T/payroll" "$URL/private/report.pdf"
code=$(scurl -o "$T/part" -w '%{http_code}' -H "If-Range: $etag" -H 'Range: bytes=0-9' "$URL/private/report.pdf")
expect "5: If-Range after the object changed: 200" "$code" 200
check "  ... the whole new object" cmp "$T/part" "$T/payroll"
expect "5: If-Range with a weak ETag: 200" "$(sstatus -H "If-Range: W/$etag" -H 'Range: bytes=0-9' "$URL/private/report.pdf")" 200
expect "5: If-Range with an old date: 200" "$(sstatus -H 'If-Range: Mon, 01 Jan 2001 00:00:00 GMT' -H 'Range: bytes=0-9' "$URL/private/report.pdf")" 200

# 7. two Content-Length headers (request smuggling)
$PY - "$PORT" > "$T/smuggle" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
body = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
s.sendall(b"PUT /private/smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
s.settimeout(5)
data = b""
try:
    while True:
        d = s.recv(65536)
        if not d: break
        data += d
except socket.timeout:
    pass
print(data.count(b"HTTP/1.1 "), data.split(b"\r\n")[0].decode())
EOF
expect "7: two Content-Length headers: one answer, 400" "$(cat "$T/smuggle")" "1 HTTP/1.1 400 Bad Request"
$PY - "$PORT" > "$T/smuggle" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"PUT /private/smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
s.settimeout(5)
print(s.recv(65536).split(b"\r\n")[0].decode())
EOF
expect "7: Content-Length beside Transfer-Encoding: 400" "$(cat "$T/smuggle")" "HTTP/1.1 400 Bad Request"

# 9. DeleteBucket with an unfinished multipart upload
sstatus -X PUT "$URL/mpu" > /dev/null
scurl -X POST "$URL/mpu/big?uploads=" > /dev/null
code=$(scurl -o "$T/err" -w '%{http_code}' -X DELETE "$URL/mpu")
expect "9: DeleteBucket with an unfinished upload: 409" "$code" 409
expect "  ... BucketNotEmpty" "$(code_of "$T/err")" BucketNotEmpty

# 10. SSE headers: what cannot be honoured is refused, never ignored (s3_sse.py tests encryption)
out=$($B PUT "$URL/private/sse.bin" --body "$T/report" --header 'x-amz-server-side-encryption: aws:kms')
expect "10: PUT with SSE-KMS: 501" "$(echo "$out" | head -1)" 501
out=$($B PUT "$URL/private/sse.bin" --body "$T/report" --header 'x-amz-server-side-encryption-customer-algorithm: AES256')
expect "10: PUT with an SSE-C algorithm but no key: 400" "$(echo "$out" | head -1)" 400
expect "  ... nothing stored" "$(sstatus -I "$URL/private/sse.bin")" 404
out=$($B GET "$URL/private/report.pdf" --header 'x-amz-server-side-encryption-aws-kms-key-id: k')
expect "10: GET with a KMS key id: 501" "$(echo "$out" | head -1)" 501
out=$($B DELETE "$URL/private/report.pdf" --header 'x-amz-server-side-encryption: AES256')
expect "10: an SSE header on an operation that takes none: 501" "$(echo "$out" | head -1)" 501

# 6. a chain of symlinks, each lexically inside, that together escape the tree
mkdir -p "$T/chain/d" "$T/chain/a/b"
echo inside > "$T/chain/a/file"
ln -s .. "$T/chain/d/up"              # d/up -> the root: fine
ln -s up/.. "$T/chain/d/x"            # lexically d/up/.. = d, physically above the root
out=$("$CAIRN" push -q chained:v1 "$T/chain" 2>&1); rc=$?
expect "6: push of a tree whose symlink chain escapes: exit 1" "$rc" 1
check "  ... says why" sh -c "echo '$out' | grep -q 'escapes the tree'"
expect "  ... no dataset was created" "$(sstatus "$URL/v1/datasets/chained")" 404
rm "$T/chain/d/x"
ln -s up/a/b "$T/chain/d/x"           # a chain that stays inside is fine
check "6: a chain that stays inside is pushed" "$CAIRN" push -q chained:v1 "$T/chain"
check "  ... and pulled" "$CAIRN" pull -q chained:v1 "$T/chainpull"
expect "  ... the link is a link in the pulled tree" "$(readlink "$T/chainpull/d/x")" "up/a/b"
# a manifest that names a file below a symlink (pull would write through it) is refused too
cat > "$T/below.json" <<JSON
{"files":[{"path":"l","type":"symlink","mode":511,"mtime":0,"target":"d"},{"path":"d","type":"dir","mode":493,"mtime":0},{"path":"l/x","type":"dir","mode":493,"mtime":0}]}
JSON
code=$(HASH=$(sha "$T/below.json") scurl -o "$T/err" -w '%{http_code}' -X POST --data-binary @"$T/below.json" "$URL/v1/datasets/below/versions")
expect "6: a manifest with an entry below a symlink: 400" "$code" 400
check "  ... says why" grep -q 'below a symlink' "$T/err"
