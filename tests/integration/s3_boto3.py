#!/usr/bin/python3
"""s3_boto3.py - S3 API checks with Debian's boto3 (1.26) against a running cairn.
Usage: s3_boto3.py URL DATA_DIR   (keys from CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY)
Prints one "ok - ..." or "not ok - ..." line per check."""
import hashlib, os, sys, time, urllib.parse, urllib.request, urllib.error, base64
import boto3, botocore
from botocore.config import Config

url, data_dir = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                  aws_access_key_id=os.environ["CAIRN_ACCESS_KEY"],
                  aws_secret_access_key=os.environ["CAIRN_SECRET_KEY"],
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                signature_version="s3v4"))   # SigV4 presigned URLs too

def check(name, cond):
    print(("ok - " if cond else "not ok - ") + "s3 " + name, flush=True)

def error_code(fn, *a, **kw):
    try:
        fn(*a, **kw)
        return None
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]

def block_bytes():
    total = 0
    for root, _, files in os.walk(os.path.join(data_dir, "blocks")):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total

# buckets
s3.create_bucket(Bucket="alpha")
check("CreateBucket then ListBuckets", [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["alpha"])
check("CreateBucket of your own bucket again (us-east-1, as S3): 200", error_code(s3.create_bucket, Bucket="alpha") is None)
check("invalid bucket name: InvalidBucketName", error_code(s3.create_bucket, Bucket="Bad_Name") == "InvalidBucketName")
check("HeadBucket", s3.head_bucket(Bucket="alpha")["ResponseMetadata"]["HTTPStatusCode"] == 200)
check("HeadBucket of a missing bucket: 404", error_code(s3.head_bucket, Bucket="nope") == "404")
check("GetBucketLocation", s3.get_bucket_location(Bucket="alpha").get("LocationConstraint") in (None, ""))
check("GetBucketVersioning: not enabled", "Status" not in s3.get_bucket_versioning(Bucket="alpha"))
check("PutObject to a missing bucket: NoSuchBucket", error_code(s3.put_object, Bucket="nope", Key="k", Body=b"x") == "NoSuchBucket")

# objects
for size in (0, 1, 1024, 5 * 1024 * 1024 + 3):
    data = os.urandom(size)
    r = s3.put_object(Bucket="alpha", Key=f"obj/{size}", Body=data, ContentType="application/x-cairn")
    check(f"PutObject {size} B: ETag is the MD5", r["ETag"] == '"%s"' % hashlib.md5(data).hexdigest())
    g = s3.get_object(Bucket="alpha", Key=f"obj/{size}")
    check(f"GetObject {size} B round trip", g["Body"].read() == data)
    check(f"GetObject {size} B Content-Type kept", g["ContentType"] == "application/x-cairn")
    h = s3.head_object(Bucket="alpha", Key=f"obj/{size}")
    check(f"HeadObject {size} B size", h["ContentLength"] == size)
big = os.urandom(3 * 1024 * 1024)
s3.put_object(Bucket="alpha", Key="weird key/ü+%&=?.bin", Body=big)
check("key with spaces, unicode and reserved characters", s3.get_object(Bucket="alpha", Key="weird key/ü+%&=?.bin")["Body"].read() == big)
r = s3.get_object(Bucket="alpha", Key="weird key/ü+%&=?.bin", Range="bytes=1048570-1048590")
check("ranged GetObject across a chunk", r["Body"].read() == big[1048570:1048591] and r["ContentRange"] == "bytes 1048570-1048590/%d" % len(big))
check("unsatisfiable range: InvalidRange", error_code(s3.get_object, Bucket="alpha", Key="obj/1024", Range="bytes=5000-") == "InvalidRange")
check("GetObject of a missing key: NoSuchKey", error_code(s3.get_object, Bucket="alpha", Key="missing") == "NoSuchKey")
check("GetObject in a missing bucket: NoSuchBucket", error_code(s3.get_object, Bucket="nope", Key="missing") == "NoSuchBucket")
check("key over 1024 bytes: KeyTooLongError", error_code(s3.put_object, Bucket="alpha", Key="k" * 1025, Body=b"x") == "KeyTooLongError")
bad_md5 = base64.b64encode(hashlib.md5(b"other").digest()).decode()
check("wrong Content-MD5: BadDigest", error_code(s3.put_object, Bucket="alpha", Key="obj/1", Body=b"changed", ContentMD5=bad_md5) == "BadDigest")
check("  ... and the object is unchanged", s3.head_object(Bucket="alpha", Key="obj/1")["ContentLength"] == 1)
good_md5 = base64.b64encode(hashlib.md5(b"fine").digest()).decode()
s3.put_object(Bucket="alpha", Key="md5ok", Body=b"fine", ContentMD5=good_md5)
check("right Content-MD5 accepted", s3.get_object(Bucket="alpha", Key="md5ok")["Body"].read() == b"fine")
s3.delete_object(Bucket="alpha", Key="md5ok")
check("DeleteObject", error_code(s3.head_object, Bucket="alpha", Key="md5ok") == "404")
check("DeleteObject of a missing key: 204", s3.delete_object(Bucket="alpha", Key="md5ok")["ResponseMetadata"]["HTTPStatusCode"] == 204)
check("not yet implemented: NotImplemented", error_code(s3.get_bucket_website, Bucket="alpha") == "NotImplemented")

# presigned URLs with plain urllib
pre = s3.generate_presigned_url("get_object", Params={"Bucket": "alpha", "Key": "obj/1024"}, ExpiresIn=60)
check("presigned GET with urllib", urllib.request.urlopen(pre).read() == s3.get_object(Bucket="alpha", Key="obj/1024")["Body"].read())
pre = s3.generate_presigned_url("get_object", Params={"Bucket": "alpha", "Key": "obj/1024"}, ExpiresIn=1)
time.sleep(2)
try:
    urllib.request.urlopen(pre); code = 200
except urllib.error.HTTPError as e:
    code, body = e.code, e.read().decode()
check("expired presigned URL: 403 with an S3 XML error", code == 403 and "<Code>AccessDenied</Code>" in body and "<RequestId>" in body)

# dedup through content-defined chunks
s3.create_bucket(Bucket="dedup")
blob = os.urandom(64 * 1024 * 1024)
before = block_bytes()
s3.put_object(Bucket="dedup", Key="one", Body=blob)
first = block_bytes() - before
s3.put_object(Bucket="dedup", Key="two", Body=blob)
second = block_bytes() - before - first
check(f"same 64 MiB under a second key grows block storage by {second} B (< 1 %)", second < first / 100)
edited = blob[:1000] + b"!" + blob[1000:]
s3.put_object(Bucket="dedup", Key="three", Body=edited)
third = block_bytes() - before - first - second
check(f"one byte inserted near the start grows it by {100 * third / first:.1f} % (< 10 %)", third < first / 10)
check("the edited object reads back", s3.get_object(Bucket="dedup", Key="three")["Body"].read() == edited)

# listing
for i in range(1100):
    s3.put_object(Bucket="dedup", Key="many/%04d" % i, Body=b"")
for k in ("a/1", "a/2", "b/1", "c"):
    s3.put_object(Bucket="dedup", Key="tree/" + k, Body=b"x")
pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket="dedup", Prefix="many/"))
keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
check("ListObjectsV2 paginator over 1100 keys (2 pages)", keys == ["many/%04d" % i for i in range(1100)] and len(pages) == 2)
pages = list(s3.get_paginator("list_objects").paginate(Bucket="dedup", Prefix="many/", PaginationConfig={"PageSize": 300}))
check("ListObjects v1 paginator, 300 per page", sum(len(p.get("Contents", [])) for p in pages) == 1100 and len(pages) == 4)
r = s3.list_objects_v2(Bucket="dedup", Prefix="tree/", Delimiter="/")
check("delimiter: CommonPrefixes and Contents", [c["Prefix"] for c in r["CommonPrefixes"]] == ["tree/a/", "tree/b/"] and [o["Key"] for o in r["Contents"]] == ["tree/c"])
r = s3.list_objects_v2(Bucket="dedup", Prefix="tree/", Delimiter="/", MaxKeys=1)
r2 = s3.list_objects_v2(Bucket="dedup", Prefix="tree/", Delimiter="/", MaxKeys=5, ContinuationToken=r["NextContinuationToken"])
check("delimiter with max-keys and a continuation token", r["IsTruncated"] and [c["Prefix"] for c in r2["CommonPrefixes"]] == ["tree/b/"])
r = s3.list_objects_v2(Bucket="dedup", Prefix="tree/", StartAfter="tree/a/2")
check("start-after", [o["Key"] for o in r["Contents"]] == ["tree/b/1", "tree/c"])
r = s3.list_objects_v2(Bucket="alpha", Prefix="weird", EncodingType="url")
check("encoding-type=url", urllib.parse.unquote(r["Contents"][0]["Key"]) == "weird key/ü+%&=?.bin" and " " not in r["Contents"][0]["Key"])
check("bad continuation token: InvalidArgument", error_code(s3.list_objects_v2, Bucket="dedup", ContinuationToken="***") == "InvalidArgument")

# bucket deletion
check("DeleteBucket of a non-empty bucket: BucketNotEmpty", error_code(s3.delete_bucket, Bucket="alpha") == "BucketNotEmpty")
s3.create_bucket(Bucket="empty")
s3.delete_bucket(Bucket="empty")
check("DeleteBucket of an empty bucket", error_code(s3.head_bucket, Bucket="empty") == "404")

# multipart uploads
from boto3.s3.transfer import TransferConfig
s3.create_bucket(Bucket="multi")
MiB = 1024 * 1024
parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(123)]
up = s3.create_multipart_upload(Bucket="multi", Key="big", ContentType="video/x-test")
uid = up["UploadId"]
etags = [s3.upload_part(Bucket="multi", Key="big", UploadId=uid, PartNumber=i + 1, Body=p)["ETag"] for i, p in enumerate(parts)]
check("UploadPart ETags are the parts' MD5s", etags == ['"%s"' % hashlib.md5(p).hexdigest() for p in parts])
lp = s3.list_parts(Bucket="multi", Key="big", UploadId=uid)
check("ListParts", [p["PartNumber"] for p in lp["Parts"]] == [1, 2, 3] and lp["Parts"][2]["Size"] == 123)
check("ListMultipartUploads", [u["UploadId"] for u in s3.list_multipart_uploads(Bucket="multi")["Uploads"]] == [uid])
bad = [{"PartNumber": 2, "ETag": etags[1]}, {"PartNumber": 1, "ETag": etags[0]}]
check("Complete with parts out of order: InvalidPartOrder",
      error_code(s3.complete_multipart_upload, Bucket="multi", Key="big", UploadId=uid, MultipartUpload={"Parts": bad}) == "InvalidPartOrder")
bad = [{"PartNumber": 1, "ETag": etags[1]}]
check("Complete with a wrong ETag: InvalidPart",
      error_code(s3.complete_multipart_upload, Bucket="multi", Key="big", UploadId=uid, MultipartUpload={"Parts": bad}) == "InvalidPart")
done = s3.complete_multipart_upload(Bucket="multi", Key="big", UploadId=uid,
                                    MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
want = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + "-3"
check("CompleteMultipartUpload ETag is md5-of-md5s-N", done["ETag"] == '"%s"' % want)
g = s3.get_object(Bucket="multi", Key="big")
check("the completed object reads back whole", g["Body"].read() == b"".join(parts) and g["ContentType"] == "video/x-test")
r = s3.get_object(Bucket="multi", Key="big", Range="bytes=%d-%d" % (5 * MiB - 10, 5 * MiB + 9))
check("a range across the part boundary", r["Body"].read() == (parts[0] + parts[1])[5 * MiB - 10:5 * MiB + 10])
check("the upload is gone after completion", error_code(s3.list_parts, Bucket="multi", Key="big", UploadId=uid) == "NoSuchUpload")
# UploadPartCopy: a whole object (manifest reused) and ranges of a multipart object (re-chunked)
whole = b"".join(parts)
up = s3.create_multipart_upload(Bucket="multi", Key="copied")
before = block_bytes()
c1 = s3.upload_part_copy(Bucket="multi", Key="copied", UploadId=up["UploadId"], PartNumber=1,
                         CopySource={"Bucket": "alpha", "Key": "obj/5242883"})["CopyPartResult"]["ETag"]
src1 = s3.get_object(Bucket="alpha", Key="obj/5242883")["Body"].read()
check("UploadPartCopy of a whole object: ETag is its MD5", c1 == '"%s"' % hashlib.md5(src1).hexdigest())
c2 = s3.upload_part_copy(Bucket="multi", Key="copied", UploadId=up["UploadId"], PartNumber=2,
                         CopySource="multi/big", CopySourceRange="bytes=1000-%d" % (5 * MiB + 1999))["CopyPartResult"]["ETag"]
check("UploadPartCopy of a range: ETag is the range's MD5", c2 == '"%s"' % hashlib.md5(whole[1000:5 * MiB + 2000]).hexdigest())
check("UploadPartCopy with a range past the end: InvalidRange",
      error_code(s3.upload_part_copy, Bucket="multi", Key="copied", UploadId=up["UploadId"], PartNumber=3,
                 CopySource="multi/big", CopySourceRange="bytes=0-%d" % len(whole)) == "InvalidRange")
check("UploadPartCopy from a missing key: NoSuchKey",
      error_code(s3.upload_part_copy, Bucket="multi", Key="copied", UploadId=up["UploadId"], PartNumber=3,
                 CopySource="multi/nope") == "NoSuchKey")
s3.complete_multipart_upload(Bucket="multi", Key="copied", UploadId=up["UploadId"],
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": c1}, {"PartNumber": 2, "ETag": c2}]})
check("  ... the completed copy reads back", s3.get_object(Bucket="multi", Key="copied")["Body"].read() == src1 + whole[1000:5 * MiB + 2000])
check("  ... and stored fewer new bytes than it copied (%d)" % (block_bytes() - before), block_bytes() - before < 5 * MiB)
up = s3.create_multipart_upload(Bucket="multi", Key="from-inline")
small_src = s3.get_object(Bucket="alpha", Key="obj/1024")["Body"].read()
ci = s3.upload_part_copy(Bucket="multi", Key="from-inline", UploadId=up["UploadId"], PartNumber=1,
                         CopySource="alpha/obj/1024", CopySourceRange="bytes=10-99")["CopyPartResult"]["ETag"]
s3.complete_multipart_upload(Bucket="multi", Key="from-inline", UploadId=up["UploadId"],
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": ci}]})
check("UploadPartCopy of a range of a small (inline) object",
      s3.get_object(Bucket="multi", Key="from-inline")["Body"].read() == small_src[10:100])
up = s3.create_multipart_upload(Bucket="multi", Key="small-parts")
e1 = s3.upload_part(Bucket="multi", Key="small-parts", UploadId=up["UploadId"], PartNumber=1, Body=b"a" * 100)["ETag"]
e2 = s3.upload_part(Bucket="multi", Key="small-parts", UploadId=up["UploadId"], PartNumber=2, Body=b"b" * 100)["ETag"]
check("a non-last part under 5 MiB: EntityTooSmall",
      error_code(s3.complete_multipart_upload, Bucket="multi", Key="small-parts", UploadId=up["UploadId"],
                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]}) == "EntityTooSmall")
s3.abort_multipart_upload(Bucket="multi", Key="small-parts", UploadId=up["UploadId"])
check("AbortMultipartUpload", error_code(s3.list_parts, Bucket="multi", Key="small-parts", UploadId=up["UploadId"]) == "NoSuchUpload")
check("UploadPart to an unknown upload: NoSuchUpload",
      error_code(s3.upload_part, Bucket="multi", Key="k", UploadId="nope", PartNumber=1, Body=b"x") == "NoSuchUpload")
path = os.path.join(data_dir, "..", "upload-src")
blob = os.urandom(21 * MiB)
open(path, "wb").write(blob)
s3.upload_file(path, "multi", "via-upload-file", Config=TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB))
h = s3.head_object(Bucket="multi", Key="via-upload-file")
check("boto3 upload_file with multipart (21 MiB in 8 MiB parts)", h["ContentLength"] == len(blob) and h["ETag"].endswith('-3"'))
check("  ... reads back", s3.get_object(Bucket="multi", Key="via-upload-file")["Body"].read() == blob)
os.unlink(path)

# metadata, standard headers, conditional requests
s3.put_object(Bucket="alpha", Key="meta", Body=b"hello", Metadata={"Owner": "ada", "x": "1"},
              ContentEncoding="identity", ContentDisposition='attachment; filename="h.txt"',
              CacheControl="max-age=60", ContentLanguage="en", Expires="Wed, 21 Oct 2037 07:28:00 GMT")
h = s3.head_object(Bucket="alpha", Key="meta")
check("user metadata x-amz-meta-* round trip", h["Metadata"] == {"owner": "ada", "x": "1"})
check("Content-Encoding, -Disposition, Cache-Control, Content-Language, Expires kept",
      h["ContentEncoding"] == "identity" and h["ContentDisposition"] == 'attachment; filename="h.txt"'
      and h["CacheControl"] == "max-age=60" and h["ContentLanguage"] == "en" and h["Expires"].year == 2037)
g = s3.get_object(Bucket="alpha", Key="meta", ResponseContentType="text/x-over", ResponseCacheControl="no-cache")
check("response-content-type and response-cache-control overrides", g["ContentType"] == "text/x-over" and g["CacheControl"] == "no-cache")
etag = h["ETag"]
check("If-None-Match with the ETag: 304", error_code(s3.get_object, Bucket="alpha", Key="meta", IfNoneMatch=etag) == "304")
check("If-Match with another ETag: PreconditionFailed", error_code(s3.get_object, Bucket="alpha", Key="meta", IfMatch='"0000"') == "PreconditionFailed")
check("If-Match with the ETag: 200", s3.get_object(Bucket="alpha", Key="meta", IfMatch=etag)["Body"].read() == b"hello")
import datetime
future = datetime.datetime.utcnow() + datetime.timedelta(days=1)
past = datetime.datetime.utcnow() - datetime.timedelta(days=1)
check("If-Modified-Since in the future: 304", error_code(s3.get_object, Bucket="alpha", Key="meta", IfModifiedSince=future) == "304")
check("If-Unmodified-Since in the past: PreconditionFailed", error_code(s3.get_object, Bucket="alpha", Key="meta", IfUnmodifiedSince=past) == "PreconditionFailed")

# CopyObject and DeleteObjects
before = block_bytes()
s3.copy_object(Bucket="dedup", Key="copy-of-one", CopySource={"Bucket": "dedup", "Key": "one"})
check("CopyObject copies no bytes", block_bytes() == before)
check("  ... and the copy reads back", s3.get_object(Bucket="dedup", Key="copy-of-one")["Body"].read() == s3.get_object(Bucket="dedup", Key="one")["Body"].read())
s3.copy_object(Bucket="alpha", Key="meta-copy", CopySource="alpha/meta")
check("CopyObject with COPY keeps metadata", s3.head_object(Bucket="alpha", Key="meta-copy")["Metadata"] == {"owner": "ada", "x": "1"})
s3.copy_object(Bucket="alpha", Key="meta-copy", CopySource="alpha/meta", MetadataDirective="REPLACE",
               Metadata={"new": "yes"}, ContentType="text/plain")
h = s3.head_object(Bucket="alpha", Key="meta-copy")
check("CopyObject with REPLACE sets new metadata", h["Metadata"] == {"new": "yes"} and h["ContentType"] == "text/plain")
check("CopyObject of a missing source: NoSuchKey", error_code(s3.copy_object, Bucket="alpha", Key="x", CopySource="alpha/none") == "NoSuchKey")
r = s3.delete_objects(Bucket="alpha", Delete={"Objects": [{"Key": "meta"}, {"Key": "meta-copy"}, {"Key": "never-was"}]})
check("DeleteObjects", sorted(d["Key"] for d in r["Deleted"]) == ["meta", "meta-copy", "never-was"])
check("  ... they are gone", error_code(s3.head_object, Bucket="alpha", Key="meta") == "404")
s3.put_object(Bucket="alpha", Key="q1", Body=b"1")
r = s3.delete_objects(Bucket="alpha", Delete={"Objects": [{"Key": "q1"}], "Quiet": True})
check("DeleteObjects Quiet answers no Deleted list", "Deleted" not in r and error_code(s3.head_object, Bucket="alpha", Key="q1") == "404")
