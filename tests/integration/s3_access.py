#!/usr/bin/python3
"""s3_access.py - access control through the S3 API with boto3: bucket ACLs (canned, grant headers,
AccessControlPolicy documents) and what they let another user and anonymous do, object ACLs,
bucket policies and their status, bucket tagging, re-creating a bucket.
Usage: s3_access.py URL (owner keys in CAIRN_ACCESS_KEY/SECRET; another user's in BOB_ACCESS_KEY/SECRET)."""
import json, os, sys, urllib.request, urllib.error
import boto3, botocore
from botocore.config import Config

url = sys.argv[1]
def client(ak, sk):
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=ak, aws_secret_access_key=sk,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
s3 = client(os.environ["CAIRN_ACCESS_KEY"], os.environ["CAIRN_SECRET_KEY"])
bob = client(os.environ["BOB_ACCESS_KEY"], os.environ["BOB_SECRET_KEY"])
def check(name, cond): print(("ok - " if cond else "not ok - ") + "access " + name, flush=True)
def code(fn, *a, **kw):
    try: fn(*a, **kw); return None
    except botocore.exceptions.ClientError as e: return e.response["Error"]["Code"]
def anon(path):
    try:
        with urllib.request.urlopen(url + path) as r: return r.status
    except urllib.error.HTTPError as e: return e.code

s3.create_bucket(Bucket="acl")
s3.put_object(Bucket="acl", Key="k", Body=b"x")
check("CreateBucket of your own bucket again: 200 (us-east-1)", code(s3.create_bucket, Bucket="acl") is None)
check("another user's CreateBucket of it: BucketAlreadyExists", code(bob.create_bucket, Bucket="acl") == "BucketAlreadyExists")
acl = s3.get_bucket_acl(Bucket="acl")
check("GetBucketAcl: the owner with FULL_CONTROL, nothing else", [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
      and acl["Owner"]["ID"] == acl["Grants"][0]["Grantee"]["ID"])
check("anonymous GET of a private bucket's object: 403", anon("/acl/k") == 403)
s3.put_bucket_acl(Bucket="acl", ACL="public-read")
grants = s3.get_bucket_acl(Bucket="acl")["Grants"]
check("PutBucketAcl public-read: AllUsers READ shows", any(g["Grantee"].get("URI", "").endswith("/AllUsers") and g["Permission"] == "READ" for g in grants))
check("  ... and anonymous GET works", anon("/acl/k") == 200)
s3.put_bucket_acl(Bucket="acl", GrantRead='id="bob"')
grants = s3.get_bucket_acl(Bucket="acl")["Grants"]
check("PutBucketAcl with x-amz-grant-read id=bob replaces the ACL", any(g["Grantee"].get("ID") == "bob" and g["Permission"] == "READ" for g in grants)
      and not any("URI" in g["Grantee"] for g in grants))
check("  ... bob can read", code(bob.get_object, Bucket="acl", Key="k") is None)
check("  ... but not write", code(bob.put_object, Bucket="acl", Key="b", Body=b"y") == "AccessDenied")
check("  ... anonymous can no longer read", anon("/acl/k") == 403)
owner = acl["Owner"]
doc = {"Owner": owner, "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
                                   {"Grantee": {"Type": "CanonicalUser", "ID": "bob"}, "Permission": "WRITE"},
                                   {"Grantee": {"Type": "CanonicalUser", "ID": "bob"}, "Permission": "READ"}]}
s3.put_bucket_acl(Bucket="acl", AccessControlPolicy=doc)
check("PutBucketAcl with an AccessControlPolicy document: bob may now write", code(bob.put_object, Bucket="acl", Key="b", Body=b"y") is None)
check("bob cannot change the ACL (no WRITE_ACP)", code(bob.put_bucket_acl, Bucket="acl", ACL="public-read") == "AccessDenied")
bad = dict(doc, Grants=[{"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "a@b.c"}, "Permission": "READ"}])
check("a grant by e-mail: NotImplemented", code(s3.put_bucket_acl, Bucket="acl", AccessControlPolicy=bad) == "NotImplemented")
check("a canned ACL that does not exist: InvalidArgument", code(s3.put_bucket_acl, Bucket="acl", ACL="nonsense") in ("InvalidArgument", "InvalidRequest"))

oacl = s3.get_object_acl(Bucket="acl", Key="k")
check("GetObjectAcl: the owner's FULL_CONTROL", oacl["Grants"][0]["Permission"] == "FULL_CONTROL")
check("PutObjectAcl private: accepted (objects share the bucket's ACL)", code(s3.put_object_acl, Bucket="acl", Key="k", ACL="private") is None)
check("PutObjectAcl public-read: NotImplemented", code(s3.put_object_acl, Bucket="acl", Key="k", ACL="public-read") == "NotImplemented")
check("GetObjectAcl of a missing key: NoSuchKey", code(s3.get_object_acl, Bucket="acl", Key="nope") == "NoSuchKey")

check("GetBucketPolicy before one: NoSuchBucketPolicy", code(s3.get_bucket_policy, Bucket="acl") == "NoSuchBucketPolicy")
pol = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                "Resource": "arn:aws:s3:::acl/*"}]}
s3.put_bucket_policy(Bucket="acl", Policy=json.dumps(pol))
check("PutBucketPolicy then GetBucketPolicy", json.loads(s3.get_bucket_policy(Bucket="acl")["Policy"]) == pol)
check("GetBucketPolicyStatus: IsPublic true for Principal *", s3.get_bucket_policy_status(Bucket="acl")["PolicyStatus"]["IsPublic"])
check("  ... and anonymous GET works through the policy", anon("/acl/k") == 200)
check("a policy outside the supported subset: MalformedPolicy",
      code(s3.put_bucket_policy, Bucket="acl", Policy=json.dumps({"Statement": [{"Effect": "Maybe"}]})) == "MalformedPolicy")
check("bob may not read the policy", code(bob.get_bucket_policy, Bucket="acl") == "AccessDenied")
s3.delete_bucket_policy(Bucket="acl")
check("DeleteBucketPolicy", code(s3.get_bucket_policy, Bucket="acl") == "NoSuchBucketPolicy" and anon("/acl/k") == 403)

check("GetBucketTagging before any: NoSuchTagSet", code(s3.get_bucket_tagging, Bucket="acl") == "NoSuchTagSet")
s3.put_bucket_tagging(Bucket="acl", Tagging={"TagSet": [{"Key": "team", "Value": "data"}]})
check("PutBucketTagging then GetBucketTagging", s3.get_bucket_tagging(Bucket="acl")["TagSet"] == [{"Key": "team", "Value": "data"}])
check("bob may not tag the bucket", code(bob.put_bucket_tagging, Bucket="acl", Tagging={"TagSet": []}) == "AccessDenied")
s3.delete_bucket_tagging(Bucket="acl")
check("DeleteBucketTagging", code(s3.get_bucket_tagging, Bucket="acl") == "NoSuchTagSet")

# public access block
s3.create_bucket(Bucket="pab")
s3.put_object(Bucket="pab", Key="k", Body=b"x")
s3.put_bucket_acl(Bucket="pab", ACL="public-read")
check("GetPublicAccessBlock before one: NoSuchPublicAccessBlockConfiguration",
      code(s3.get_public_access_block, Bucket="pab") == "NoSuchPublicAccessBlockConfiguration")
s3.put_public_access_block(Bucket="pab", PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                                                          "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
cfg = s3.get_public_access_block(Bucket="pab")["PublicAccessBlockConfiguration"]
check("PutPublicAccessBlock then Get", all(cfg[k] for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")))
check("IgnorePublicAcls: the public-read ACL no longer lets anonymous read", anon("/pab/k") == 403)
check("BlockPublicAcls: a public canned ACL is refused", code(s3.put_bucket_acl, Bucket="pab", ACL="public-read-write") == "AccessDenied")
pol = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::pab/*"}]}
check("BlockPublicPolicy: a public policy is refused", code(s3.put_bucket_policy, Bucket="pab", Policy=json.dumps(pol)) == "AccessDenied")
s3.put_public_access_block(Bucket="pab", PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": False,
                                                                          "BlockPublicPolicy": False, "RestrictPublicBuckets": True})
s3.put_bucket_acl(Bucket="pab", ACL="private")
s3.put_bucket_policy(Bucket="pab", Policy=json.dumps(pol))
check("RestrictPublicBuckets: a public policy lets anonymous nothing", anon("/pab/k") == 403)
s3.delete_public_access_block(Bucket="pab")
check("DeletePublicAccessBlock: the policy applies again", anon("/pab/k") == 200)
check("bob may not change the block", code(bob.put_public_access_block, Bucket="pab",
      PublicAccessBlockConfiguration={"BlockPublicAcls": False}) == "AccessDenied")

# ownership controls
check("GetBucketOwnershipControls before any: OwnershipControlsNotFoundError",
      code(s3.get_bucket_ownership_controls, Bucket="pab") == "OwnershipControlsNotFoundError")
s3.put_bucket_ownership_controls(Bucket="pab", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
check("PutBucketOwnershipControls then Get", s3.get_bucket_ownership_controls(Bucket="pab")["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}])
check("BucketOwnerEnforced: ACLs are disabled (AccessControlListNotSupported)",
      code(s3.put_bucket_acl, Bucket="pab", ACL="public-read") == "AccessControlListNotSupported")
check("  ... grants too", code(s3.put_bucket_acl, Bucket="pab", GrantRead='id="bob"') == "AccessControlListNotSupported")
check("  ... a private ACL is still accepted", code(s3.put_bucket_acl, Bucket="pab", ACL="private") is None)
check("a bad ObjectOwnership: MalformedXML", code(s3.put_bucket_ownership_controls, Bucket="pab",
      OwnershipControls={"Rules": [{"ObjectOwnership": "Nobody"}]}) == "MalformedXML")
s3.delete_bucket_ownership_controls(Bucket="pab")
check("DeleteBucketOwnershipControls", code(s3.get_bucket_ownership_controls, Bucket="pab") == "OwnershipControlsNotFoundError")

# x-amz-expected-bucket-owner
owner_id = s3.get_bucket_acl(Bucket="pab")["Owner"]["ID"]
check("x-amz-expected-bucket-owner of the owner: served", code(s3.head_object, Bucket="pab", Key="k", ExpectedBucketOwner=owner_id) is None)
check("  ... of someone else: 403", code(s3.head_object, Bucket="pab", Key="k", ExpectedBucketOwner="bob") == "403")

# hostile bodies and headers: refused cleanly, nothing changed
import http.client, urllib.parse
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
def signed(method, path, headers=None, body=None):
    req = AWSRequest(method=method, url=url + path, data=body, headers=headers or {})
    S3SigV4Auth(Credentials(os.environ["CAIRN_ACCESS_KEY"], os.environ["CAIRN_SECRET_KEY"]), "s3", "us-east-1").add_auth(req)
    c = http.client.HTTPConnection(urllib.parse.urlsplit(url).netloc)
    c.request(method, path, body=body, headers=dict(req.headers.items()))
    r = c.getresponse()
    return r.status, r.read()
before = s3.get_bucket_acl(Bucket="acl")["Grants"]
st, body = signed("PUT", "/acl?acl", {"Content-Type": "application/xml"}, b"<AccessControlPolicy><AccessControlList><Grant>")
check("a truncated AccessControlPolicy: MalformedXML", st == 400 and b"MalformedXML" in body)
st, body = signed("PUT", "/acl?acl", {"x-amz-grant-read": "id=bob"}, b"")
check("an x-amz-grant-read without quotes: 400", st == 400)
st, body = signed("PUT", "/acl?acl", {"x-amz-acl": "private", "x-amz-grant-read": 'id="bob"'}, b"")
check("x-amz-acl together with grant headers: 400", st == 400)
check("  ... the ACL is unchanged", s3.get_bucket_acl(Bucket="acl")["Grants"] == before)
st, body = signed("PUT", "/pab?publicAccessBlock", {}, b"<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>")
check("a PublicAccessBlock flag that is not true/false: MalformedXML", st == 400 and b"MalformedXML" in body)
st, body = signed("PUT", "/acl?tagging", {}, b"<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>")
check("bucket tags with a key twice: InvalidTag", st == 400 and b"InvalidTag" in body)
tags50 = [{"Key": "k%d" % i, "Value": "v"} for i in range(50)]
check("a bucket takes 50 tags", code(s3.put_bucket_tagging, Bucket="acl", Tagging={"TagSet": tags50}) is None)
check("  ... not 51: InvalidTag", code(s3.put_bucket_tagging, Bucket="acl", Tagging={"TagSet": tags50 + [{"Key": "x", "Value": "y"}]}) == "InvalidTag")
s3.create_bucket(Bucket="acp")
s3.put_bucket_acl(Bucket="acp", GrantWriteACP='id="bob"')
check("a WRITE_ACP grantee (without READ_ACP) may replace the ACL", code(bob.put_bucket_acl, Bucket="acp", GrantRead='id="bob"') is None)
check("  ... bob now reads the bucket but no longer writes its ACL", code(bob.list_objects, Bucket="acp") is None
      and code(bob.put_bucket_acl, Bucket="acp", ACL="private") == "AccessDenied")
