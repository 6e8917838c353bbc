#!/usr/bin/env python3
"""Slow and oversized HTTP clients against a running kycd (issue 15 point 2), loopback only.

Opens N connections that each send an unfinished request header (SIZE bytes, never ended) and
holds them for HOLD seconds, then reports kycd's resident memory before and at the peak, how
many connections kycd had closed by then, and whether a normal request still got an answer.
Bounded: at most 5,000 connections, 120 s; every socket is closed at the end.

  python3 tools/fault/slow_clients.py --url http://127.0.0.1:8080 --pid PID \
      --connections 2000 --size 380000 --hold 15
"""
import argparse, os, socket, sys, time, urllib.parse, urllib.request


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--size", type=int, default=380_000)
    parser.add_argument("--hold", type=float, default=15)
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.url)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("loopback targets only")
    count, hold = min(args.connections, 5000), min(args.hold, 120)
    before = rss_mb(args.pid)
    sockets, refused = [], 0
    header = b"GET /health HTTP/1.1\r\nHost: kycd\r\nX-Pad: " + b"a" * max(args.size - 40, 0)
    started = time.time()
    for _ in range(count):
        try:
            s = socket.create_connection((url.hostname, url.port), timeout=5)
            s.setblocking(False)
            try:
                s.send(header)
            except (BlockingIOError, OSError):
                pass
            sockets.append(s)
        except OSError:
            refused += 1
    peak = before
    while time.time() - started < hold:
        peak = max(peak, rss_mb(args.pid))
        time.sleep(0.2)
    closed = 0
    for s in sockets:
        try:
            data = s.recv(65536)
            closed += data == b"" or data.startswith(b"HTTP/1.1 4") or data.startswith(b"HTTP/1.1 5")
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    try:
        answered = urllib.request.urlopen(f"{args.url}/health/live", timeout=5).status
    except Exception as error:  # noqa: BLE001 - reported as is
        answered = f"no answer ({error})"
    for s in sockets:
        s.close()
    print(f"connections opened {len(sockets)}, refused at connect {refused}, "
          f"header bytes each {args.size}, held {hold:.0f} s")
    print(f"kycd RSS before {before:.0f} MB, peak {peak:.0f} MB")
    print(f"closed or answered by kycd within {hold:.0f} s: {closed} of {len(sockets)}")
    print(f"a normal request during the test: {answered}")


if __name__ == "__main__":
    main()
