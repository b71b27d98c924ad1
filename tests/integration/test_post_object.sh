#!/usr/bin/env bash
# POST Object, the browser form upload (s3_post.py): SigV4 and SigV2 policies from boto3, sent by
# python-requests and curl -F; conditions, ${filename}, answers, and refusals that store nothing.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
$PY "$(dirname "$0")/s3_post.py" "$URL"
