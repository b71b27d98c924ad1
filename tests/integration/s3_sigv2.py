#!/usr/bin/python3
"""s3_sigv2.py - Signature Version 2 against a running cairn: Debian's boto3 (1.26) signing with
HmacV1 headers (signature_version "s3") and presigning with HmacV1 queries ("s3-query", boto3's old
default for generate_presigned_url), plus hand-made V2 signatures for what boto3 will not produce
(expired, too long, tampered, an added header, virtual-host style).
Usage: s3_sigv2.py URL   (an admin's keys in CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY; a second
user's keys in BOB_ACCESS_KEY / BOB_SECRET_KEY). One "ok - ..." / "not ok - ..." line per check."""
import base64, hashlib, hmac, http.client, os, sys, time, urllib.parse, urllib.request, urllib.error
import boto3, botocore
from botocore.config import Config

url = sys.argv[1]
AK, SK = os.environ["CAIRN_ACCESS_KEY"], os.environ["CAIRN_SECRET_KEY"]
BAK, BSK = os.environ["BOB_ACCESS_KEY"], os.environ["BOB_SECRET_KEY"]
host = urllib.parse.urlsplit(url).netloc

def client(ak, sk, sig):
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=ak,
                        aws_secret_access_key=sk,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                      signature_version=sig))

TAG = "sigv2 (boto3 %s) " % boto3.__version__
BUCKET = "vtwo-" + boto3.__version__.replace(".", "-")
def check(name, cond):
    print(("ok - " if cond else "not ok - ") + TAG + name, flush=True)

def status(method, u, data=None, headers=None):
    """(status, body) of one request sent as is (urllib would add a Content-Type V2 signs)"""
    parts = urllib.parse.urlsplit(u)
    conn = http.client.HTTPConnection(parts.netloc)
    conn.request(method, parts.path + ("?" + parts.query if parts.query else ""), body=data, headers=headers or {})
    r = conn.getresponse()
    out = r.status, r.read()
    conn.close()
    return out

def sign(sk, sts):
    return base64.b64encode(hmac.new(sk.encode(), sts.encode(), hashlib.sha1).digest()).decode()

def presign(method, path, expires, ak=AK, sk=SK, amz=""):
    sig = sign(sk, f"{method}\n\n\n{expires}\n{amz}{path}")
    return f"{url}{path}?AWSAccessKeyId={ak}&Expires={expires}&Signature={urllib.parse.quote(sig, safe='')}"

v2 = client(AK, SK, "s3")
v2.create_bucket(Bucket=BUCKET)
body = os.urandom(100000)
v2.put_object(Bucket=BUCKET, Key="dir/a b+c.bin", Body=body, Metadata={"note": "hello"},
              ContentType="application/x-test")
got = v2.get_object(Bucket=BUCKET, Key="dir/a b+c.bin")
check("header-signed PutObject and GetObject (boto3 signature_version=s3)", got["Body"].read() == body)
check("  ... metadata and content type kept", got["Metadata"].get("note") == "hello" and got["ContentType"] == "application/x-test")
check("  ... ListObjects", [o["Key"] for o in v2.list_objects(Bucket=BUCKET)["Contents"]] == ["dir/a b+c.bin"])
# boto3 1.26's V2 header signer signs a sub-resource twice ("/b/k?uploads?uploads", which S3 refuses
# as well); later ones sign it once
if tuple(int(x) for x in botocore.__version__.split(".")[:2]) >= (1, 31):
  mp = v2.create_multipart_upload(Bucket=BUCKET, Key="mp")
  part = v2.upload_part(Bucket=BUCKET, Key="mp", UploadId=mp["UploadId"], PartNumber=1, Body=b"x" * 1000)
  v2.complete_multipart_upload(Bucket=BUCKET, Key="mp", UploadId=mp["UploadId"],
                               MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
  check("  ... multipart: sub-resources ?uploads, ?partNumber&uploadId in the signed resource", v2.head_object(Bucket=BUCKET, Key="mp")["ContentLength"] == 1000)

bad = client(AK, "wrong" + SK[5:], "s3")
try:
    bad.list_objects(Bucket=BUCKET)
    check("a wrong secret is refused", False)
except botocore.exceptions.ClientError as e:
    check("a wrong secret is refused: SignatureDoesNotMatch", e.response["Error"]["Code"] == "SignatureDoesNotMatch")

bob = client(BAK, BSK, "s3")
try:
    bob.get_object(Bucket=BUCKET, Key="dir/a b+c.bin")
    check("another user signing with V2 is authorized like with V4: AccessDenied", False)
except botocore.exceptions.ClientError as e:
    check("another user signing with V2 is authorized like with V4: AccessDenied", e.response["Error"]["Code"] == "AccessDenied")

# presigned V2 query strings, as boto3 makes them
q = client(AK, SK, "s3-query")
u = q.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "dir/a b+c.bin"}, ExpiresIn=300)
check("boto3's V2 presigned URL carries AWSAccessKeyId/Expires/Signature", "AWSAccessKeyId=" in u and "Signature=" in u)
st, data = status("GET", u)
check("  ... GET with it: 200 and the bytes", st == 200 and data == body)
u = q.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "dir/a b+c.bin",
                                                  "ResponseContentType": "text/plain"}, ExpiresIn=300)
req = urllib.request.Request(u)
with urllib.request.urlopen(req) as r:
    check("  ... a signed response-content-type override applies", r.headers["Content-Type"] == "text/plain")
up = q.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "up.bin"}, ExpiresIn=300)
st, _ = status("PUT", up, data=b"uploaded")
check("  ... a presigned PUT stores the body", st == 200 and v2.get_object(Bucket=BUCKET, Key="up.bin")["Body"].read() == b"uploaded")
st, _ = status("GET", u.replace("Signature=", "Signature=A"))
check("  ... a tampered signature: 403", st == 403)
st, _ = status("GET", u.replace("/"+BUCKET+"/dir/", "/"+BUCKET+"/dir2/"))
check("  ... another key under the same signature: 403", st == 403)
st, _ = status("PUT", up, data=b"x", headers={"x-amz-copy-source": "/"+BUCKET+"/dir/a%20b%2Bc.bin"})
check("  ... an x-amz- header added to a presigned PUT: 403 (V2 signs every x-amz- header)", st == 403)
st, data = status("GET", presign("GET", "/"+BUCKET+"/up.bin", int(time.time()) - 10))
check("an expired V2 URL: 403", st == 403 and b"expired" in data)
st, _ = status("GET", presign("GET", "/"+BUCKET+"/up.bin", int(time.time()) + 8 * 86400))
check("a V2 URL valid for more than 7 days is refused", st in (400, 403))
st, data = status("GET", presign("GET", "/"+BUCKET+"/up.bin", int(time.time()) + 60))
check("a hand-signed V2 URL (an independent signer): 200", st == 200 and data == b"uploaded")
st, _ = status("GET", presign("GET", "/"+BUCKET+"/up.bin", int(time.time()) + 60, BAK, BSK))
check("  ... signed by a user without access: 403", st == 403)
st, _ = status("GET", presign("GET", "/"+BUCKET+"/up.bin", int(time.time()) + 60) + "&Signature=x")
check("  ... a second Signature parameter: 403", st == 403)
st, _ = status("GET", presign("GET", "/"+BUCKET+"/up.bin", int(time.time()) + 60) + "&X-Amz-Algorithm=AWS4-HMAC-SHA256")
check("  ... mixed with SigV4 parameters: 403", st == 403)

# virtual-host style: the signed resource is /bucket/key while the path is /key
exp = int(time.time()) + 60
sig = sign(SK, f"GET\n\n\n{exp}\n/"+BUCKET+"/up.bin")
c = http.client.HTTPConnection(host)
c.request("GET", f"/up.bin?AWSAccessKeyId={AK}&Expires={exp}&Signature={urllib.parse.quote(sig, safe='')}",
          headers={"Host": BUCKET + ".localhost:" + host.split(":")[1]})
r = c.getresponse()
check("virtual-host style V2 (resource /bucket/key): 200", r.status == 200 and r.read() == b"uploaded")
date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 3600))
sig = sign(SK, f"GET\n\n\n{date}\n/"+BUCKET+"/up.bin")
c.request("GET", "/"+BUCKET+"/up.bin", headers={"Date": date, "Authorization": f"AWS {AK}:{sig}"})
r = c.getresponse(); r.read()
check("a header-signed V2 request an hour old: 403 RequestTimeTooSkewed", r.status == 403)
tagging = b'<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>'
date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
sig = sign(SK, f"PUT\n\napplication/xml\n{date}\nx-amz-meta-ignored:a,b\n/{BUCKET}/up.bin?tagging")
c.request("PUT", f"/{BUCKET}/up.bin?tagging", body=tagging, headers={"Date": date, "Content-Type": "application/xml",
          "x-amz-meta-ignored": "a", "X-Amz-Meta-Ignored": " b ", "Authorization": f"AWS {AK}:{sig}"})
r = c.getresponse(); r.read()
check("a hand-signed V2 ?tagging (sub-resource and repeated x-amz- headers in the string to sign): 200", r.status == 200)
check("  ... the tags are set", v2.get_object_tagging(Bucket=BUCKET, Key="up.bin")["TagSet"] == [{"Key": "k", "Value": "v"}]
      if tuple(int(x) for x in botocore.__version__.split(".")[:2]) >= (1, 31) else True)
c.request("GET", "/"+BUCKET+"/up.bin", headers={"Authorization": f"AWS {AK}"})
r = c.getresponse(); r.read()
check("a malformed V2 Authorization header: 400", r.status == 400)
