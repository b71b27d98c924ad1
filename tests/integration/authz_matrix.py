#!/usr/bin/python3
"""authz_matrix.py - the authorization matrix of the trust issue, driven with boto3 (Debian's)
and botocore-signed HTTP: for S3 object, bucket and multipart operations, and every principal
(owner, other user, grantee, admin, anonymous, presigned bearer), allowed where the model says
and refused with 403 AccessDenied (nothing changed) everywhere else.
Usage: authz_matrix.py URL  (keys in env: ADMIN_AK/SK, ALICE_AK/SK, BOB_AK/SK, CAROL_AK/SK, DAVE_AK/SK)
Prints one "ok - ..." / "not ok - ..." line per check."""
import os, subprocess, sys, json, urllib.request, urllib.error
import boto3, botocore
from botocore.config import Config
from botocore import UNSIGNED

URL = sys.argv[1]
failed = 0


def report(name, good, detail=""):
    global failed
    print(("ok - " if good else "not ok - ") + name + ("" if good else f" ({detail})"))
    failed += 0 if good else 1


def client(who):
    if who == "anonymous":
        return boto3.client("s3", endpoint_url=URL, region_name="us-east-1",
                            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    ak, sk = os.environ[who.upper() + "_AK"], os.environ[who.upper() + "_SK"]
    return boto3.client("s3", endpoint_url=URL, region_name="us-east-1", aws_access_key_id=ak,
                        aws_secret_access_key=sk, config=Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                                                                 retries={"max_attempts": 1}))


def outcome(fn):
    """'allowed', or the error code."""
    try:
        fn()
        return "allowed"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]


C = {w: client(w) for w in ["admin", "alice", "bob", "carol", "dave", "anonymous"]}
alice = C["alice"]
alice.create_bucket(Bucket="alice-private")
alice.put_object(Bucket="alice-private", Key="payroll.bin", Body=b"secret salaries")
alice.create_bucket(Bucket="alice-shared")
alice.put_object(Bucket="alice-shared", Key="doc.txt", Body=b"shared doc")


def body(who, bucket, key):
    return C[who].get_object(Bucket=bucket, Key=key)["Body"].read()


def expect(name, fn, allowed, check_unchanged=None):
    got = outcome(fn)
    want = "allowed" if allowed else "AccessDenied"
    ok = (got == "allowed") if allowed else (got in ("AccessDenied", "403"))
    report(f"{name}: {'allowed' if allowed else '403 AccessDenied'}", ok, f"got {got}, want {want}")
    if check_unchanged:
        report(f"  ... nothing changed", check_unchanged(), "the server state changed")


def delete_objects(c, bucket, key):
    errors = c.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key}]}).get("Errors")
    if errors:
        raise botocore.exceptions.ClientError({"Error": {"Code": errors[0]["Code"]}}, "DeleteObjects")


unchanged_payroll = lambda: body("alice", "alice-private", "payroll.bin") == b"secret salaries"

# ---- a private bucket: owner and admin everything; bob and anonymous nothing ----
for who, allowed in [("alice", True), ("admin", True), ("bob", False), ("anonymous", False)]:
    c = C[who]
    expect(f"{who}: GetObject private", lambda: c.get_object(Bucket="alice-private", Key="payroll.bin"), allowed)
    expect(f"{who}: HeadObject private", lambda: c.head_object(Bucket="alice-private", Key="payroll.bin"), allowed)
    expect(f"{who}: ListObjectsV2 private", lambda: c.list_objects_v2(Bucket="alice-private"), allowed)
    expect(f"{who}: HeadBucket private", lambda: c.head_bucket(Bucket="alice-private"), allowed)
    expect(f"{who}: GetObjectTagging private", lambda: c.get_object_tagging(Bucket="alice-private", Key="payroll.bin"), allowed)
    expect(f"{who}: ListMultipartUploads private", lambda: c.list_multipart_uploads(Bucket="alice-private"), allowed)
    if not allowed:
        expect(f"{who}: PutObject over payroll.bin", lambda: c.put_object(Bucket="alice-private", Key="payroll.bin", Body=b"x"),
               False, unchanged_payroll)
        expect(f"{who}: DeleteObject payroll.bin", lambda: c.delete_object(Bucket="alice-private", Key="payroll.bin"),
               False, unchanged_payroll)
        expect(f"{who}: DeleteObjects payroll.bin", lambda: delete_objects(c, "alice-private", "payroll.bin"),
               False, unchanged_payroll)
        expect(f"{who}: PutObjectTagging", lambda: c.put_object_tagging(Bucket="alice-private", Key="payroll.bin",
               Tagging={"TagSet": [{"Key": "a", "Value": "b"}]}), False,
               lambda: not C["alice"].get_object_tagging(Bucket="alice-private", Key="payroll.bin")["TagSet"])
        expect(f"{who}: CreateMultipartUpload", lambda: c.create_multipart_upload(Bucket="alice-private", Key="big"), False,
               lambda: not C["alice"].list_multipart_uploads(Bucket="alice-private").get("Uploads"))
        expect(f"{who}: PutBucketLifecycle", lambda: c.put_bucket_lifecycle_configuration(Bucket="alice-private",
               LifecycleConfiguration={"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                                                 "Expiration": {"Days": 1}}]}), False)
        expect(f"{who}: DeleteBucket", lambda: c.delete_bucket(Bucket="alice-private"), False,
               lambda: "Name" in C["alice"].list_objects_v2(Bucket="alice-private"))
        if who != "anonymous":
            expect(f"{who}: CopyObject from private into own bucket",
                   lambda: c.copy_object(Bucket=f"{who}-own", Key="stolen", CopySource="alice-private/payroll.bin"), False,
                   lambda: outcome(lambda: C[who].head_object(Bucket=f"{who}-own", Key="stolen")) != "allowed")
    if who == "bob":
        C["bob"].create_bucket(Bucket="bob-own")

# ListBuckets shows only your own
names = lambda who: sorted(b["Name"] for b in C[who].list_buckets()["Buckets"])
report("bob: ListBuckets shows only bob's buckets", names("bob") == ["bob-own"], names("bob"))
report("alice: ListBuckets shows alice's buckets", names("alice") == ["alice-private", "alice-shared"], names("alice"))
report("admin: ListBuckets shows every bucket", {"alice-private", "bob-own"} <= set(names("admin")), names("admin"))
expect("anonymous: ListBuckets", lambda: C["anonymous"].list_buckets(), False)
got = outcome(lambda: C["bob"].create_bucket(Bucket="alice-private"))
report("bob: CreateBucket of alice's name: BucketAlreadyExists", got == "BucketAlreadyExists", got)

# ---- multipart on someone else's upload ----
up = alice.create_multipart_upload(Bucket="alice-private", Key="mp")["UploadId"]
expect("bob: UploadPart into alice's upload", lambda: C["bob"].upload_part(Bucket="alice-private", Key="mp", UploadId=up,
       PartNumber=1, Body=b"x"), False, lambda: not alice.list_parts(Bucket="alice-private", Key="mp", UploadId=up).get("Parts"))
expect("bob: ListParts of alice's upload", lambda: C["bob"].list_parts(Bucket="alice-private", Key="mp", UploadId=up), False)
expect("bob: AbortMultipartUpload of alice's upload", lambda: C["bob"].abort_multipart_upload(Bucket="alice-private", Key="mp",
       UploadId=up), False, lambda: len(alice.list_multipart_uploads(Bucket="alice-private").get("Uploads", [])) == 1)
expect("bob: CompleteMultipartUpload of alice's upload", lambda: C["bob"].complete_multipart_upload(Bucket="alice-private",
       Key="mp", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": "x"}]}), False)
expect("alice: AbortMultipartUpload of her upload", lambda: alice.abort_multipart_upload(Bucket="alice-private", Key="mp",
       UploadId=up), True)

# ---- grants: carol READ, dave WRITE on alice-shared ----
expect("carol before the grant: GetObject", lambda: C["carol"].get_object(Bucket="alice-shared", Key="doc.txt"), False)
def cli(*args, who="alice"):
    env = dict(os.environ, CAIRN_URL=URL, CAIRN_ACCESS_KEY=os.environ[who.upper() + "_AK"],
               CAIRN_SECRET_KEY=os.environ[who.upper() + "_SK"])
    return subprocess.run([os.environ["CAIRN"], *args], env=env, capture_output=True, text=True)

r = cli("bucket", "share", "alice-shared", "carol", "READ", who="bob")
report("bob cannot share alice's bucket (cairn bucket share exits 1)", r.returncode == 1 and "AccessDenied" in r.stderr + r.stdout, r.stderr)
report("alice shares alice-shared with carol (READ)", cli("bucket", "share", "alice-shared", "carol", "READ").returncode == 0)
report("alice shares alice-shared with dave (WRITE)", cli("bucket", "share", "alice-shared", "dave", "WRITE").returncode == 0)
r = cli("bucket", "share", "alice-shared", "dave", "EVERYTHING")
report("an unknown permission is refused", r.returncode == 1, r.stderr)
expect("carol (READ): GetObject", lambda: C["carol"].get_object(Bucket="alice-shared", Key="doc.txt"), True)
expect("carol (READ): ListObjectsV2", lambda: C["carol"].list_objects_v2(Bucket="alice-shared"), True)
expect("carol (READ): PutObject", lambda: C["carol"].put_object(Bucket="alice-shared", Key="doc.txt", Body=b"carol"), False,
       lambda: body("alice", "alice-shared", "doc.txt") == b"shared doc")
expect("carol (READ): DeleteBucket", lambda: C["carol"].delete_bucket(Bucket="alice-shared"), False)
expect("carol (READ): GetObject in alice-private", lambda: C["carol"].get_object(Bucket="alice-private", Key="payroll.bin"), False)
expect("dave (WRITE): PutObject", lambda: C["dave"].put_object(Bucket="alice-shared", Key="from-dave", Body=b"dave"), True)
expect("dave (WRITE): GetObject", lambda: C["dave"].get_object(Bucket="alice-shared", Key="doc.txt"), False)
expect("bob (no grant): GetObject in alice-shared", lambda: C["bob"].get_object(Bucket="alice-shared", Key="doc.txt"), False)
report("alice revokes carol", cli("bucket", "unshare", "alice-shared", "carol").returncode == 0)
expect("carol after unshare: GetObject", lambda: C["carol"].get_object(Bucket="alice-shared", Key="doc.txt"), False)

# ---- canned ACLs ----
report("alice: acl authenticated-read", cli("bucket", "acl", "alice-shared", "authenticated-read").returncode == 0)
expect("bob (authenticated-read): GetObject", lambda: C["bob"].get_object(Bucket="alice-shared", Key="doc.txt"), True)
expect("anonymous (authenticated-read): GetObject", lambda: C["anonymous"].get_object(Bucket="alice-shared", Key="doc.txt"), False)
report("alice: acl public-read", cli("bucket", "public", "alice-shared", "on").returncode == 0)
expect("anonymous (public-read): GetObject", lambda: C["anonymous"].get_object(Bucket="alice-shared", Key="doc.txt"), True)
expect("anonymous (public-read): PutObject", lambda: C["anonymous"].put_object(Bucket="alice-shared", Key="anon", Body=b"a"), False)
report("alice: acl public-read-write", cli("bucket", "acl", "alice-shared", "public-read-write").returncode == 0)
expect("anonymous (public-read-write): PutObject", lambda: C["anonymous"].put_object(Bucket="alice-shared", Key="anon", Body=b"a"), True)
report("alice: acl private", cli("bucket", "acl", "alice-shared", "private").returncode == 0)
expect("anonymous (private again): GetObject", lambda: C["anonymous"].get_object(Bucket="alice-shared", Key="doc.txt"), False)

# ---- bucket policy: Allow bob GetObject under public/*, Deny everyone DeleteObject ----
alice.put_object(Bucket="alice-shared", Key="public/a.txt", Body=b"pa")
policy = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::000000000000:user/bob"]}, "Action": ["s3:GetObject"],
     "Resource": "arn:aws:s3:::alice-shared/public/*"},
    {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::alice-shared",
     "Condition": {"StringLike": {"s3:prefix": "public/*"}}},
    {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::alice-shared/*"},
    {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::alice-shared/*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]}}}]}
with open(os.environ["T"] + "/policy.json", "w") as f:
    json.dump(policy, f)
report("alice: bucket policy set", cli("bucket", "policy", "alice-shared", os.environ["T"] + "/policy.json").returncode == 0)
expect("bob (policy Allow public/*): GetObject public/a.txt", lambda: C["bob"].get_object(Bucket="alice-shared", Key="public/a.txt"), True)
expect("bob (policy): GetObject doc.txt outside the prefix", lambda: C["bob"].get_object(Bucket="alice-shared", Key="doc.txt"), False)
expect("anonymous (policy s3:prefix public/*): ListObjects prefix=public/", lambda: C["anonymous"].list_objects_v2(Bucket="alice-shared", Prefix="public/"), True)
expect("anonymous (policy s3:prefix): ListObjects without the prefix", lambda: C["anonymous"].list_objects_v2(Bucket="alice-shared"), False)
expect("alice (policy Deny DeleteObject, deny wins over the owner): DeleteObject",
       lambda: alice.delete_object(Bucket="alice-shared", Key="doc.txt"), False, lambda: body("alice", "alice-shared", "doc.txt") == b"shared doc")
expect("admin (policy Deny does not bind the admin): GetObject", lambda: C["admin"].get_object(Bucket="alice-shared", Key="doc.txt"), True)
bad = '{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::alice-shared/*"}]}'
with open(os.environ["T"] + "/bad.json", "w") as f:
    f.write(bad)
r = cli("bucket", "policy", "alice-shared", os.environ["T"] + "/bad.json")
report("an unsupported policy element (NotAction) is refused: MalformedPolicy", r.returncode == 1 and "MalformedPolicy" in r.stderr, r.stderr)
with open(os.environ["T"] + "/bad.json", "w") as f:
    f.write(bad.replace("NotAction", "Action").replace("alice-shared", "bob-own"))
r = cli("bucket", "policy", "alice-shared", os.environ["T"] + "/bad.json")
report("a policy naming another bucket is refused", r.returncode == 1 and "MalformedPolicy" in r.stderr, r.stderr)
report("alice: bucket policy removed", cli("bucket", "policy", "alice-shared", "--delete").returncode == 0)
expect("bob after the policy is gone: GetObject public/a.txt", lambda: C["bob"].get_object(Bucket="alice-shared", Key="public/a.txt"), False)

# ---- presigned URLs: scoped to what was signed, and only as strong as the signer ----
def http(url, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

pre = alice.generate_presigned_url("get_object", Params={"Bucket": "alice-private", "Key": "payroll.bin"}, ExpiresIn=300)
report("presigned bearer (alice's URL): GET payroll.bin 200", http(pre)[0] == 200)
report("presigned bearer: the same URL for another key 403", http(pre.replace("payroll.bin", "other.bin"))[0] == 403)
report("presigned bearer: the same URL with DELETE 403", http(pre, "DELETE")[0] == 403 and unchanged_payroll())
report("presigned bearer: PUT with the GET URL 403", http(pre, "PUT", b"x")[0] == 403 and unchanged_payroll())
pre_bob = C["bob"].generate_presigned_url("get_object", Params={"Bucket": "alice-private", "Key": "payroll.bin"}, ExpiresIn=300)
report("presigned bearer (bob's URL for alice's object): 403", http(pre_bob)[0] == 403)
pre_put = alice.generate_presigned_url("put_object", Params={"Bucket": "alice-private", "Key": "in.bin"}, ExpiresIn=300)
report("presigned PUT bearer: 200", http(pre_put, "PUT", b"incoming")[0] == 200)
st, b = http(pre_put, "PUT", b"", {"x-amz-copy-source": "/alice-private/payroll.bin"})
report("presigned PUT + unsigned x-amz-copy-source: 403", st == 403 and body("alice", "alice-private", "in.bin") == b"incoming", st)

sys.exit(1 if failed else 0)
