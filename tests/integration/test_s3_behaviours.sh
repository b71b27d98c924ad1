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
