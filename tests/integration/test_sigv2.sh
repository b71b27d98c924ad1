#!/usr/bin/env bash
# Signature Version 2 (header and presigned query) with boto3 (Debian's 1.26, and the newer one on
# PATH when there is one) and a hand-made signer: round trips, the same authorization as SigV4,
# expiry, tampering, added headers, virtual-host style (s3_sigv2.py).
. "$(dirname "$0")/lib.sh"
start_server || exit 1
"$CAIRN" user add bob > "$T/bob.keys" || echo "not ok - cairn user add bob"
export BOB_ACCESS_KEY=$(awk '/access key/{print $3}' "$T/bob.keys") BOB_SECRET_KEY=$(awk '/secret key/{print $3}' "$T/bob.keys")
$PY "$(dirname "$0")/s3_sigv2.py" "$URL"
other=$(command -v python3)
if [ -n "$other" ] && [ "$other" != "$PY" ] && "$other" -c 'import boto3' 2>/dev/null; then
  "$other" "$(dirname "$0")/s3_sigv2.py" "$URL"
fi
