#!/usr/bin/python3
"""s3_post.py - POST Object (browser form uploads) with boto3's generate_presigned_post (SigV4 and
SigV2 policies) sent by python-requests and by curl -F: conditions, ${filename}, status and
redirect answers, metadata fields, and every refusal leaving nothing stored.
Usage: s3_post.py URL (an admin's keys in CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY)."""
import os, subprocess, sys, tempfile, time, base64, json, hmac, hashlib
import boto3, botocore, requests
from botocore.config import Config

url = sys.argv[1]
AK, SK = os.environ["CAIRN_ACCESS_KEY"], os.environ["CAIRN_SECRET_KEY"]
def client(sig):
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=AK, aws_secret_access_key=SK,
                        config=Config(s3={"addressing_style": "path"}, signature_version=sig))
s3 = client("s3v4")
def check(name, cond): print(("ok - " if cond else "not ok - ") + "post " + name, flush=True)
def exists(key):
    try: s3.head_object(Bucket="forms", Key=key); return True
    except botocore.exceptions.ClientError: return False
def post(p, data, name="photo.jpg", extra=None, fields=None):
    f = dict(p["fields"]); f.update(fields or {})
    files = list(f.items()) + list((extra or {}).items()) + [("file", (name, data, "image/jpeg"))]
    return requests.post(p["url"], files=[(k, (None, v)) if not isinstance(v, tuple) else (k, v) for k, v in files],
                         allow_redirects=False)

s3.create_bucket(Bucket="forms")
cond = [["starts-with", "$key", "up/"], ["content-length-range", 1, 200000], ["starts-with", "$Content-Type", "image/"],
        {"x-amz-meta-owner": "ann"}, {"success_action_status": "201"}]
p = s3.generate_presigned_post("forms", "up/${filename}", ExpiresIn=600, Conditions=cond,
                               Fields={"Content-Type": "image/jpeg", "x-amz-meta-owner": "ann", "success_action_status": "201"})
body = os.urandom(100000)
r = post(p, body)
check("a SigV4 policy upload (requests): 201 with a PostResponse", r.status_code == 201 and b"<Key>up/photo.jpg</Key>" in r.content)
o = s3.get_object(Bucket="forms", Key="up/photo.jpg")
check("  ... ${filename} became the file's name, the bytes are stored", o["Body"].read() == body)
check("  ... Content-Type and x-amz-meta- fields kept", o["ContentType"] == "image/jpeg" and o["Metadata"] == {"owner": "ann"})
check("  ... the ETag header is the MD5", r.headers.get("ETag") == '"%s"' % hashlib.md5(body).hexdigest())

r = post(p, os.urandom(300000), name="big.jpg")
check("a file over content-length-range is refused", r.status_code in (400, 403, 413) and not exists("up/big.jpg"))
r = post(p, b"", name="empty.jpg")
check("a file under content-length-range is refused", r.status_code in (400, 403) and not exists("up/empty.jpg"))
r = post(p, b"x", fields={"key": "elsewhere/${filename}"}, name="x.jpg")
check("a key outside the policy's starts-with: 403, nothing stored", r.status_code == 403 and not exists("elsewhere/x.jpg"))
r = post(p, b"x", extra={"x-amz-meta-extra": "1"}, name="y.jpg")
check("a field no condition names: 403", r.status_code == 403 and not exists("up/y.jpg"))
r = post(p, b"x", fields={"x-amz-signature": "0" * 64}, name="z.jpg")
check("a wrong signature: 403", r.status_code == 403 and not exists("up/z.jpg"))
r = requests.post(p["url"], files=[(k, (None, v)) for k, v in p["fields"].items()])
check("a form without a file: 400", r.status_code == 400)
old = s3.generate_presigned_post("forms", "up/old", ExpiresIn=-10)
r = post(old, b"x")
check("an expired policy: 403", r.status_code == 403 and not exists("up/old"))
r = requests.post(url + "/forms", files=[("key", (None, "anon.txt")), ("file", ("a.txt", b"x", "text/plain"))])
check("no policy on a private bucket: 403", r.status_code == 403 and not exists("anon.txt"))
r = requests.post(url + "/forms", data=b"key=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
check("a body that is not multipart/form-data: 400", r.status_code == 400)

# redirect, 204 default, tagging
p = s3.generate_presigned_post("forms", "r/${filename}", ExpiresIn=600,
                               Fields={"success_action_redirect": "https://app.example/done", "tagging": "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"},
                               Conditions=[{"success_action_redirect": "https://app.example/done"}, ["starts-with", "$key", "r/"], ["starts-with", "$tagging", ""]])
r = post(p, b"redirected")
check("success_action_redirect: 303 to it with bucket, key and etag", r.status_code == 303 and
      r.headers["Location"].startswith("https://app.example/done?bucket=forms&key=r%2Fphoto.jpg&etag="))
check("  ... the tagging field's tags are set", s3.get_object_tagging(Bucket="forms", Key="r/photo.jpg")["TagSet"] == [{"Key": "k", "Value": "v"}])
p = s3.generate_presigned_post("forms", "plain.bin", ExpiresIn=600)
check("no success_action_*: 204", post(p, b"abc").status_code == 204 and exists("plain.bin"))

# SigV2 policy (AWSAccessKeyId / signature), as older SDKs send
p = client("s3").generate_presigned_post("forms", "v2/${filename}", ExpiresIn=600)
check("boto3's SigV2 post fields", "AWSAccessKeyId" in p["fields"] and "signature" in p["fields"])
r = post(p, b"v2 body")
check("  ... upload with them: 204 and stored", r.status_code == 204 and s3.get_object(Bucket="forms", Key="v2/photo.jpg")["Body"].read() == b"v2 body")

# curl -F with a 32 MiB file: streamed, not held in memory
p = s3.generate_presigned_post("forms", "curl/big.bin", ExpiresIn=600)
with tempfile.NamedTemporaryFile() as t:
    t.write(os.urandom(32 << 20)); t.flush()
    args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", p["url"]]
    for k, v in p["fields"].items(): args += ["-F", f"{k}={v}"]
    args += ["-F", "file=@" + t.name]
    st = subprocess.run(args, capture_output=True, text=True).stdout
    t.seek(0)
    want = hashlib.md5(t.read()).hexdigest()
check("curl -F of a 32 MiB file: 204", st == "204")
check("  ... stored whole", s3.head_object(Bucket="forms", Key="curl/big.bin")["ETag"] == '"%s"' % want)
big = [("key", (None, "x")), ("policy", (None, "A" * 60000))] + [("x-ignore-%d" % i, (None, "B" * 60000)) for i in range(6)] + [("file", ("f", b"x", "text/plain"))]
r = requests.post(url + "/forms", files=big)
check("form fields beyond 256 KiB in all are refused before anything is stored", r.status_code in (400, 413) and not exists("x"))
