#!/usr/bin/env python3
"""A large sandbox partner against a running kycd (issue 15 point 7), loopback only.

Creates N verifications (dummy results, so each also has webhook events), then times the
delivery log (GET /api/v2/sandbox/webhooks, newest 100) and a reset (POST /api/v2/sandbox/reset)
while another thread keeps creating tokens and records their latency, to show whether the reset
holds the writer. Bounded: at most 100,000 verifications; the sandbox partner is reset at the end.

  python3 tools/fault/reset_and_list.py --url http://127.0.0.1:8080 --key K --secret S --count 20000
"""
import argparse, base64, json, statistics, sys, threading, time, urllib.parse
import http.client
from concurrent.futures import ThreadPoolExecutor


def client(url):
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("loopback targets only")
    return lambda: http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=600)


def call(conn, method, path, auth, body=None):
    headers = {"Authorization": auth, "Content-Type": "application/json"}
    started = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--count", type=int, default=20000)
    args = parser.parse_args()
    connect = client(args.url)
    auth = "Basic " + base64.b64encode(f"{args.key}:{args.secret}".encode()).decode()
    count = min(args.count, 100_000)

    def create(worker):
        conn = connect()
        for n in range(worker, count, 8):
            status, _, _ = call(conn, "POST", "/api/v2/token", auth,
                                {"clientId": f"load-{n}", "dummyStatus": "APPROVED"})
            assert status == 201, status

    started = time.time()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create, range(8)))
    print(f"created {count} verifications in {time.time() - started:.1f} s")

    conn = connect()
    times = [call(conn, "GET", "/api/v2/sandbox/webhooks?limit=100", auth)[2] for _ in range(20)]
    print(f"delivery log, newest 100: median {statistics.median(times) * 1000:.1f} ms")

    latencies, stop = [], threading.Event()

    def probe():
        conn = connect()
        while not stop.is_set():
            status, _, took = call(conn, "POST", "/api/v2/token", auth, {"clientId": "probe"})
            latencies.append(took if status == 201 else float("inf"))
            time.sleep(0.1)

    prober = threading.Thread(target=probe)
    prober.start()
    status, data, took = call(connect(), "POST", "/api/v2/sandbox/reset", auth, {})
    stop.set()
    prober.join()
    print(f"reset: {status} in {took:.1f} s: {data[:120].decode(errors='replace')}")
    if latencies:
        worst = max(latencies)
        print(f"token creation during the reset: {len(latencies)} calls, median "
              f"{statistics.median(latencies) * 1000:.0f} ms, worst {worst * 1000:.0f} ms")
    call(connect(), "POST", "/api/v2/sandbox/reset", auth, {})


if __name__ == "__main__":
    main()
