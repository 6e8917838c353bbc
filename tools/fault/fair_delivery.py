#!/usr/bin/env python3
"""One partner's dead webhook receiver beside another partner's healthy one (issue 15 point 1).

Starts a kycd binary on a fresh data directory (SQLite, loopback), a receiver that accepts
connections and never answers, and one that answers 204 at once. Partner `dead` gets BACKLOG
dummy-result tokens (each a webhook to the dead receiver); once its deliveries are hanging,
partner `healthy` gets OTHERS tokens, and the script times how long until all of their webhooks
have arrived, and counts the connections the dead receiver holds meanwhile. Bounded: kycd is
stopped and every socket closed at the end, at most 180 s of waiting.

  cargo build --release
  python3 tools/fault/fair_delivery.py --binary target/release/kycd --backlog 300 --others 50

Run it against an older binary (built from another checkout) to compare.
"""
import argparse, base64, http.client, http.server, json, os, socket, subprocess, sys
import tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DeadReceiver:
    """Accepts every connection, reads what comes, never answers."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1024)
        self.port = self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.listener.close()
        for conn in self.held:
            conn.close()


class HealthyReceiver:
    def __init__(self):
        arrivals = self.arrivals = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length", 0)))
                arrivals.append(time.monotonic())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def kycd(binary, data_dir, *args):
    out = subprocess.run([binary, "--data-dir", data_dir, *args], check=True,
                         capture_output=True, text=True).stdout
    return out


def create_partner(binary, data_dir, name, webhook):
    out = kycd(binary, data_dir, "partner", "create", "--name", name, "--environment", "dev",
               "--webhook-url", webhook, "--rate-limit", "1000000", "--json")
    issued = json.loads(out)
    return "Basic " + base64.b64encode(f"{issued['apiKey']}:{issued['apiSecret']}".encode()).decode()


def create_tokens(port, auth, count):
    def worker(first):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in range(first, count, 8):
            body = json.dumps({"clientId": f"c{n}", "dummyStatus": "APPROVED"})
            conn.request("POST", "/api/v2/token", body=body,
                         headers={"Authorization": auth, "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            assert response.status == 201, response.status

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(worker, range(8)))


def wait_until(condition, limit):
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/release/kycd")
    parser.add_argument("--backlog", type=int, default=300)
    parser.add_argument("--others", type=int, default=50)
    args = parser.parse_args()
    backlog, others = min(args.backlog, 5000), min(args.others, 1000)
    dead, healthy = DeadReceiver(), HealthyReceiver()
    with tempfile.TemporaryDirectory() as data_dir:
        dead_auth = create_partner(args.binary, data_dir, "dead",
                                   f"http://127.0.0.1:{dead.port}/hook")
        healthy_auth = create_partner(args.binary, data_dir, "healthy",
                                      f"http://127.0.0.1:{healthy.port}/hook")
        port = free_port()
        server = subprocess.Popen([args.binary, "--data-dir", data_dir, "serve", "--listen",
                                   f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            def up():
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                    conn.request("GET", "/health")
                    return conn.getresponse().status == 200
                except OSError:
                    return False

            if not wait_until(up, 30):
                sys.exit("kycd did not start")
            create_tokens(port, dead_auth, backlog)
            wait_until(lambda: len(dead.held) >= 64, 5)
            time.sleep(1)  # let the worker fill every slot it is going to
            hanging = len(dead.held)
            started = time.monotonic()
            create_tokens(port, healthy_auth, others)
            created = time.monotonic() - started
            arrived = wait_until(lambda: len(healthy.arrivals) >= others, 180)
            took = (healthy.arrivals[-1] if arrived else time.monotonic()) - started
            print(json.dumps({
                "binary": args.binary,
                "backlog": backlog,
                "deadReceiverConnectionsBefore": hanging,
                "deadReceiverConnectionsAfter": len(dead.held),
                "others": others,
                "othersCreatedSeconds": round(created, 2),
                "othersArrived": len(healthy.arrivals),
                "othersAllArrivedSeconds": round(took, 2) if arrived else None,
            }))
        finally:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
            dead.close()
            healthy.server.shutdown()


if __name__ == "__main__":
    main()
