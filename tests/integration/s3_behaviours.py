#!/usr/bin/python3
"""s3_behaviours.py - S3 behaviours real clients and conformance suites check, each written from the
S3 API reference (listing edge cases, repeated and conditional multipart completion, copy
preconditions, conditional writes, tag limits, metadata round trips, digests, presign limits).
Usage: s3_behaviours.py URL   (keys in CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY).
One "ok - ..." / "not ok - ..." line per check."""
import base64, hashlib, http.client, os, sys, time, urllib.parse
import boto3, botocore
from botocore.config import Config

url = sys.argv[1]
AK, SK = os.environ["CAIRN_ACCESS_KEY"], os.environ["CAIRN_SECRET_KEY"]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=AK,
                  aws_secret_access_key=SK,
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                signature_version="s3v4"))
B = "behave-" + sys.argv[2].replace(".", "-") if len(sys.argv) > 2 else "behave"

def check(name, cond):
    print(("ok - " if cond else "not ok - ") + "s3 " + name, flush=True)

def code(fn, *a, **kw):
    try:
        fn(*a, **kw)
        return None
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]

def signed_req(method, path, headers=None, body=None):
    """headers of a SigV4-signed request built by hand (botocore's signer)"""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    req = AWSRequest(method=method, url=url + path, data=body, headers=headers or {})
    S3SigV4Auth(Credentials(AK, SK), "s3", "us-east-1").add_auth(req)
    return dict(req.headers.items())

def signed(method, path, headers=None, body=None):
    """a SigV4-signed request built by hand, the answer unparsed"""
    return raw(method, path, signed_req(method, path, headers, body), body)

def raw(method, path, headers=None, body=None):
    parts = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(parts.netloc)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    out = r.status, r.read()
    c.close()
    return out

s3.create_bucket(Bucket=B)
for k in ["a/1", "a/2", "b", "c d", "e+f"]:
    s3.put_object(Bucket=B, Key=k, Body=b"x")

# listing
r = s3.list_objects_v2(Bucket=B, MaxKeys=0)
check("ListObjectsV2 MaxKeys=0: no keys, not truncated", r["KeyCount"] == 0 and not r["IsTruncated"] and "Contents" not in r)
r = s3.list_objects(Bucket=B, MaxKeys=0)
check("ListObjects MaxKeys=0: not truncated", not r["IsTruncated"] and "Contents" not in r)
r = s3.list_objects_v2(Bucket=B, FetchOwner=True)
check("ListObjectsV2 fetch-owner=true: every entry has an Owner", all("Owner" in o and o["Owner"].get("ID") for o in r["Contents"]))
r = s3.list_objects_v2(Bucket=B)
check("ListObjectsV2 without fetch-owner: no Owner", all("Owner" not in o for o in r["Contents"]))
check("ListObjects (v1): Owner shown", all("Owner" in o for o in s3.list_objects(Bucket=B)["Contents"]))
p1 = s3.list_objects_v2(Bucket=B, MaxKeys=2, StartAfter="a/1")
p2 = s3.list_objects_v2(Bucket=B, MaxKeys=2, StartAfter="a/1", ContinuationToken=p1["NextContinuationToken"])
check("StartAfter is echoed beside a ContinuationToken", p2.get("StartAfter") == "a/1")
check("  ... and the pages continue", [o["Key"] for o in p1["Contents"] + p2["Contents"]] == ["a/2", "b", "c d", "e+f"])
st, body = signed("GET", f"/{B}?prefix=c%20&encoding-type=url")
check("v1 encoding-type=url: the echoed Prefix is as sent", b"<Prefix>c </Prefix>" in body and b"<Key>c%20d</Key>" in body)

# multipart: a part uploaded twice keeps the last, a repeated Complete answers the same
mp = s3.create_multipart_upload(Bucket=B, Key="mp")
s3.upload_part(Bucket=B, Key="mp", UploadId=mp["UploadId"], PartNumber=1, Body=b"first" * 2000000)
p = s3.upload_part(Bucket=B, Key="mp", UploadId=mp["UploadId"], PartNumber=1, Body=b"second" * 2000000)
parts = {"Parts": [{"PartNumber": 1, "ETag": p["ETag"]}]}
c1 = s3.complete_multipart_upload(Bucket=B, Key="mp", UploadId=mp["UploadId"], MultipartUpload=parts)
check("a part uploaded twice keeps the last upload", s3.get_object(Bucket=B, Key="mp")["Body"].read() == b"second" * 2000000)
try:
    c2 = s3.complete_multipart_upload(Bucket=B, Key="mp", UploadId=mp["UploadId"], MultipartUpload=parts)
    check("a repeated CompleteMultipartUpload: 200 with the same ETag", c2["ETag"] == c1["ETag"])
except botocore.exceptions.ClientError as e:
    check("a repeated CompleteMultipartUpload: 200 with the same ETag (got %s)" % e.response["Error"]["Code"], False)
check("  ... an upload id never used: NoSuchUpload",
      code(s3.complete_multipart_upload, Bucket=B, Key="mp", UploadId="nope", MultipartUpload=parts) == "NoSuchUpload")
mp2 = s3.create_multipart_upload(Bucket=B, Key="mp2")
check("UploadPartCopy with a CopySourceRange that is not one range: InvalidArgument",
      code(s3.upload_part_copy, Bucket=B, Key="mp2", UploadId=mp2["UploadId"], PartNumber=1,
           CopySource={"Bucket": B, "Key": "mp"}, CopySourceRange="bytes=0-1,5-9") == "InvalidArgument")
check("  ... or not bytes=: InvalidArgument",
      code(s3.upload_part_copy, Bucket=B, Key="mp2", UploadId=mp2["UploadId"], PartNumber=1,
           CopySource={"Bucket": B, "Key": "mp"}, CopySourceRange="0-5") == "InvalidArgument")
s3.abort_multipart_upload(Bucket=B, Key="mp2", UploadId=mp2["UploadId"])

# copy preconditions and self-copy
etag = s3.head_object(Bucket=B, Key="b")["ETag"]
src = {"Bucket": B, "Key": "b"}
check("copy with x-amz-copy-source-if-match of another ETag: 412",
      code(s3.copy_object, Bucket=B, Key="b2", CopySource=src, CopySourceIfMatch='"0000"') == "PreconditionFailed")
check("copy with x-amz-copy-source-if-none-match of its ETag: 412",
      code(s3.copy_object, Bucket=B, Key="b2", CopySource=src, CopySourceIfNoneMatch=etag) == "PreconditionFailed")
check("copy with x-amz-copy-source-if-unmodified-since in the past: 412",
      code(s3.copy_object, Bucket=B, Key="b2", CopySource=src, CopySourceIfUnmodifiedSince=time.time() - 86400) == "PreconditionFailed")
check("copy with x-amz-copy-source-if-modified-since in the future: 412",
      code(s3.copy_object, Bucket=B, Key="b2", CopySource=src, CopySourceIfModifiedSince=time.time() + 86400) == "PreconditionFailed")
check("  ... nothing was written", code(s3.head_object, Bucket=B, Key="b2") == "404")
check("copy with x-amz-copy-source-if-match of its ETag: copied",
      code(s3.copy_object, Bucket=B, Key="b2", CopySource=src, CopySourceIfMatch=etag) is None)
check("copy onto itself without REPLACE: InvalidRequest",
      code(s3.copy_object, Bucket=B, Key="b", CopySource=src) == "InvalidRequest")
check("copy onto itself with REPLACE: allowed",
      code(s3.copy_object, Bucket=B, Key="b", CopySource=src, MetadataDirective="REPLACE", Metadata={"n": "1"}) is None)

# conditional writes (boto3 knows IfMatch / IfNoneMatch on PutObject from 1.35)
if "IfNoneMatch" in s3.meta.service_model.operation_model("PutObject").input_shape.members:
  check("PutObject If-None-Match: * on an existing key: 412",
        code(s3.put_object, Bucket=B, Key="b", Body=b"new", IfNoneMatch="*") == "PreconditionFailed")
  check("  ... the object is unchanged", s3.get_object(Bucket=B, Key="b")["Body"].read() == b"x")
  check("PutObject If-None-Match: * on a new key: written", code(s3.put_object, Bucket=B, Key="fresh", Body=b"1", IfNoneMatch="*") is None)
  etag = s3.head_object(Bucket=B, Key="fresh")["ETag"]
  check("PutObject If-Match with another ETag: 412",
        code(s3.put_object, Bucket=B, Key="fresh", Body=b"2", IfMatch='"00000000000000000000000000000000"') == "PreconditionFailed")
  check("PutObject If-Match on a missing key: 404 NoSuchKey",
        code(s3.put_object, Bucket=B, Key="missing", Body=b"2", IfMatch=etag) in ("NoSuchKey", "404"))
  check("PutObject If-Match with its ETag: written", code(s3.put_object, Bucket=B, Key="fresh", Body=b"2", IfMatch=etag) is None)
  mp3 = s3.create_multipart_upload(Bucket=B, Key="fresh")
  p = s3.upload_part(Bucket=B, Key="fresh", UploadId=mp3["UploadId"], PartNumber=1, Body=b"z")
  check("CompleteMultipartUpload If-None-Match: * over an existing key: 412",
        code(s3.complete_multipart_upload, Bucket=B, Key="fresh", UploadId=mp3["UploadId"], IfNoneMatch="*",
             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p["ETag"]}]}) == "PreconditionFailed")
  check("  ... the object is unchanged", s3.get_object(Bucket=B, Key="fresh")["Body"].read() == b"2")

# tagging
s3.put_object(Bucket=B, Key="t", Body=b"x", Tagging="a=1&b=2")
check("x-amz-tagging-count on GET", s3.get_object(Bucket=B, Key="t").get("TagCount") == 2)
h = s3.head_object(Bucket=B, Key="t")["ResponseMetadata"]["HTTPHeaders"]
check("x-amz-tagging-count on HEAD", h.get("x-amz-tagging-count") == "2")
many = {"TagSet": [{"Key": "k%d" % i, "Value": "v"} for i in range(11)]}
check("more than 10 tags: InvalidTag", code(s3.put_object_tagging, Bucket=B, Key="t", Tagging=many) == "InvalidTag")
check("a tag key over 128 characters: InvalidTag",
      code(s3.put_object_tagging, Bucket=B, Key="t", Tagging={"TagSet": [{"Key": "k" * 129, "Value": "v"}]}) == "InvalidTag")
check("a tag value over 256 characters: InvalidTag",
      code(s3.put_object_tagging, Bucket=B, Key="t", Tagging={"TagSet": [{"Key": "k", "Value": "v" * 257}]}) == "InvalidTag")
check("11 tags in x-amz-tagging on PUT: InvalidTag",
      code(s3.put_object, Bucket=B, Key="t2", Body=b"x", Tagging="&".join("k%d=v" % i for i in range(11))) == "InvalidTag")

# headers and metadata
s3.put_object(Bucket=B, Key="m", Body=b"x" * 70000, Metadata={"empty": ""}, ContentEncoding="gzip")
h = s3.head_object(Bucket=B, Key="m")
check("an empty x-amz-meta- value is kept", h["Metadata"].get("empty") == "")
check("Content-Encoding comes back without aws-chunked (newer SDKs send gzip,aws-chunked)", h.get("ContentEncoding") == "gzip")
md5 = base64.b64encode(hashlib.md5(b"x").digest()).decode()
check("a malformed Content-MD5: InvalidDigest",
      code(s3.put_object, Bucket=B, Key="d", Body=b"x", ContentMD5="not base64!") == "InvalidDigest")
check("a well-formed wrong Content-MD5: BadDigest",
      code(s3.put_object, Bucket=B, Key="d", Body=b"y", ContentMD5=md5) == "BadDigest")
st, body = raw("GET", "/no-such-bucket-here/k")
check("an anonymous request to a missing bucket: 404 NoSuchBucket", st == 404 and b"NoSuchBucket" in body)

# presign limits
u = s3.generate_presigned_url("get_object", Params={"Bucket": B, "Key": "b"}, ExpiresIn=604801)
p = urllib.parse.urlsplit(u)
st, body = raw("GET", p.path + "?" + p.query)
check("a presigned X-Amz-Expires over 604800: 403 AuthorizationQueryParametersError",
      st == 403 and b"AuthorizationQueryParametersError" in body)

# lifecycle validation and x-amz-expiration
def lc(rules):
    return code(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={"Rules": rules})
base = {"Filter": {"Prefix": "exp/"}, "Status": "Enabled", "Expiration": {"Days": 3}}
check("lifecycle: a rule ID over 255 characters is refused", lc([dict(base, ID="x" * 256)]) in ("InvalidArgument", "MalformedXML"))
check("lifecycle: two rules with one ID are refused", lc([dict(base, ID="same"), dict(base, ID="same")]) == "InvalidArgument")
check("lifecycle: Days 0 is refused", lc([dict(base, ID="z", Expiration={"Days": 0})]) == "InvalidArgument")
check("lifecycle: a Date not at midnight is refused",
      lc([dict(base, ID="d", Expiration={"Date": "2030-01-01T10:00:00Z"})]) == "InvalidArgument")
st, body = signed("PUT", f"/{B}?lifecycle", {"Content-Type": "application/xml"},
                  b"<LifecycleConfiguration><Rule><ID>s</ID><Filter><Prefix>a</Prefix></Filter><Status>enabled</Status>"
                  b"<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>")
check("lifecycle: Status other than Enabled|Disabled is MalformedXML", st == 400 and b"MalformedXML" in body)
legacy = (b"<LifecycleConfiguration><Rule><ID>legacy</ID><Prefix>old/</Prefix><Status>Enabled</Status>"
          b"<Expiration><Days>5</Days></Expiration></Rule></LifecycleConfiguration>")
st, _ = signed("PUT", f"/{B}?lifecycle", {"Content-Type": "application/xml"}, legacy)
st2, body = signed("GET", f"/{B}?lifecycle")
check("lifecycle: the legacy top-level <Prefix> form round-trips as sent",
      st == 200 and b"<Prefix>old/</Prefix>" in body and b"<Filter>" not in body)
check("lifecycle: a valid rule is stored", lc([dict(base, ID="three-days")]) is None)
put = s3.put_object(Bucket=B, Key="exp/x", Body=b"x")
exp = put["ResponseMetadata"]["HTTPHeaders"].get("x-amz-expiration", "")
check("x-amz-expiration on PUT names the rule", 'rule-id="three-days"' in exp and "expiry-date=" in exp)
check("  ... on HEAD", 'rule-id="three-days"' in s3.head_object(Bucket=B, Key="exp/x")["ResponseMetadata"]["HTTPHeaders"].get("x-amz-expiration", ""))
g = s3.get_object(Bucket=B, Key="exp/x")
check("  ... on GET, at a midnight UTC", g.get("Expiration", "").find("00:00:00 GMT") > 0)
check("  ... not on an object no rule covers", "x-amz-expiration" not in s3.head_object(Bucket=B, Key="b")["ResponseMetadata"]["HTTPHeaders"])

# parts and attributes
mp = s3.create_multipart_upload(Bucket=B, Key="parts")
p1 = os.urandom(5 << 20); p2 = os.urandom(1000)
e1 = s3.upload_part(Bucket=B, Key="parts", UploadId=mp["UploadId"], PartNumber=1, Body=p1)["ETag"]
e2 = s3.upload_part(Bucket=B, Key="parts", UploadId=mp["UploadId"], PartNumber=2, Body=p2)["ETag"]
s3.complete_multipart_upload(Bucket=B, Key="parts", UploadId=mp["UploadId"],
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
g = s3.get_object(Bucket=B, Key="parts", PartNumber=2)
check("GET ?partNumber=2: that part's bytes (206)", g["Body"].read() == p2 and g["ResponseMetadata"]["HTTPStatusCode"] == 206)
check("  ... with x-amz-mp-parts-count: 2", g.get("PartsCount") == 2)
h = s3.head_object(Bucket=B, Key="parts", PartNumber=1)
check("HEAD ?partNumber=1: the first part's length", h["ContentLength"] == 5 << 20 and h.get("PartsCount") == 2)
check("a part that does not exist: InvalidPartNumber", code(s3.get_object, Bucket=B, Key="parts", PartNumber=3) in ("InvalidPartNumber", "416"))
check("partNumber=1 of a single-PUT object: all of it", s3.get_object(Bucket=B, Key="b", PartNumber=1)["Body"].read() == b"x")
at = s3.get_object_attributes(Bucket=B, Key="parts", ObjectAttributes=["ETag", "ObjectParts", "StorageClass", "ObjectSize"])
check("GetObjectAttributes: ETag, size and storage class without the body",
      at["ETag"] == s3.head_object(Bucket=B, Key="parts")["ETag"].strip('"') and at["ObjectSize"] == (5 << 20) + 1000
      and at["StorageClass"] == "STANDARD")
check("  ... ObjectParts lists both parts", at["ObjectParts"]["TotalPartsCount"] == 2 and
      [p["Size"] for p in at["ObjectParts"]["Parts"]] == [5 << 20, 1000])
at = s3.get_object_attributes(Bucket=B, Key="parts", ObjectAttributes=["ObjectParts"], MaxParts=1)
check("  ... paged by MaxParts", at["ObjectParts"]["IsTruncated"] and at["ObjectParts"]["NextPartNumberMarker"] == 1)
check("GetObjectAttributes of a missing key: NoSuchKey",
      code(s3.get_object_attributes, Bucket=B, Key="nope", ObjectAttributes=["ETag"]) == "NoSuchKey")

# a bucket that was never versioned: its objects are "null" versions
v = s3.list_object_versions(Bucket=B, Prefix="a/")
check("ListObjectVersions: current objects as null versions", [(x["Key"], x["VersionId"], x["IsLatest"]) for x in v["Versions"]]
      == [("a/1", "null", True), ("a/2", "null", True)] and "DeleteMarkers" not in v)
p1 = s3.list_object_versions(Bucket=B, MaxKeys=2)
p2 = s3.list_object_versions(Bucket=B, MaxKeys=2, KeyMarker=p1["NextKeyMarker"], VersionIdMarker=p1["NextVersionIdMarker"])
check("  ... paginated by key-marker / version-id-marker", p1["IsTruncated"] and [x["Key"] for x in p1["Versions"]] == ["a/1", "a/2"]
      and p2["Versions"][0]["Key"] == "b")
d = s3.list_object_versions(Bucket=B, Delimiter="/", Prefix="")
check("  ... with a delimiter: CommonPrefixes", [c["Prefix"] for c in d.get("CommonPrefixes", [])][:1] == ["a/"])
check("GET with versionId=null: the object", s3.get_object(Bucket=B, Key="b", VersionId="null")["Body"].read() == b"x")
check("GET with another (well-formed) versionId: NoSuchVersion",
      code(s3.get_object, Bucket=B, Key="b", VersionId="0123456789abcdef0123456789abcdef") == "NoSuchVersion")
check("GET with a malformed versionId: InvalidArgument", code(s3.get_object, Bucket=B, Key="b", VersionId="3HL4kqtJlcpXroDTDmJ") == "InvalidArgument")
s3.put_object(Bucket=B, Key="gone", Body=b"1")
s3.delete_object(Bucket=B, Key="gone", VersionId="null")
check("DELETE with versionId=null removes it", code(s3.head_object, Bucket=B, Key="gone") == "404")

# multipart with x-amz-checksum-algorithm: part checksums echoed, the object's COMPOSITE checksum
mp = s3.create_multipart_upload(Bucket=B, Key="ckmp", ChecksumAlgorithm="SHA256")
check("CreateMultipartUpload echoes x-amz-checksum-algorithm", mp.get("ChecksumAlgorithm") == "SHA256")
bodies = [os.urandom(5 << 20), os.urandom(777)]
parts = []
for i, b in enumerate(bodies, 1):
    up = s3.upload_part(Bucket=B, Key="ckmp", UploadId=mp["UploadId"], PartNumber=i, Body=b, ChecksumAlgorithm="SHA256")
    parts.append({"PartNumber": i, "ETag": up["ETag"], "ChecksumSHA256": up.get("ChecksumSHA256")})
check("UploadPart echoes its SHA-256", parts[0]["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(bodies[0]).digest()).decode())
done = s3.complete_multipart_upload(Bucket=B, Key="ckmp", UploadId=mp["UploadId"], MultipartUpload={"Parts": parts})
want = base64.b64encode(hashlib.sha256(b"".join(hashlib.sha256(b).digest() for b in bodies)).digest()).decode() + "-2"
check("CompleteMultipartUpload answers the composite checksum", done.get("ChecksumSHA256") == want)
h = s3.head_object(Bucket=B, Key="ckmp", ChecksumMode="ENABLED")
check("  ... HEAD with checksum mode returns it", h.get("ChecksumSHA256") == want)
mp = s3.create_multipart_upload(Bucket=B, Key="ckmp2", ChecksumAlgorithm="CRC32")
up = s3.upload_part(Bucket=B, Key="ckmp2", UploadId=mp["UploadId"], PartNumber=1, Body=b"no checksum here")
if "ChecksumCRC32" not in up:   # an SDK that sent no checksum for the part
    check("a part without the upload's checksum fails Complete: InvalidPart",
          code(s3.complete_multipart_upload, Bucket=B, Key="ckmp2", UploadId=mp["UploadId"],
               MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": up["ETag"]}]}) == "InvalidPart")
st, body = signed("POST", f"/{B}/x?uploads", {"x-amz-checksum-algorithm": "MD5"})
check("an unknown x-amz-checksum-algorithm: InvalidRequest", st == 400 and b"InvalidRequest" in body)
check("lifecycle: NoncurrentVersionExpiration and ExpiredObjectDeleteMarker are kept",
      lc([{"ID": "nc", "Filter": {"Prefix": ""}, "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 7}},
          {"ID": "dm", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"ExpiredObjectDeleteMarker": True}}]) is None)
got = s3.get_bucket_lifecycle_configuration(Bucket=B)["Rules"]
check("  ... and come back", got[0]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 7 and got[1]["Expiration"]["ExpiredObjectDeleteMarker"])
check("lifecycle: a storage-class Transition is NotImplemented, not ignored",
      lc([{"ID": "t", "Filter": {"Prefix": ""}, "Status": "Enabled", "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}]) == "NotImplemented")

# hostile parameters
st, body = signed("GET", f"/{B}/parts?partNumber=abc")
check("partNumber=abc: 400", st == 400)
st, body = signed("GET", f"/{B}/parts?partNumber=1", {"Range": "bytes=0-1"})
check("partNumber with a Range: 400", st == 400)
st, body = signed("GET", f"/{B}/parts?attributes")
check("GetObjectAttributes without x-amz-object-attributes: InvalidRequest", st == 400 and b"InvalidRequest" in body)
st, body = signed("GET", f"/{B}?versions&key-marker=a&version-id-marker=xyz")
check("a malformed version-id-marker: 400", st == 400)

# DeleteObjects with version ids: null is the object, a malformed id is NoSuchVersion and deletes nothing
for k in ("dv1", "dv2", "dv3"): s3.put_object(Bucket=B, Key=k, Body=b"x")
res = s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": "dv1", "VersionId": "null"}, {"Key": "dv2", "VersionId": "abc"}, {"Key": "dv3"}]})
check("DeleteObjects: VersionId null deletes, with VersionId in the answer",
      {"Key": "dv1", "VersionId": "null"} in res.get("Deleted", []) and code(s3.head_object, Bucket=B, Key="dv1") == "404")
check("  ... another VersionId: NoSuchVersion, the object stays",
      any(e["Key"] == "dv2" and e["Code"] == "NoSuchVersion" for e in res.get("Errors", [])) and code(s3.head_object, Bucket=B, Key="dv2") is None)
check("  ... no VersionId: deleted", code(s3.head_object, Bucket=B, Key="dv3") == "404")

# versioning states (s3_versioning.py tests what they do)
check("PutBucketVersioning Suspended: accepted", code(s3.put_bucket_versioning, Bucket=B, VersioningConfiguration={"Status": "Suspended"}) is None)
check("  ... GetBucketVersioning: Suspended", s3.get_bucket_versioning(Bucket=B).get("Status") == "Suspended")
st, body = signed("PUT", f"/{B}?versioning", {}, b"<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>")
check("  ... a Status that is neither: MalformedXML", st == 400 and b"MalformedXML" in body)
st, body = signed("POST", f"/{B}/x?uploads", {"x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-type": "FULL_OBJECT"})
check("x-amz-checksum-type FULL_OBJECT with SHA256: InvalidRequest (SHA checksums are composite)", st == 400 and b"InvalidRequest" in body)
st, body = signed("POST", f"/{B}/x?uploads", {"x-amz-checksum-algorithm": "CRC32", "x-amz-checksum-type": "PARTIAL"})
check("an unknown x-amz-checksum-type: InvalidRequest", st == 400 and b"InvalidRequest" in body)

# FULL_OBJECT multipart checksums: the parts' CRCs combined into the CRC of all the bytes
import zlib
def crc32(data): return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
if "ChecksumType" in s3.meta.service_model.operation_model("CreateMultipartUpload").input_shape.members:
    bodies = [os.urandom(5 << 20), os.urandom(1234)]
    for alg, fn, kw in (("CRC32", crc32, {"ChecksumType": "FULL_OBJECT"}),):   # CRC64NVME needs botocore[crt]: test_s3_behaviours.sh
        mp = s3.create_multipart_upload(Bucket=B, Key="full-" + alg, ChecksumAlgorithm=alg, **kw)
        check(f"CreateMultipartUpload {alg}: x-amz-checksum-type FULL_OBJECT", mp.get("ChecksumType") == "FULL_OBJECT")
        parts = []
        for i, b in enumerate(bodies, 1):
            up = s3.upload_part(Bucket=B, Key="full-" + alg, UploadId=mp["UploadId"], PartNumber=i, Body=b, ChecksumAlgorithm=alg)
            parts.append({"PartNumber": i, "ETag": up["ETag"], "Checksum" + alg: up["Checksum" + alg]})
        done = s3.complete_multipart_upload(Bucket=B, Key="full-" + alg, UploadId=mp["UploadId"], MultipartUpload={"Parts": parts})
        want = fn(b"".join(bodies))
        check(f"  ... Complete answers the {alg} of the whole object", done.get("Checksum" + alg) == want and done.get("ChecksumType") == "FULL_OBJECT")
        h = s3.head_object(Bucket=B, Key="full-" + alg, ChecksumMode="ENABLED")
        check(f"  ... HEAD with checksum mode returns it", h.get("Checksum" + alg) == want)
    mp = s3.create_multipart_upload(Bucket=B, Key="full-bad", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    up = s3.upload_part(Bucket=B, Key="full-bad", UploadId=mp["UploadId"], PartNumber=1, Body=b"abc", ChecksumAlgorithm="CRC32")
    check("  ... a whole-object CRC that does not match on Complete: BadDigest, nothing stored",
          code(s3.complete_multipart_upload, Bucket=B, Key="full-bad", UploadId=mp["UploadId"], ChecksumCRC32="AAAAAA==",
               MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": up["ETag"], "ChecksumCRC32": up["ChecksumCRC32"]}]}) == "BadDigest"
          and code(s3.head_object, Bucket=B, Key="full-bad") == "404")
