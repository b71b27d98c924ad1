#!/usr/bin/python3
"""s3_versioning.py - S3 object versioning with boto3: Enabled and Suspended buckets, version ids on
PUT / copy / multipart, GET / HEAD / DELETE of a version, delete markers, ListObjectVersions with its
markers and pagination, copies from a version, tagging a version, DeleteObjects with versions, and
who may read old versions.
Usage: s3_versioning.py URL LABEL (owner keys in CAIRN_ACCESS_KEY/SECRET; another user's in BOB_*)."""
import os, sys
import boto3, botocore
from botocore.config import Config

url, label = sys.argv[1], sys.argv[2]
def client(ak, sk):
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=ak, aws_secret_access_key=sk,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
s3 = client(os.environ["CAIRN_ACCESS_KEY"], os.environ["CAIRN_SECRET_KEY"])
bob = client(os.environ["BOB_ACCESS_KEY"], os.environ["BOB_SECRET_KEY"])
def check(name, cond): print(("ok - " if cond else "not ok - ") + f"versioning ({label}) " + name, flush=True)
def code(fn, *a, **kw):
    try: fn(*a, **kw); return None
    except botocore.exceptions.ClientError as e: return e.response["Error"]["Code"]
def body(**kw): return s3.get_object(**kw)["Body"].read()

B = "ver-" + label.replace(".", "")
s3.create_bucket(Bucket=B)
s3.put_object(Bucket=B, Key="k", Body=b"before")     # the null version, from before versioning
check("a PUT before versioning has no x-amz-version-id", "VersionId" not in s3.put_object(Bucket=B, Key="pre", Body=b"p"))
check("bob may not turn versioning on", code(bob.put_bucket_versioning, Bucket=B, VersioningConfiguration={"Status": "Enabled"}) == "AccessDenied")
s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Enabled"})
check("GetBucketVersioning: Enabled", s3.get_bucket_versioning(Bucket=B).get("Status") == "Enabled")
v1 = s3.put_object(Bucket=B, Key="k", Body=b"one")["VersionId"]
v2 = s3.put_object(Bucket=B, Key="k", Body=b"two")["VersionId"]
check("every PUT gets its own version id", v1 and v2 and v1 != v2 and v1 != "null")
check("GET: the newest", body(Bucket=B, Key="k") == b"two")
check("GET ?versionId: an older one", body(Bucket=B, Key="k", VersionId=v1) == b"one")
check("GET ?versionId=null: the version from before versioning", body(Bucket=B, Key="k", VersionId="null") == b"before")
h = s3.head_object(Bucket=B, Key="k", VersionId=v1)
check("HEAD ?versionId: its size and version id", h["ContentLength"] == 3 and h["VersionId"] == v1)
check("GET answers x-amz-version-id", s3.get_object(Bucket=B, Key="k")["VersionId"] == v2)
check("a well-formed unknown versionId: NoSuchVersion", code(s3.get_object, Bucket=B, Key="k", VersionId="0" * 32) == "NoSuchVersion")

# delete markers
d = s3.delete_object(Bucket=B, Key="k")
check("DELETE without versionId: a delete marker", d.get("DeleteMarker") is True and d.get("VersionId") not in (None, "null", v1, v2))
marker = d["VersionId"]
try:
    s3.get_object(Bucket=B, Key="k"); got = None
except botocore.exceptions.ClientError as e:
    got = e.response
check("GET then: 404 NoSuchKey with x-amz-delete-marker",
      got and got["Error"]["Code"] == "NoSuchKey" and got["ResponseMetadata"]["HTTPHeaders"].get("x-amz-delete-marker") == "true")
check("GET of the marker's version: 405 MethodNotAllowed",
      code(s3.get_object, Bucket=B, Key="k", VersionId=marker) == "MethodNotAllowed")
check("the old versions are still there", body(Bucket=B, Key="k", VersionId=v2) == b"two")
check("ListObjectsV2 hides the key", [o["Key"] for o in s3.list_objects_v2(Bucket=B).get("Contents", [])] == ["pre"])
lv = s3.list_object_versions(Bucket=B, Prefix="k")
check("ListObjectVersions: three versions, newest first, none latest",
      [(x["VersionId"], x["IsLatest"]) for x in lv["Versions"]] == [(v2, False), (v1, False), ("null", False)])
check("  ... and the delete marker, latest", [(x["VersionId"], x["IsLatest"]) for x in lv["DeleteMarkers"]] == [(marker, True)])
d = s3.delete_object(Bucket=B, Key="k", VersionId=marker)
check("DELETE ?versionId of the marker: x-amz-delete-marker, and the key is back",
      d.get("DeleteMarker") is True and d.get("VersionId") == marker and body(Bucket=B, Key="k") == b"two")
check("bob may not delete a version", code(bob.delete_object, Bucket=B, Key="k", VersionId=v1) == "AccessDenied")
s3.delete_object(Bucket=B, Key="k", VersionId=v2)
check("DELETE ?versionId of the current one: the next older becomes current", body(Bucket=B, Key="k") == b"one")
check("  ... and the deleted version is gone", code(s3.get_object, Bucket=B, Key="k", VersionId=v2) == "NoSuchVersion")

# pagination over versions
for i in range(3): s3.put_object(Bucket=B, Key="p", Body=b"%d" % i)
seen, kw = [], {}
while True:
    page = s3.list_object_versions(Bucket=B, Prefix="p", MaxKeys=2, **kw)
    seen += [x["VersionId"] for x in page.get("Versions", [])]
    if not page["IsTruncated"]: break
    kw = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
check("ListObjectVersions pages by key-marker and version-id-marker", len(seen) == 4 and len(set(seen)) == 4)
pag = s3.get_paginator("list_object_versions")
n = sum(len(p.get("Versions", [])) for p in pag.paginate(Bucket=B, PaginationConfig={"PageSize": 1}))
check("  ... boto3's paginator sees every version", n == 3 + 2 + 1)   # p: 3; k: v1 and null; pre
d = s3.list_object_versions(Bucket=B, Delimiter="/")
check("  ... with a delimiter", "Versions" in d)

# copies and multipart make versions; a copy from a version
c = s3.copy_object(Bucket=B, Key="copy", CopySource={"Bucket": B, "Key": "k", "VersionId": "null"})
check("CopyObject from a version: x-amz-copy-source-version-id and a new version id",
      c.get("CopySourceVersionId") == "null" and c.get("VersionId") not in (None, "null"))
check("  ... with that version's bytes", body(Bucket=B, Key="copy") == b"before")
mp = s3.create_multipart_upload(Bucket=B, Key="mp")
up = s3.upload_part_copy(Bucket=B, Key="mp", UploadId=mp["UploadId"], PartNumber=1,
                         CopySource={"Bucket": B, "Key": "k", "VersionId": v1})
check("UploadPartCopy from a version", up.get("CopySourceVersionId") == v1)
done = s3.complete_multipart_upload(Bucket=B, Key="mp", UploadId=mp["UploadId"],
                                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": up["CopyPartResult"]["ETag"]}]})
check("CompleteMultipartUpload answers a version id", done.get("VersionId") not in (None, "null") and body(Bucket=B, Key="mp") == b"one")

# tagging one version
s3.put_object_tagging(Bucket=B, Key="k", VersionId="null", Tagging={"TagSet": [{"Key": "t", "Value": "old"}]})
check("PutObjectTagging ?versionId tags that version only",
      s3.get_object_tagging(Bucket=B, Key="k", VersionId="null")["TagSet"] == [{"Key": "t", "Value": "old"}]
      and s3.get_object_tagging(Bucket=B, Key="k")["TagSet"] == [])

# DeleteObjects with versions
r = s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": "p"}, {"Key": "copy", "VersionId": c["VersionId"]}]})
dm = [x for x in r["Deleted"] if x["Key"] == "p"]
check("DeleteObjects without VersionId: DeleteMarker and its id", dm and dm[0].get("DeleteMarker") is True and dm[0].get("DeleteMarkerVersionId"))
check("DeleteObjects with VersionId: that version is gone", code(s3.head_object, Bucket=B, Key="copy") == "404")

# Suspended: writes replace the null version, older versions stay
s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Suspended"})
s3.put_object(Bucket=B, Key="k", Body=b"s1")
s3.put_object(Bucket=B, Key="k", Body=b"s2")
vs = [x["VersionId"] for x in s3.list_object_versions(Bucket=B, Prefix="k")["Versions"]]
check("Suspended: PUTs replace the null version and keep the others", vs == ["null", v1] and body(Bucket=B, Key="k") == b"s2")

# a bucket with versions left cannot go
check("DeleteBucket with versions left: BucketNotEmpty", code(s3.delete_bucket, Bucket=B) == "BucketNotEmpty")
for page in pag.paginate(Bucket=B):
    objs = [{"Key": x["Key"], "VersionId": x["VersionId"]} for x in page.get("Versions", []) + page.get("DeleteMarkers", [])]
    if objs: s3.delete_objects(Bucket=B, Delete={"Objects": objs})
check("  ... after deleting every version: gone", code(s3.delete_bucket, Bucket=B) is None)
