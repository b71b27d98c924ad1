#!/usr/bin/python3
"""faultproxy.py PORTFILE MODEFILE TARGET_HOST TARGET_PORT - a TCP proxy on a free loopback port
(written to PORTFILE) that injects faults between cairn and its S3 store. MODEFILE holds the mode,
read again every 0.1 s, and it applies to open connections too (cairn keeps them alive):
  pass   forward both ways
  drop   close every connection (new ones at once)
  stall  keep connections open and forward nothing
Standard library only; one thread per connection; runs until killed."""
import os
import select
import socket
import sys
import threading

portfile, modefile, host, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def mode():
    try:
        with open(modefile) as f:
            return f.read().strip() or "pass"
    except OSError:
        return "pass"


def pipe(client):
    try:
        if mode() == "drop":
            client.close()
            return
        upstream = socket.create_connection((host, port), timeout=5)
    except OSError:
        client.close()
        return
    socks = [client, upstream]
    try:
        while True:
            m = mode()
            if m == "drop":
                break
            if m == "stall":
                select.select([], [], [], 0.1)
                continue
            ready, _, _ = select.select(socks, [], [], 0.1)
            done = False
            for s in ready:
                data = s.recv(65536)
                if not data:
                    done = True
                    break
                (upstream if s is client else client).sendall(data)
            if done:
                break
    except OSError:
        pass
    finally:
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(tmp, portfile)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=pipe, args=(c,), daemon=True).start()


main()
