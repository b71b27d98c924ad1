#!/usr/bin/python3
"""slow_clients.py - slow clients must not deny service (trust issue, finding 8). Opens 256
slowloris connections (a request head one byte at a time, from 127.0.0.3) and 70 slow anonymous
readers of a large public object (from 127.0.0.2 and 127.0.0.4), then runs 100 normal requests of
each kind (GetObject of the large object, PutObject of 100 KB, HeadObject) from 127.0.0.1 while they
hang on, and finally waits (with a deadline) until the server has closed every attacker.
Usage: slow_clients.py PORT BUCKET KEY   (keys in CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY)
Prints "ok - ..." / "not ok - ..." lines."""
import os, socket, sys, threading, time
import boto3
from botocore.config import Config
from concurrent.futures import ThreadPoolExecutor

PORT, BUCKET, KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
failed = 0


def report(name, good, detail=""):
    global failed
    print(("ok - " if good else "not ok - ") + name + ("" if good else f" ({detail})"), flush=True)
    failed += 0 if good else 1


def connect(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)   # so the server's sends stall
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", PORT))
    return s


closed = {}   # socket -> time the server closed it


def server_closed(s):
    """The kernel's view (tcpi_state): anything but ESTABLISHED means the server closed or reset."""
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] != 1


def slowloris(i):
    try:
        s = connect("127.0.0.3")
    except OSError:
        closed[("loris", i)] = time.monotonic()   # refused at once (per-address connection cap)
        return
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 200
    try:
        for b in head:
            s.send(bytes([b]))
            time.sleep(1.0)
    except OSError:
        pass
    closed[("loris", i)] = time.monotonic()
    s.close()


def slow_reader(i):
    src = "127.0.0.2" if i % 2 else "127.0.0.4"
    try:
        s = connect(src)
        s.send(f"GET /{BUCKET}/{KEY} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        while True:   # 100 bytes a second, far below min_rate
            d = s.recv(100)
            if not d or server_closed(s):   # queued bytes may still be readable after a reset
                break
            time.sleep(1.0)
    except OSError:
        pass
    closed[("reader", i)] = time.monotonic()


attackers = [threading.Thread(target=slowloris, args=(i,), daemon=True) for i in range(256)]
attackers += [threading.Thread(target=slow_reader, args=(i,), daemon=True) for i in range(70)]
start = time.monotonic()
for t in attackers:
    t.start()
time.sleep(1.0)   # let the attack take hold (not a wait for a result: the checks below poll)

s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{PORT}", region_name="us-east-1",
                  aws_access_key_id=os.environ["CAIRN_ACCESS_KEY"], aws_secret_access_key=os.environ["CAIRN_SECRET_KEY"],
                  config=Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                                retries={"max_attempts": 1}, max_pool_connections=8))
size = s3.head_object(Bucket=BUCKET, Key=KEY)["ContentLength"]
body = os.urandom(100 * 1024)


def get(i):
    return len(s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()) == size


def put(i):
    s3.put_object(Bucket=BUCKET, Key=f"normal/{i}", Body=body)
    return True


def head(i):
    return s3.head_object(Bucket=BUCKET, Key=KEY)["ContentLength"] == size


for name, fn in [("GetObject (large)", get), ("PutObject (100 KB)", put), ("HeadObject", head)]:
    t0 = time.monotonic()
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(lambda i: (lambda: fn(i))(), range(100)))
    report(f"100 normal {name} requests succeed during the attack", all(results),
           f"{results.count(True)} of 100")
    print(f"#   {name}: {time.monotonic() - t0:.1f} s", flush=True)
alive = sum(1 for t in attackers if t.is_alive())
report("the attack was still on while the normal requests ran", alive > 0, "every attacker had already gone")

deadline = time.monotonic() + 60
while time.monotonic() < deadline and any(t.is_alive() for t in attackers):
    time.sleep(0.2)
lor = [k for k in closed if k[0] == "loris"]
rd = [k for k in closed if k[0] == "reader"]
report("every slowloris connection was closed by the server", len(lor) == 256, f"{len(lor)} of 256")
report("every slow reader was closed by the server", len(rd) == 70, f"{len(rd)} of 70")
last = max(closed.values()) - start if closed else -1
print(f"#   the last attacker was closed after {last:.1f} s", flush=True)
sys.exit(1 if failed else 0)
