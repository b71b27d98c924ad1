#!/usr/bin/python3
"""slow_put.py - a misbehaving uploader for the integration tests: signs a PUT with botocore
(UNSIGNED-PAYLOAD), announces Content-Length LENGTH, sends SEND bytes at RATE bytes/s, then either
closes the socket (a client that disconnects mid-PUT) or, with --finish, sends the rest and prints
the response status line.
  slow_put.py URL LENGTH SEND RATE [--finish]"""
import socket, sys, time, urllib.parse
from rawsigned import put_head

url, length, send, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
finish = "--finish" in sys.argv
u = urllib.parse.urlsplit(url)
s = socket.create_connection((u.hostname, u.port))
s.sendall(put_head(url, "UNSIGNED-PAYLOAD", length))
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
