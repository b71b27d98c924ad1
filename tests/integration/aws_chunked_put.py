#!/usr/bin/python3
"""aws_chunked_put.py - PutObject with an aws-chunked body (STREAMING-UNSIGNED-PAYLOAD-TRAILER and
an x-amz-checksum-* trailer), or with the checksum as a plain header, signed with botocore.
  aws_chunked_put.py URL FILE ALG [--header] [--bad] [--truncate]
ALG is crc32, crc32c, sha1 or sha256. Prints the HTTP status and the body."""
import base64, hashlib, signal, socket, sys, urllib.parse, zlib
from rawsigned import put_head

signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # quiet when piped into head
url, path, alg = sys.argv[1], sys.argv[2], sys.argv[3]
header_mode, bad, truncate = "--header" in sys.argv, "--bad" in sys.argv, "--truncate" in sys.argv
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

if header_mode:
    headers = {name: value}
    body = data
else:
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data)),
               "x-amz-trailer": name}
    body = b""
    for i in range(0, len(data), 65536):
        part = data[i:i + 65536]
        body += b"%x\r\n" % len(part) + part + b"\r\n"
    body += b"0\r\n" + (name + ":" + value).encode() + b"\r\n\r\n"
    if truncate:
        body = body[: len(body) // 2]
payload = "UNSIGNED-PAYLOAD" if header_mode else "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
u = urllib.parse.urlsplit(url)
s = socket.create_connection((u.hostname, u.port))
s.sendall(put_head(url, payload, len(body), headers, close=True) + body)
if truncate:
    s.shutdown(socket.SHUT_WR)
resp = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    resp += chunk
print(resp.split(b"\r\n")[0].split(b" ")[1].decode() if resp else "none")
print(resp.split(b"\r\n\r\n", 1)[-1].decode(errors="replace"))
