#!/usr/bin/python3
"""aws_chunked_put.py - PutObject with an aws-chunked body (STREAMING-UNSIGNED-PAYLOAD-TRAILER and
an x-amz-checksum-* trailer), or with the checksum as a plain header, signed with botocore.
  aws_chunked_put.py URL FILE ALG [--header] [--bad] [--truncate] [--signed] [--tamper]
ALG is crc32, crc32c, sha1 or sha256. --signed sends STREAMING-AWS4-HMAC-SHA256-PAYLOAD (with
--header) or STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: every chunk signed, chained from the
request's signature (AWS "Transferring Payload in Multiple Chunks"); --tamper changes one data
byte after signing. Prints the HTTP status and the body."""
import base64, hashlib, hmac, os, signal, socket, sys, urllib.parse, zlib
from rawsigned import put_head

signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # quiet when piped into head
url, path, alg = sys.argv[1], sys.argv[2], sys.argv[3]
header_mode, bad, truncate = "--header" in sys.argv, "--bad" in sys.argv, "--truncate" in sys.argv
signed, tamper = "--signed" in sys.argv, "--tamper" in sys.argv
data = open(path, "rb").read()

def crc32c(b):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    c = 0xFFFFFFFF
    for x in b:
        c = table[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF

raw = {"crc32": lambda b: zlib.crc32(b).to_bytes(4, "big"), "crc32c": lambda b: crc32c(b).to_bytes(4, "big"),
       "sha1": lambda b: hashlib.sha1(b).digest(), "sha256": lambda b: hashlib.sha256(b).digest()}[alg](data)
value = base64.b64encode(raw if not bad else bytes(len(raw))).decode()
name = "x-amz-checksum-" + alg



def hmac256(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signed_body(seed, amz_date, scope, trailer):
    """Chunks of 64 KiB, each signed over the previous signature; the final empty chunk too."""
    key = ("AWS4" + os.environ["CAIRN_SECRET_KEY"]).encode()
    for part in scope.split("/"):
        key = hmac256(key, part)
    empty = hashlib.sha256(b"").hexdigest()
    prev, out = seed, b""
    pieces = [data[i:i + 65536] for i in range(0, len(data), 65536)] + [b""]
    for part in pieces:
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev, empty, hashlib.sha256(part).hexdigest()])
        prev = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        out += b"%x;chunk-signature=%s\r\n" % (len(part), prev.encode()) + part + (b"\r\n" if part else b"")
    if trailer:
        sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, prev, hashlib.sha256(trailer.encode() + b"\n").hexdigest()])
        tsig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        out += trailer.encode() + b"\r\n" + b"x-amz-trailer-signature:" + tsig.encode() + b"\r\n"
    return out + b"\r\n"


trailer = None if header_mode else name + ":" + value
if signed:
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data))}
    if header_mode:
        headers[name] = value
        payload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    else:
        headers["x-amz-trailer"] = name
        payload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    length = len(signed_body("0" * 64, "", "", trailer))   # signatures have a fixed length
    head = put_head(url, payload, length, headers, close=True)
    auth = [l for l in head.decode().split("\r\n") if l.lower().startswith("authorization:")][0]
    amz_date = [l for l in head.decode().split("\r\n") if l.lower().startswith("x-amz-date:")][0].split(": ")[1]
    cred = auth.split("Credential=")[1].split(",")[0]
    seed = auth.split("Signature=")[1].strip()
    body = signed_body(seed, amz_date, cred.split("/", 1)[1], trailer)
    if tamper:
        i = body.index(b"\r\n") + 2 + 100
        body = body[:i] + bytes([body[i] ^ 1]) + body[i + 1:]
elif header_mode:
    headers = {name: value}
    body = data
else:
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data)),
               "x-amz-trailer": name}
    body = b""
    for i in range(0, len(data), 65536):
        part = data[i:i + 65536]
        body += b"%x\r\n" % len(part) + part + b"\r\n"
    body += b"0\r\n" + trailer.encode() + b"\r\n\r\n"
if truncate:
    body = body[: len(body) // 2]
if not signed:
    payload = "UNSIGNED-PAYLOAD" if header_mode else "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    head = put_head(url, payload, len(body), headers, close=True)
u = urllib.parse.urlsplit(url)
s = socket.create_connection((u.hostname, u.port))
import select
s.sendall(head)
early = select.select([s], [], [], 0.1)[0]   # an error may come before the body: then skip it
if not early:
    try:
        s.sendall(body)
    except (BrokenPipeError, ConnectionResetError):
        pass
if truncate:
    s.shutdown(socket.SHUT_WR)
resp = b""
while True:
    try:
        chunk = s.recv(65536)
    except ConnectionResetError:
        break
    if not chunk:
        break
    resp += chunk
print(resp.split(b"\r\n")[0].split(b" ")[1].decode() if resp else "none")
print(resp.split(b"\r\n\r\n", 1)[-1].decode(errors="replace"))
