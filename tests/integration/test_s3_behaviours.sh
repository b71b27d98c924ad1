#!/usr/bin/env bash
# S3 behaviours that conformance suites and clients check (s3_behaviours.py): listing edge cases,
# multipart repeats, copy and write preconditions, tag limits, metadata, digests, presign limits.
# Run with Debian's boto3 and, when PATH has a newer one, with it too (conditional writes need it).
. "$(dirname "$0")/lib.sh"
start_server || exit 1
$PY "$(dirname "$0")/s3_behaviours.py" "$URL" 1.26
other=$(command -v python3)
if [ -n "$other" ] && [ "$other" != "$PY" ] && "$other" -c 'import boto3' 2>/dev/null; then
  "$other" "$(dirname "$0")/s3_behaviours.py" "$URL" new
fi
# non-ASCII metadata as clients send it (raw UTF-8; curl signs the bytes it sends)
sstatus -X PUT "$URL/utf8" > /dev/null
echo hi > "$T/f"
expect "a non-ASCII (UTF-8) x-amz-meta- value is accepted" "$(sstatus -T "$T/f" -H "x-amz-meta-word: café ✓" "$URL/utf8/k")" 200
expect "  ... and comes back byte for byte" "$(scurl -I "$URL/utf8/k" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-amz-meta-word"{print $2}')" "café ✓"
# x-amz-checksum-crc64nvme (current SDKs' default), checked and echoed; a bitwise Python CRC is the
# independent reference
head -c 100000 /dev/urandom > "$T/ck"
crc=$(python3 - "$T/ck" <<'PY'
import base64, sys
c = 0xFFFFFFFFFFFFFFFF
for b in open(sys.argv[1], "rb").read():
    c ^= b
    for _ in range(8): c = (c >> 1) ^ 0x9A6C9329AC4BC9B5 if c & 1 else c >> 1
print(base64.b64encode((c ^ 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")).decode())
PY
)
expect "PutObject with x-amz-checksum-crc64nvme: 200" "$(scurl -o /dev/null -D "$T/ck.h" -w '%{http_code}' -T "$T/ck" -H "x-amz-checksum-crc64nvme: $crc" "$URL/utf8/ck")" 200
check "  ... the checksum is echoed" grep -qi "^x-amz-checksum-crc64nvme: $crc" "$T/ck.h"
expect "  ... a wrong one: 400 BadDigest" "$(scurl -o /dev/null -w '%{http_code}' -T "$T/ck" -H 'x-amz-checksum-crc64nvme: AAAAAAAAAAA=' "$URL/utf8/ck2")" 400
check "  ... HEAD with x-amz-checksum-mode: ENABLED returns it" sh -c "curl -s -I --aws-sigv4 aws:amz:us-east-1:s3 --user '$AK:$SK' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -H 'x-amz-checksum-mode: ENABLED' '$URL/utf8/ck' | grep -qi 'x-amz-checksum-crc64nvme: $crc'"
# a CRC64NVME multipart upload (FULL_OBJECT, S3's only type for it): the parts' CRCs combine into
# the CRC of all the bytes (table-driven Python CRC as the reference; botocore needs crt for it)
crc64() { python3 - "$@" <<'PY'
import base64, sys
t = []
for i in range(256):
    c = i
    for _ in range(8): c = (c >> 1) ^ 0x9A6C9329AC4BC9B5 if c & 1 else c >> 1
    t.append(c)
c = 0xFFFFFFFFFFFFFFFF
for f in sys.argv[1:]:
    for b in open(f, "rb").read(): c = t[(c ^ b) & 0xFF] ^ (c >> 8)
print(base64.b64encode((c ^ 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")).decode())
PY
}
head -c 5242880 /dev/urandom > "$T/p1"; head -c 777 /dev/urandom > "$T/p2"
up=$(scurl -X POST -H 'x-amz-checksum-algorithm: CRC64NVME' "$URL/utf8/full64?uploads=" | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')
xml="<CompleteMultipartUpload>"
for i in 1 2; do
  c=$(crc64 "$T/p$i")
  e=$(scurl -D - -o /dev/null -T "$T/p$i" -H "x-amz-checksum-crc64nvme: $c" "$URL/utf8/full64?partNumber=$i&uploadId=$up" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
  xml="$xml<Part><PartNumber>$i</PartNumber><ETag>$e</ETag><ChecksumCRC64NVME>$c</ChecksumCRC64NVME></Part>"
done
scurl -o "$T/done.xml" -X POST --data-binary "$xml</CompleteMultipartUpload>" "$URL/utf8/full64?uploadId=$up"
want=$(crc64 "$T/p1" "$T/p2")
check "CRC64NVME multipart: Complete answers the CRC64NVME of all the bytes (FULL_OBJECT)" grep -q "<ChecksumCRC64NVME>$want</ChecksumCRC64NVME><ChecksumType>FULL_OBJECT" "$T/done.xml"
# aws cli (Debian's) lists an unversioned bucket's versions
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1
n=$(/usr/bin/aws --endpoint-url "$URL" s3api list-object-versions --bucket utf8 --query 'length(Versions)' --output text 2>/dev/null)
expect "aws s3api list-object-versions on an unversioned bucket" "$n" 3
