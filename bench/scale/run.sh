#!/usr/bin/env bash
# How the cost of one message and one request grows with the mailbox: one INBOX grown to each size in SIZES
# (by `import mbox` of generated 5 KB messages, the same path a migration takes), and at each size: SMTP
# ingest through the MX (smtp-source, 10 sessions, 1,000 messages of 5 KB, SPF answered by a local dnsmasq),
# REST send, list, search (a word some messages hold, one none holds), folder counts, IMAP SELECT, FETCH of
# the last 50 envelopes, UID SEARCH UNSEEN, and the data directory's size per message. Prints Markdown.
#   bench/scale/run.sh                       # SIZES="1000 10000 100000"
#   SIZES="1000 10000 100000 1000000" bench/scale/run.sh
#   REUSE=/tmp/oms-bench-scale.XXXXXX SIZES=1000000 bench/scale/run.sh   # measure again on a directory a run left
# ROUNDS (default 1) measures each size that many times and reports the median of each figure. Before it, at every
# size, WARM (default 3,000) messages go through the MX to another mailbox and one round runs uncounted, so a
# reused directory's just-started server is measured as warm (JIT, caches) as a fresh run's after its smaller sizes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/scale"
work=${REUSE:-$(mktemp -d /tmp/oms-bench-scale.XXXXXX)}
sizes=${SIZES:-"1000 10000 100000"}; runs=${RUNS:-50}; rounds=${ROUNDS:-1}; warm=${WARM:-3000}
http=18795; smtp=12528; imaps=11997; dns_port=12555; password=scale-password-123; address=user@bench.test
command -v smtp-source >/dev/null || { echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections;
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null; }
command -v dnsmasq >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsmasq-base >/dev/null
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll --listen-address=127.0.0.1 --bind-interfaces \
  --port=$dns_port --local=/test/ --pid-file= --user=root --log-facility=/dev/null --txt-record=load.test,"v=spf1 ip4:127.0.0.0/8 -all" &
dns_pid=$!
trap 'kill $dns_pid ${oms_pid:-} 2>/dev/null || true' EXIT

. "$root/bench/server.sh"
start_server "$work/data" $http OpenMailserver__Domain=bench.test OpenMailserver__Smtp__Port=$smtp OpenMailserver__Imap__TlsPort=$imaps \
  OpenMailserver__Smtp__MaxConcurrentSessions=1000 OpenMailserver__Smtp__MaxSessionsPerAddress=1000 OpenMailserver__Imap__MaxCommandsPerSecond=1000000 \
  OpenMailserver__Limits__MaxSendsPerHour=1000000 OpenMailserver__Delivery__DnsServers__0=127.0.0.1:$dns_port
admin=$(cat "$work/data/admin-api-key")
if [ -n "${REUSE:-}" ]; then
  # The mailbox is there; a key of its own for this run.
  key=$(curl -sf -X POST "http://127.0.0.1:$http/v1/mailboxes/$address/keys" -H "X-OpenMailserver-Key: $admin" -H "Content-Type: application/json" -d '{}' |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("key") or d["api_key"]["key"])')
else
  key=$(curl -sf -X POST "http://127.0.0.1:$http/v1/mailboxes" -H "X-OpenMailserver-Key: $admin" -H "Content-Type: application/json" \
    -d "{\"local_part\":\"user\",\"domain\":\"bench.test\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["key"])')
fi
curl -sf -X POST "http://127.0.0.1:$http/v1/mailboxes" -H "X-OpenMailserver-Key: $admin" -H "Content-Type: application/json" \
  -d "{\"local_part\":\"warm\",\"domain\":\"bench.test\",\"password\":\"$password\"}" >/dev/null || [ -n "${REUSE:-}" ]
dotnet build "$here/ScaleBench" -c Release -nologo -v quiet >/dev/null
cli="dotnet $root/src/Server/bin/Release/net10.0/OpenMailserver.Server.dll"
count() { curl -sf "http://127.0.0.1:$http/v1/mailboxes/${1:-$address}/folders" -H "X-OpenMailserver-Key: $admin" |
  python3 -c 'import json,sys; print(sum(f["messages"] for f in json.load(sys.stdin)))'; }

declare -A results
have=$(count)
bench() { dotnet "$here/ScaleBench/bin/Release/net10.0/ScaleBench.dll" $http $imaps $address $password "$key" "$runs"; }
if [ -n "${REUSE:-}" ] && [ "$(curl -sf "http://127.0.0.1:$http/v1/mailboxes/$address/messages?text=fiftyholdit" -H "X-OpenMailserver-Key: $key")" = "[]" ]; then
  # A directory grown before the word was planted: its 50 oldest messages, as in a fresh run.
  python3 "$here/mbox.py" "$work/fifty.mbox" -1050 50
  $cli import mbox "$work/fifty.mbox" --mailbox $address --server "http://127.0.0.1:$http" --data-directory "$work/data" >/dev/null 2>&1
  rm -f "$work/fifty.mbox"
fi
for size in $sizes; do
  # Grow the INBOX to the size by import (earlier steps' SMTP and send messages count too).
  missing=$(( size - $(count) ))
  if [ "$missing" -gt 0 ]; then
    python3 "$here/mbox.py" "$work/grow.mbox" "$have" "$missing"
    start=$(date +%s.%N)
    $cli import mbox "$work/grow.mbox" --mailbox $address --server "http://127.0.0.1:$http" --data-directory "$work/data" 2>/dev/null | tail -1 >&2
    echo "import of $missing: $(awk -v s="$start" -v e="$(date +%s.%N)" -v n="$missing" 'BEGIN { printf "%.0f msg/s", n / (e - s) }')" >&2
    rm -f "$work/grow.mbox"
    have=$(( have + missing ))
  fi
  smtp-source -s 10 -m "$warm" -l 5120 -f load@load.test -t warm@bench.test -M load.test 127.0.0.1:$smtp
  bench | grep "first at this size" > "$work/first" || true
  { cat "$work/first"; for round in $(seq "$rounds"); do
    start=$(date +%s.%N)
    smtp-source -s 10 -m 1000 -l 5120 -f load@load.test -t $address -M load.test 127.0.0.1:$smtp >&2
    printf 'SMTP ingest, msg/s (10 sessions)\t%s\t\n' "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", 1000 / (e - s) }')"
    bench
  done; } > "$work/rounds"
  while IFS=$'\t' read -r name p50 p99; do
    results["$size $name"]=$([ -n "$p99" ] && echo "$p50 / $p99" || echo "$p50")
  done < <(python3 "$here/median.py" < "$work/rounds")
  stored=$(count)
  bytes=$(du -sb "$work/data" | cut -f1)
  results["$size data directory per message, bytes (5 KB messages)"]=$(( bytes / (stored + $(count warm@bench.test)) ))
  echo "measured at $size ($stored messages)" >&2
done

names=("SMTP ingest, msg/s (10 sessions)" "REST send, msg/s" "REST list newest 50" "REST search, a word some hold" "REST search, a word 50 hold" "REST search, a word none holds"
  "REST folder counts" "IMAP SELECT INBOX, first at this size" "IMAP SELECT INBOX" "IMAP FETCH last 50 envelopes" "IMAP UID SEARCH UNSEEN (50 unread)" "data directory per message, bytes (5 KB messages)")
printf "| at N messages in INBOX (p50 / p99 ms where two) |"; for size in $sizes; do printf " %s |" "$size"; done; echo
printf "|---|"; for size in $sizes; do printf -- "---|"; done; echo
for name in "${names[@]}"; do
  printf "| %s |" "$name"; for size in $sizes; do printf " %s |" "${results["$size $name"]:-}"; done; echo
done
echo
echo "Machine: $(nproc) cores, $(uname -r); $(date -u +%F)."
