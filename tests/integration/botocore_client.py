#!/usr/bin/python3
"""botocore_client.py - an independent SigV4 signer for the integration tests (Debian's
python3-botocore). Sends one request signed with an Authorization header, or prints a presigned
URL. Usage:
  botocore_client.py METHOD URL [--body FILE] [--payload-hash auto|unsigned] [--skew SECONDS]
                     [--header 'Name: value' (signed)] [--unsigned-header 'Name: value' (added after signing)]
  botocore_client.py presign URL EXPIRES [--skew SECONDS]
Prints "STATUS" on the first line and the body after it. Keys come from CAIRN_ACCESS_KEY/SECRET."""
import datetime, hashlib, os, sys, urllib.request, urllib.error
import signal
import botocore.auth, botocore.awsrequest, botocore.credentials
from rawsigned import FixedPayload

signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # quiet when piped into head
args = sys.argv[1:]
skew = 0
if "--skew" in args:
    i = args.index("--skew"); skew = int(args[i + 1]); del args[i:i + 2]
if skew:
    real = datetime.datetime
    class Shifted(real):
        @classmethod
        def utcnow(cls): return real.utcnow() + datetime.timedelta(seconds=skew)
        @classmethod
        def now(cls, tz=None): return real.now(tz) + datetime.timedelta(seconds=skew)
    botocore.auth.datetime.datetime = Shifted

def take_all(flag):
    out = []
    while flag in args:
        i = args.index(flag); out.append(args[i + 1].split(": ", 1)); del args[i:i + 2]
    return out
signed_headers, unsigned_headers = take_all("--header"), take_all("--unsigned-header")

creds = botocore.credentials.Credentials(os.environ["CAIRN_ACCESS_KEY"], os.environ["CAIRN_SECRET_KEY"])

if args[0] == "presign":
    url, expires = args[1], int(args[2])
    req = botocore.awsrequest.AWSRequest(method="GET", url=url)
    botocore.auth.S3SigV4QueryAuth(creds, "s3", "us-east-1", expires=expires).add_auth(req)
    print(req.url)
    sys.exit(0)

method, url = args[0], args[1]
body = b""
if "--body" in args:
    body = open(args[args.index("--body") + 1], "rb").read()
unsigned = "--payload-hash" in args and args[args.index("--payload-hash") + 1] == "unsigned"
req = botocore.awsrequest.AWSRequest(method=method, url=url, data=body)
for k, v in signed_headers:
    req.headers[k] = v
# botocore always hashes the payload over plain http; FixedPayload sends UNSIGNED-PAYLOAD instead
(FixedPayload("UNSIGNED-PAYLOAD") if unsigned else botocore.auth.S3SigV4Auth(creds, "s3", "us-east-1")).add_auth(req)
if req.headers.get("x-amz-content-sha256") != ("UNSIGNED-PAYLOAD" if unsigned else hashlib.sha256(body).hexdigest()):
    sys.exit("botocore did not sign the payload hash as asked")
prepared = req.prepare()
for k, v in unsigned_headers:
    prepared.headers[k] = v
r = urllib.request.Request(prepared.url, data=body if method in ("PUT", "POST") else None,
                           headers=dict(prepared.headers), method=method)
try:
    with urllib.request.urlopen(r) as resp:
        print(resp.status); sys.stdout.flush(); sys.stdout.buffer.write(resp.read())
except urllib.error.HTTPError as e:
    print(e.code); sys.stdout.flush(); sys.stdout.buffer.write(e.read())
