#!/usr/bin/python3
"""slow_put.py - a misbehaving uploader for the integration tests: signs a PUT with botocore
(UNSIGNED-PAYLOAD), announces Content-Length LENGTH, sends SEND bytes at RATE bytes/s, then either
closes the socket (a client that disconnects mid-PUT) or, with --finish, sends the rest and prints
the response status line.
  slow_put.py URL LENGTH SEND RATE [--finish]"""
import os, socket, sys, time, urllib.parse
import botocore.auth, botocore.awsrequest, botocore.credentials

url, length, send, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
finish = "--finish" in sys.argv
creds = botocore.credentials.Credentials(os.environ["CAIRN_ACCESS_KEY"], os.environ["CAIRN_SECRET_KEY"])
class UnsignedPayload(botocore.auth.S3SigV4Auth):
    def _should_sha256_sign_payload(self, request):
        return False

req = botocore.awsrequest.AWSRequest(method="PUT", url=url)
UnsignedPayload(creds, "s3", "us-east-1").add_auth(req)
u = urllib.parse.urlsplit(url)
head = f"PUT {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Length: {length}\r\n"
for k, v in req.headers.items():
    if k.lower() != "host":
        head += f"{k}: {v}\r\n"
s = socket.create_connection((u.hostname, u.port))
s.sendall((head + "\r\n").encode())
chunk = b"x" * 16384
sent, t0 = 0, time.time()
total = length if finish else send
while sent < total:
    n = min(len(chunk), total - sent)
    try:
        s.sendall(chunk[:n])
    except OSError:
        break
    sent += n
    if rate > 0:
        ahead = sent / rate - (time.time() - t0)
        if ahead > 0:
            time.sleep(ahead)
if finish:
    s.settimeout(30)
    try:
        print(s.recv(4096).split(b"\r\n")[0].decode())
    except OSError as e:
        print("error", e)
s.close()
