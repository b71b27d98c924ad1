#!/usr/bin/python3
"""s3_sse.py - server-side encryption with boto3: SSE-S3 per object and as a bucket default
(Put/Get/DeleteBucketEncryption), SSE-C (a wrong or missing key refused; the right key round-trips
through single PUT, multipart, range reads, copies between encryptions and UploadPartCopy), and
SSE-KMS refused rather than ignored.
Usage: s3_sse.py URL LABEL DATA_DIR (owner keys in CAIRN_ACCESS_KEY/SECRET)."""
import hashlib, os, sys
import boto3, botocore
from botocore.config import Config

url, label, data = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=os.environ["CAIRN_ACCESS_KEY"],
                  aws_secret_access_key=os.environ["CAIRN_SECRET_KEY"],
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
def check(name, cond): print(("ok - " if cond else "not ok - ") + f"sse ({label}) " + name, flush=True)
def code(fn, *a, **kw):
    try: fn(*a, **kw); return None
    except botocore.exceptions.ClientError as e: return e.response["Error"]["Code"]
def blocks_contain(needle):
    for root, _, files in os.walk(os.path.join(data, "blocks")):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                if needle in fh.read(): return True
    return False

B = "sse-" + label.replace(".", "")
s3.create_bucket(Bucket=B)
# SSE-S3: recognisable plaintext, never on disk
plain = b"".join(b"cairn-sse-plaintext-%08d|" % i for i in range(120000))   # ~3 MiB, several chunks
r = s3.put_object(Bucket=B, Key="s3", Body=plain, ServerSideEncryption="AES256")
check("PutObject with SSE-S3 answers x-amz-server-side-encryption", r.get("ServerSideEncryption") == "AES256")
g = s3.get_object(Bucket=B, Key="s3")
check("  ... GET returns the bytes and the header", g["Body"].read() == plain and g.get("ServerSideEncryption") == "AES256")
check("  ... a range read", s3.get_object(Bucket=B, Key="s3", Range="bytes=1048570-1048600")["Body"].read() == plain[1048570:1048601])
check("  ... no block file holds any of its plaintext", not blocks_contain(b"cairn-sse-plaintext-0000"))
blocks_before = sum(len(f) for _, _, f in os.walk(os.path.join(data, "blocks")))
s3.put_object(Bucket=B, Key="s3-again", Body=plain, ServerSideEncryption="AES256")
blocks_after = sum(len(f) for _, _, f in os.walk(os.path.join(data, "blocks")))
check("  ... the same bytes again add no block (convergent: dedup still works)", blocks_after == blocks_before)
small = b"tiny secret"
s3.put_object(Bucket=B, Key="small", Body=small, ServerSideEncryption="AES256")
check("  ... a tiny object is sealed too (never inline in the catalog)", s3.get_object(Bucket=B, Key="small")["Body"].read() == small)
check("SSE-KMS: NotImplemented, nothing stored",
      code(s3.put_object, Bucket=B, Key="kms", Body=b"x", ServerSideEncryption="aws:kms") == "NotImplemented"
      and code(s3.head_object, Bucket=B, Key="kms") == "404")

# bucket default encryption
check("GetBucketEncryption without one: ServerSideEncryptionConfigurationNotFoundError",
      code(s3.get_bucket_encryption, Bucket=B) == "ServerSideEncryptionConfigurationNotFoundError")
s3.put_bucket_encryption(Bucket=B, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
rules = s3.get_bucket_encryption(Bucket=B)["ServerSideEncryptionConfiguration"]["Rules"]
check("PutBucketEncryption AES256 comes back", rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256")
r = s3.put_object(Bucket=B, Key="default", Body=b"x" * 100000)
check("  ... a PUT without SSE headers is then SSE-S3", r.get("ServerSideEncryption") == "AES256"
      and s3.head_object(Bucket=B, Key="default").get("ServerSideEncryption") == "AES256")
check("  ... a KMS default: NotImplemented",
      code(s3.put_bucket_encryption, Bucket=B, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}) == "NotImplemented")
s3.delete_bucket_encryption(Bucket=B)
check("DeleteBucketEncryption: gone", code(s3.get_bucket_encryption, Bucket=B) == "ServerSideEncryptionConfigurationNotFoundError")

# SSE-C
key, other = os.urandom(32), os.urandom(32)
C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
W = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": other}
body = os.urandom(3 << 20)
r = s3.put_object(Bucket=B, Key="c", Body=body, **C)
check("PutObject with SSE-C answers the key's MD5", r.get("SSECustomerKeyMD5") and r.get("SSECustomerAlgorithm") == "AES256")
check("  ... GET with the key", s3.get_object(Bucket=B, Key="c", **C)["Body"].read() == body)
check("  ... a range with the key", s3.get_object(Bucket=B, Key="c", Range="bytes=100-2000000", **C)["Body"].read() == body[100:2000001])
check("  ... GET without the key: 400 InvalidRequest", code(s3.get_object, Bucket=B, Key="c") == "InvalidRequest")
check("  ... HEAD without the key: 400", code(s3.head_object, Bucket=B, Key="c") == "400")
check("  ... GET with another key: 403 AccessDenied", code(s3.get_object, Bucket=B, Key="c", **W) == "AccessDenied")
check("  ... HEAD with the key", s3.head_object(Bucket=B, Key="c", **C)["ContentLength"] == len(body))
check("  ... a key for an unencrypted object: 400", code(s3.get_object, Bucket=B, Key="default", **C) in ("InvalidRequest", "InvalidArgument"))
# multipart with SSE-C (each part with the key)
mp = s3.create_multipart_upload(Bucket=B, Key="cmp", **C)
p1 = s3.upload_part(Bucket=B, Key="cmp", UploadId=mp["UploadId"], PartNumber=1, Body=body[:5 << 20] if len(body) > 5 << 20 else body + body, **C)
check("UploadPart with another key: refused",
      code(s3.upload_part, Bucket=B, Key="cmp", UploadId=mp["UploadId"], PartNumber=2, Body=b"y", **W) == "AccessDenied")
p2 = s3.upload_part(Bucket=B, Key="cmp", UploadId=mp["UploadId"], PartNumber=2, Body=b"tail", **C)
s3.complete_multipart_upload(Bucket=B, Key="cmp", UploadId=mp["UploadId"],
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]})
want = (body + body) + b"tail"
check("multipart with SSE-C round-trips", s3.get_object(Bucket=B, Key="cmp", **C)["Body"].read() == want)
check("  ... and needs the key", code(s3.get_object, Bucket=B, Key="cmp") == "InvalidRequest")
# copies between encryptions
s3.copy_object(Bucket=B, Key="c2plain", CopySource={"Bucket": B, "Key": "c"},
               CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key)
check("CopyObject SSE-C -> plain with the source key", s3.get_object(Bucket=B, Key="c2plain")["Body"].read() == body)
check("CopyObject of an SSE-C source without its key: refused",
      code(s3.copy_object, Bucket=B, Key="nokey", CopySource={"Bucket": B, "Key": "c"}) == "InvalidRequest")
s3.copy_object(Bucket=B, Key="c2other", CopySource={"Bucket": B, "Key": "c"},
               CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key, **W)
check("CopyObject SSE-C -> SSE-C under another key", s3.get_object(Bucket=B, Key="c2other", **W)["Body"].read() == body
      and code(s3.get_object, Bucket=B, Key="c2other", **C) == "AccessDenied")
s3.copy_object(Bucket=B, Key="s3copy", CopySource={"Bucket": B, "Key": "s3"}, ServerSideEncryption="AES256")
check("CopyObject SSE-S3 -> SSE-S3", s3.get_object(Bucket=B, Key="s3copy")["Body"].read() == plain)
s3.copy_object(Bucket=B, Key="s3", CopySource={"Bucket": B, "Key": "s3"}, **C)
check("CopyObject onto itself into SSE-C (a change of encryption)", s3.get_object(Bucket=B, Key="s3", **C)["Body"].read() == plain)
mp = s3.create_multipart_upload(Bucket=B, Key="pc", ServerSideEncryption="AES256")
up = s3.upload_part_copy(Bucket=B, Key="pc", UploadId=mp["UploadId"], PartNumber=1, CopySource={"Bucket": B, "Key": "c"},
                         CopySourceRange="bytes=0-999", CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key)
s3.complete_multipart_upload(Bucket=B, Key="pc", UploadId=mp["UploadId"],
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": up["CopyPartResult"]["ETag"]}]})
g = s3.get_object(Bucket=B, Key="pc")
check("UploadPartCopy of an SSE-C range into an SSE-S3 upload", g["Body"].read() == body[:1000] and g.get("ServerSideEncryption") == "AES256")
check("a malformed SSE-C key: 400", code(s3.put_object, Bucket=B, Key="bad", Body=b"x", SSECustomerAlgorithm="AES256",
                                        SSECustomerKey=b"short") in ("InvalidArgument", "400"))
