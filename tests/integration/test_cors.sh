#!/usr/bin/env bash
# CORS: Put/Get/DeleteBucketCors with boto3, preflights allowed and refused with curl, the
# Access-Control-* headers on answers (errors too), and a real browser: headless Chromium loads a
# page from another origin that uploads to cairn with a presigned PUT (a preflighted fetch) and
# reads the object back, then uploads a file with a presigned POST form.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
PAGEPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ORIGIN=http://127.0.0.1:$PAGEPORT
$PY - "$URL" "$ORIGIN" <<'PY'
import os, sys, boto3, botocore
from botocore.config import Config
url, origin = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=os.environ["CAIRN_ACCESS_KEY"],
                  aws_secret_access_key=os.environ["CAIRN_SECRET_KEY"], config=Config(s3={"addressing_style": "path"}))
def check(name, cond): print(("ok - " if cond else "not ok - ") + name, flush=True)
def code(fn, *a, **kw):
    try: fn(*a, **kw); return None
    except botocore.exceptions.ClientError as e: return e.response["Error"]["Code"]
s3.create_bucket(Bucket="web")
check("GetBucketCors before any: NoSuchCORSConfiguration", code(s3.get_bucket_cors, Bucket="web") == "NoSuchCORSConfiguration")
rules = [{"ID": "page", "AllowedOrigins": [origin], "AllowedMethods": ["PUT", "GET", "POST"], "AllowedHeaders": ["*"],
          "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 300},
         {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]
s3.put_bucket_cors(Bucket="web", CORSConfiguration={"CORSRules": rules})
got = s3.get_bucket_cors(Bucket="web")["CORSRules"]
check("PutBucketCors then GetBucketCors: the rules come back", got[0]["AllowedOrigins"] == [origin] and got[0]["MaxAgeSeconds"] == 300
      and got[0]["ExposeHeaders"] == ["ETag"] and got[1]["AllowedMethods"] == ["GET"])
check("a rule with a method S3 does not know: InvalidRequest",
      code(s3.put_bucket_cors, Bucket="web", CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]}) == "InvalidRequest")
s3.create_bucket(Bucket="gone")
s3.put_bucket_cors(Bucket="gone", CORSConfiguration={"CORSRules": rules})
s3.delete_bucket_cors(Bucket="gone")
check("DeleteBucketCors removes it", code(s3.get_bucket_cors, Bucket="gone") == "NoSuchCORSConfiguration")
s3.put_object(Bucket="web", Key="hello.txt", Body=b"hello")
PY
"$CAIRN" user add bob > "$T/bob.keys"
BAK=$(awk '/access key/{print $3}' "$T/bob.keys") BSK=$(awk '/secret key/{print $3}' "$T/bob.keys")
expect "another user may not read the CORS rules" \
  "$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 aws:amz:us-east-1:s3 --user "$BAK:$BSK" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$URL/web?cors=")" 403

pre() { curl -s -o /dev/null -D "$T/pre.h" -w '%{http_code}' -X OPTIONS "$@"; }
expect "a preflight the rules allow: 200" "$(pre -H "Origin: $ORIGIN" -H 'Access-Control-Request-Method: PUT' \
  -H 'Access-Control-Request-Headers: Content-Type' "$URL/web/up.txt")" 200
check "  ... Access-Control-Allow-Origin is the origin" grep -qi "^Access-Control-Allow-Origin: $ORIGIN" "$T/pre.h"
check "  ... the method and header are allowed" sh -c "grep -qi '^Access-Control-Allow-Methods: PUT, GET, POST' '$T/pre.h' && grep -qi '^Access-Control-Allow-Headers: content-type' '$T/pre.h'"
check "  ... Access-Control-Max-Age: 300" grep -qi '^Access-Control-Max-Age: 300' "$T/pre.h"
expect "a preflight from another origin for PUT: 403" "$(pre -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: PUT' "$URL/web/up.txt")" 403
check "  ... with no Allow-Origin" sh -c "! grep -qi '^Access-Control-Allow-Origin' '$T/pre.h'"
expect "a preflight without Access-Control-Request-Method: 400" "$(pre -H "Origin: $ORIGIN" "$URL/web/up.txt")" 400
expect "a preflight to a bucket without CORS rules: 403" "$(pre -H "Origin: $ORIGIN" -H 'Access-Control-Request-Method: GET' "$URL/gone/x")" 403
code=$(curl -s -o /dev/null -D "$T/get.h" -w '%{http_code}' -H 'Origin: https://anyone.example' "$URL/web/hello.txt")
expect "an anonymous GET with an Origin (private bucket): 403" "$code" 403
check "  ... still carries the CORS headers (the page can read the error)" grep -qi '^Access-Control-Allow-Origin: \*' "$T/get.h"

# a real browser on another origin: preflighted PUT to a presigned URL, then GET of the object
PUTURL=$("$CAIRN" presign --put --expires 10m s3://web/from-browser.txt)
GETURL=$("$CAIRN" presign --expires 10m s3://web/from-browser.txt)
POSTJSON=$($PY -c 'import boto3, json, os, sys
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=os.environ["CAIRN_ACCESS_KEY"],
                  aws_secret_access_key=os.environ["CAIRN_SECRET_KEY"], config=Config(s3={"addressing_style": "path"}))
print(json.dumps(s3.generate_presigned_post("web", "posted/${filename}", ExpiresIn=600,
      Fields={"success_action_status": "201"}, Conditions=[{"success_action_status": "201"}, ["starts-with", "$key", "posted/"]])))' "$URL")
mkdir -p "$T/page"
cat > "$T/page/index.html" <<HTML
<!doctype html><html><head><title>waiting</title></head><body><pre id="out">waiting</pre><script>
(async () => {
  const out = document.getElementById('out');
  try {
    const put = await fetch('$PUTURL', {method: 'PUT', body: 'sent by a browser', headers: {'Content-Type': 'text/plain'}});
    const etag = put.headers.get('ETag');
    const get = await fetch('$GETURL');
    const text = await get.text();
    const p = $POSTJSON;
    const form = new FormData();
    for (const [k, v] of Object.entries(p.fields)) form.append(k, v);
    form.append('file', new Blob(['posted by a browser form'], {type: 'text/plain'}), 'note.txt');
    const post = await fetch(p.url, {method: 'POST', body: form});
    const xml = await post.text();
    out.textContent = 'PUT ' + put.status + ' ETAG ' + (etag ? 'seen' : 'hidden') + ' GET ' + get.status + ' BODY ' + text +
      ' POST ' + post.status + (xml.includes('<Key>posted/note.txt</Key>') ? ' KEY ok' : ' KEY missing');
  } catch (e) { out.textContent = 'ERROR ' + e; }
})();
</script></body></html>
HTML
(cd "$T/page" && exec python3 -m http.server "$PAGEPORT" --bind 127.0.0.1 > "$T/page.log" 2>&1) &
PAGEPID=$!
trap 'kill $PAGEPID 2>/dev/null; stop_server; rm -rf "$T"' EXIT
wait_for 10 curl -sf -o /dev/null "$ORIGIN/index.html"
if command -v chromium > /dev/null; then
  browse() { timeout 60 chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$T/chrome" --virtual-time-budget=15000 --dump-dom "$ORIGIN/index.html" 2>/dev/null > "$T/dom.html"; grep -q 'PUT \|ERROR' "$T/dom.html"; }
  wait_for 90 browse
  check "Chromium on another origin uploads with a presigned PUT (preflight passed) and reads it back" grep -q 'PUT 200 ETAG seen GET 200 BODY sent by a browser' "$T/dom.html"
  expect "  ... the object holds what the page sent" "$(scurl "$URL/web/from-browser.txt")" "sent by a browser"
  check "  ... and uploads a file with a presigned POST form, reading the 201 answer" grep -q 'POST 201 KEY ok' "$T/dom.html"
  expect "  ... which stored it" "$(scurl "$URL/web/posted/note.txt")" "posted by a browser form"
else
  echo "ok - SKIP Chromium CORS check: chromium is not installed"
fi
