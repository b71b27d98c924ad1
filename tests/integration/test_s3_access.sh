#!/usr/bin/env bash
# Access control through the S3 API (s3_access.py, Debian's boto3): bucket and object ACLs,
# bucket policies and their status, bucket tagging, re-creating a bucket.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
"$CAIRN" user add bob > "$T/bob.keys" || echo "not ok - cairn user add bob"
export BOB_ACCESS_KEY=$(awk '/access key/{print $3}' "$T/bob.keys") BOB_SECRET_KEY=$(awk '/secret key/{print $3}' "$T/bob.keys")
$PY "$(dirname "$0")/s3_access.py" "$URL"
