#!/usr/bin/env bash
# HTTPS: --tls-cert / --tls-key with a certificate from a CA made here; curl and boto3 verify
# against that CA, keep-alive works over TLS, plain HTTP to the TLS port gets nothing, and bad
# TLS settings are refused at start with one line.
. "$(dirname "$0")/lib.sh"
cd "$T"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=cairn test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
check "setup: a CA and a server certificate" test -s server.pem
start_server --tls-cert "$T/server.pem" --tls-key "$T/server.key" || exit 1
check "the log says https" grep -q "listening on https://" "$T/server.log"
S=https://127.0.0.1:$PORT
expect "curl --cacert: /healthz over TLS" "$(curl -s --cacert ca.pem "$S/healthz")" ok
expect "curl without the CA: refused (exit 60)" "$(curl -s -o /dev/null "$S/healthz"; echo $?)" 60
curl -sv --cacert ca.pem "$S/healthz" "$S/readyz" > curl.out 2>&1
check "keep-alive over TLS: the second request reuses the connection" grep -qi 're-using existing connection' curl.out
expect "plain HTTP to the TLS port gets no HTTP answer" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthz")" 000
head -c 300000 /dev/urandom > obj
h=$(sha obj)
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "$S/tlsbucket")
expect "SigV4 over TLS (curl): CreateBucket 200" "$code" 200
$PY - "$S" "$T/ca.pem" "$T/obj" <<'PYEOF'
import sys, os, hashlib, boto3
from botocore.config import Config
url, ca, path = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1", verify=ca,
                  aws_access_key_id=os.environ["CAIRN_ACCESS_KEY"], aws_secret_access_key=os.environ["CAIRN_SECRET_KEY"],
                  config=Config(s3={"addressing_style": "path"}))
data = open(path, "rb").read()
s3.put_object(Bucket="tlsbucket", Key="obj", Body=data)
got = s3.get_object(Bucket="tlsbucket", Key="obj")["Body"].read()
print("ok - boto3 over TLS: PutObject and GetObject" if got == data else "not ok - boto3 over TLS: PutObject and GetObject")
try:
    boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y").list_buckets()
    print("not ok - boto3 without the CA is refused")
except Exception as e:
    print("ok - boto3 without the CA is refused" if "SSL" in type(e).__name__ or "certificate" in str(e) else f"not ok - boto3 without the CA is refused ({e})")
PYEOF
stop_server
"$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$T/data" --tls-cert "$T/server.pem" > serve.out 2>&1; rc=$?
expect "tls_cert without tls_key: exit 1" "$rc" 1
check "  ... one line that says so" grep -q 'tls_cert and tls_key go together' serve.out
echo "not a certificate" > bad.pem
out=$("$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$T/data" --tls-cert "$T/bad.pem" --tls-key "$T/server.key" 2>&1); rc=$?
expect "a certificate that is not PEM: exit 1" "$rc" 1
