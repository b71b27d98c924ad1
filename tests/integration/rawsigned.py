"""rawsigned.py - shared by the integration-test clients that write HTTP by hand: a botocore SigV4
signer that signs a payload hash given as is (UNSIGNED-PAYLOAD, STREAMING-...), and the signed
request head of a PUT with a given Content-Length."""
import os, urllib.parse
import botocore.auth, botocore.awsrequest, botocore.credentials


class FixedPayload(botocore.auth.S3SigV4Auth):
    """Signs `payload_hash` literally (botocore would hash the body over plain http)."""
    def __init__(self, payload_hash):
        creds = botocore.credentials.Credentials(os.environ["CAIRN_ACCESS_KEY"], os.environ["CAIRN_SECRET_KEY"])
        super().__init__(creds, "s3", "us-east-1")
        self.payload_hash = payload_hash

    def payload(self, request):
        return self.payload_hash


def put_head(url, payload_hash, content_length, headers=None, close=False):
    """The signed head (bytes, ending in the blank line) of a PUT of content_length bytes."""
    req = botocore.awsrequest.AWSRequest(method="PUT", url=url)
    for k, v in (headers or {}).items():
        req.headers[k] = v
    FixedPayload(payload_hash).add_auth(req)
    u = urllib.parse.urlsplit(url)
    head = f"PUT {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Length: {content_length}\r\n"
    if close:
        head += "Connection: close\r\n"
    for k, v in req.headers.items():
        if k.lower() != "host":
            head += f"{k}: {v}\r\n"
    return (head + "\r\n").encode()
