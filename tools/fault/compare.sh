#!/usr/bin/env bash
# Runs the issue-15 fault scripts (points 2 and 7) against one kycd binary, each on a fresh data
# directory on loopback ports 18557/18558: slow_clients.py twice, then reset_and_list.py with
# 20,000 verifications. Usage: tools/fault/compare.sh [BINARY]   (default target/release/kycd)
set -u
bin=$(realpath "${1:-target/release/kycd}")
d=$(mktemp -d)
$bin --data-dir $d serve --listen 127.0.0.1:18557 > /dev/null 2>&1 &
pid=$!
sleep 3
cd "$(dirname "$0")/../.."
echo "== slow_clients 2000 x 380000 ($bin)"
timeout 200 python3 tools/fault/slow_clients.py --url http://127.0.0.1:18557 --pid $pid --connections 2000 --size 380000 --hold 15
echo "== slowloris 1000 x 100"
timeout 200 python3 tools/fault/slow_clients.py --url http://127.0.0.1:18557 --pid $pid --connections 1000 --size 100 --hold 15
kill $pid; wait $pid 2>/dev/null
d2=$(mktemp -d)
$bin --data-dir $d2 serve --listen 127.0.0.1:18558 > /dev/null 2>&1 &
pid=$!
sleep 3
creds=$($bin --data-dir $d2 partner create --name load --environment dev --rate-limit 0 --json)
key=$(echo "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["apiKey"])')
secret=$(echo "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["apiSecret"])')
echo "== reset_and_list 20000 ($bin)"
timeout 900 python3 tools/fault/reset_and_list.py --url http://127.0.0.1:18558 --key $key --secret $secret --count 20000
kill $pid; wait $pid 2>/dev/null
rm -rf $d $d2
