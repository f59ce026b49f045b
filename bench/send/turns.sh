#!/usr/bin/env bash
# REST send, two builds of Open Mailserver side by side, taking turns: both servers run at once, each with a
# mailbox that sends to itself (so every send stores the Sent copy and delivers one local copy, both durable
# before the 200), and bench/delivery/send.py sends COUNT messages of SIZE bytes from SESSIONS concurrent
# clients to each in turn, TURNS times. Prints messages per second per turn; compare the medians.
#   bench/send/turns.sh <before tree> <after tree>
#   COUNT=1000 SIZE=5120 SESSIONS=10 TURNS=5 bench/send/turns.sh /tmp/before .
set -euo pipefail
before=$(cd "$1" && pwd); after=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/oms-bench-send.XXXXXX)
count=${COUNT:-1000}; size=${SIZE:-5120}; sessions=${SESSIONS:-10}; turns=${TURNS:-5}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# start <tree> <http port>: that tree's server (bench/server.sh builds it) with one mailbox; sets key.
start() {
  root=$1
  . "$here/../server.sh"
  start_server "$work/$2" "$2" OpenMailserver__Domain=bench.test OpenMailserver__Limits__MaxSendsPerHour=1000000
  pids+=("$oms_pid")
  key=$(curl -sf -X POST "http://127.0.0.1:$2/v1/mailboxes" -H "X-OpenMailserver-Key: $(cat "$work/$2/admin-api-key")" \
    -H "Content-Type: application/json" -d '{"local_part":"agent","domain":"bench.test"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["key"])')
}
start "$before" 18811; before_key=$key
start "$after" 18812; after_key=$key

rate() { # port key
  local s; s=$(date +%s.%N)
  python3 "$here/../delivery/send.py" "$1" "$2" agent@bench.test agent@bench.test "$size" "$count" "$sessions"
  awk -v s="$s" -v e="$(date +%s.%N)" -v n="$count" 'BEGIN { printf "%.0f", n / (e - s) }'
}
for t in $(seq "$turns"); do
  echo "turn $t: before $(rate 18811 "$before_key") messages/s, after $(rate 18812 "$after_key") messages/s"
done
