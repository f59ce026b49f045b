#!/usr/bin/env bash
# Watcher benchmark: WATCHERS concurrent REST event streams (WatchMailbox as NDJSON) held open on one mailbox
# of Open Mailserver; proportional set size (PSS) of the server before, with the watchers connected, and
# after each of ROUNDS rounds of MESSAGES messages delivered to all of them (flat means it stops growing);
# and per round the time until every watcher had every event.
# Peer: the same number of IMAP IDLE connections to Dovecot from Debian's packages on an empty mailbox (the
# push mechanism mail clients use), PSS summed over its processes. Prints Markdown; run as root.
#   bench/watch/run.sh            # WATCHERS=1000 MESSAGES=20 ROUNDS=4
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/oms-bench-watch.XXXXXX)
watchers=${WATCHERS:-1000}
messages=${MESSAGES:-20}
rounds=${ROUNDS:-4}
http_port=18789; dc_port=11995
user=user@bench.test; password=bench-password-123

cleanup() {
  [ -n "${oms_pid:-}" ] && kill "$oms_pid" 2>/dev/null || true
  dovecot -c "$work/dovecot.conf" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

dotnet build "$root/bench/watch/WatchBench" -c Release -nologo -v quiet >/dev/null
dotnet build "$root/bench/imap/ImapBench" -c Release -nologo -v quiet >/dev/null
watch="dotnet $root/bench/watch/WatchBench/bin/Release/net10.0/WatchBench.dll"
imap="dotnet $root/bench/imap/ImapBench/bin/Release/net10.0/ImapBench.dll"

. "$root/bench/server.sh"
start_server "$work/oms" $http_port OpenMailserver__Domain=bench.test
admin=$(cat "$work/oms/admin-api-key")
key=$(curl -sf -X POST "http://127.0.0.1:$http_port/v1/mailboxes" -H "X-OpenMailserver-Key: $admin" -H "Content-Type: application/json" \
  -d "{\"local_part\":\"user\",\"domain\":\"bench.test\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["key"])')

fifo="$work/in.fifo"; out="$work/watch.out"
wait_for() { for _ in $(seq 1500); do grep -q "$1" "$2" && return 0; sleep 0.2; done; cat "$2" >&2; return 1; }

sleep 2
before=$(pss /proc/$oms_pid/smaps_rollup)
mkfifo "$fifo"
$watch $http_port $user "$key" "$watchers" <"$fifo" >"$out" 2>&1 &
exec 7>"$fifo"
wait_for ready "$out"
sleep 3
connected=$(pss /proc/$oms_pid/smaps_rollup)
pss_rounds=()
times=()
for round in $(seq "$rounds"); do
  echo $((round * messages)) >&7
  for i in $(seq "$messages"); do
    curl -sf "http://127.0.0.1:$http_port/v1/mail/send" -H "X-OpenMailserver-Key: $key" -H "Content-Type: application/json" \
      -d "{\"sender\":\"$user\",\"recipients\":[\"$user\"],\"subject\":\"event $round.$i\",\"text_body\":\"x\"}" >/dev/null
  done
  wait_for "delivered $((round * messages)) \|missing" "$out"
  grep -q missing "$out" && { cat "$out" >&2; exit 1; }
  times+=("$(grep "^delivered $((round * messages)) " "$out" | cut -d' ' -f3)")
  sleep 3
  pss_rounds+=("$(pss /proc/$oms_pid/smaps_rollup)")
done
echo >&7
exec 7>&-

. "$root/bench/dovecot.sh"
start_dovecot "$work" $dc_port $password "$work/oms/tls/selfsigned-cert.pem" "$work/oms/tls/selfsigned-key.pem"
dc_before=$(dc_pss)
rm -f "$fifo"; mkfifo "$fifo"
$imap idle $dc_port $user $password "$watchers" <"$fifo" >"$work/idle.out" 2>&1 &
exec 7>"$fifo"
wait_for ready "$work/idle.out"
sleep 2
dc_after=$(dc_pss)
exec 7>&-

per() { awk -v a="$1" -v b="$2" -v n="$watchers" 'BEGIN { printf "%.1f", (a - b) / n }'; }
echo "| $watchers watchers | Open Mailserver (REST event streams) | Dovecot $(dovecot --version | cut -d' ' -f1) (IMAP IDLE) | ratio |"
echo "|---|---|---|---|"
echo "| server PSS before, MB | $(awk -v a="$before" 'BEGIN { printf "%.1f", a / 1024 }') | $(awk -v a="$dc_before" 'BEGIN { printf "%.1f", a / 1024 }') | |"
echo "| server PSS with the watchers, MB | $(awk -v a="$connected" 'BEGIN { printf "%.1f", a / 1024 }') | $(awk -v a="$dc_after" 'BEGIN { printf "%.1f", a / 1024 }') | |"
echo "| per watcher, kB | $(per "$connected" "$before") | $(per "$dc_after" "$dc_before") | $(awk -v a="$(per "$connected" "$before")" -v b="$(per "$dc_after" "$dc_before")" 'BEGIN { printf "%.2f", a / b }') |"
for r in $(seq "$rounds"); do
  echo "| PSS after round $r ($((r * messages)) messages, each to every watcher), MB | $(awk -v a="${pss_rounds[$((r - 1))]}" 'BEGIN { printf "%.1f", a / 1024 }') | | |"
done
echo
echo "Every watcher saw every message; per round of $messages sends, ms until the last watcher had the last one: ${times[*]}."
