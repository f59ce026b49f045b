#!/usr/bin/env bash
# IMAP benchmark: the same generated mailbox (10,000 messages) loaded into Open Mailserver and, in the same
# run, into Dovecot from Debian's packages (Maildir) on another loopback port; one client program
# (bench/imap/ImapBench, MailKit) times login + SELECT, FETCH 1:* (FLAGS ENVELOPE), UID SEARCH for a
# header word and a body word, and fetching 200 full bodies (median of RUNS); then memory per idle
# connection (proportional set size, so shared pages are not counted twice) with CONNECTIONS clients in
# IDLE. Both over implicit TLS with the same certificate. Then search latency (p50, p99): the REST search
# API against Dovecot's IMAP UID SEARCH on the same mailbox. Prints Markdown; run as root.
#   bench/imap/run.sh                 # COUNT=10000 RUNS=5 CONNECTIONS=200
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/oms-bench-imap.XXXXXX)
count=${COUNT:-10000}
runs=${RUNS:-5}
connections=${CONNECTIONS:-200}
search_runs=${SEARCH_RUNS:-200}
oms_port=11993; dc_port=11994; http_port=18788
user=user@bench.test; password=bench-password-123

cleanup() {
  [ -n "${oms_pid:-}" ] && kill "$oms_pid" 2>/dev/null || true
  dovecot -c "$work/dovecot.conf" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

dotnet build "$root/bench/imap/ImapBench" -c Release -nologo -v quiet >/dev/null
bench="dotnet $root/bench/imap/ImapBench/bin/Release/net10.0/ImapBench.dll"

. "$root/bench/server.sh"
# Every client is one address logging in to one mailbox, as Dovecot here allows (mail_max_userip_connections),
# and a session may send commands as fast as it likes (Dovecot has no per-session rate limit): the bench
# measures the server, not its limits.
start_server "$work/oms" $http_port OpenMailserver__Domain=bench.test OpenMailserver__Imap__TlsPort=$oms_port OpenMailserver__Imap__MaxConcurrentSessions=5000 \
  OpenMailserver__Imap__MaxSessionsPerAddress=5000 OpenMailserver__Imap__MaxSessionsPerMailbox=5000 OpenMailserver__Imap__MaxCommandsPerSecond=1000000
create_mailbox "$work/oms" $http_port "{\"local_part\":\"user\",\"domain\":\"bench.test\",\"password\":\"$password\"}"

. "$root/bench/dovecot.sh"
start_dovecot "$work" $dc_port $password "$work/oms/tls/selfsigned-cert.pem" "$work/oms/tls/selfsigned-key.pem"

seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null; awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
load_oms=$(seconds $bench load $oms_port $user $password "$count")
load_dc=$(seconds $bench load $dc_port $user $password "$count")

$bench measure $oms_port $user $password "$runs" >"$work/oms.times"
$bench measure $dc_port $user $password "$runs" >"$work/dc.times"

# Search latency: the REST search API (SQLite FTS5 and the message index) against Dovecot's IMAP SEARCH.
key=$(curl -sf -X POST "http://127.0.0.1:$http_port/v1/mailboxes/$user/keys" -H "X-OpenMailserver-Key: $(cat "$work/oms/admin-api-key")" \
  -H "Content-Type: application/json" -d '{"name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
$bench rest $http_port $user "$key" "$search_runs" >"$work/oms.search"
$bench search $dc_port $user $password "$search_runs" >"$work/dc.search"

# Proportional set size (kB) of Open Mailserver's process, and of every Dovecot process.
oms_pss() { pss /proc/"$oms_pid"/smaps_rollup; }
idle_memory() { # port pss-function -> kB per connection
  local before after fifo="$work/idle.fifo" out="$work/idle.out" pid
  before=$($2)
  rm -f "$fifo"; mkfifo "$fifo"
  $bench idle "$1" $user $password "$connections" <"$fifo" >"$out" 2>&1 &
  pid=$!
  exec 7>"$fifo"
  for _ in $(seq 600); do grep -q ready "$out" && break; kill -0 "$pid" 2>/dev/null || { cat "$out" >&2; return 1; }; sleep 0.2; done
  sleep 2
  after=$($2)
  exec 7>&-
  wait "$pid" 2>/dev/null || true
  awk -v b="$before" -v a="$after" -v n="$connections" 'BEGIN { printf "%.0f", (a - b) / n }'
}
mem_oms=$(idle_memory $oms_port oms_pss)
mem_dc=$(idle_memory $dc_port dc_pss)

echo "| operation ($count messages) | Open Mailserver | Dovecot $(dovecot --version | cut -d' ' -f1) | ratio (ours / Dovecot) |"
echo "|---|---|---|---|"
echo "| load by APPEND, s (not timed per op) | $load_oms | $load_dc | $(awk -v a="$load_oms" -v b="$load_dc" 'BEGIN { printf "%.2f", a / b }') |"
paste "$work/oms.times" "$work/dc.times" | awk -F'\t' '{ printf "| %s, ms | %s | %s | %.2f |\n", $1, $2, $4, $2 / $4 }'
echo "| memory per idle connection, kB (PSS) | $mem_oms | $mem_dc | $(awk -v a="$mem_oms" -v b="$mem_dc" 'BEGIN { printf "%.2f", a / b }') |"
echo
echo "Machine: $(nproc) cores; each figure is the median of $runs runs; $connections idle connections for memory."
echo
echo "| search ($count messages), ms | Open Mailserver REST p50 | p99 | Dovecot IMAP SEARCH p50 | p99 | ratio p50 (ours / Dovecot) |"
echo "|---|---|---|---|---|---|"
awk -F'\t' 'NR == FNR { dc[$1] = $2 "\t" $3; next }
  { split(dc[$1], d, "\t"); if (d[1] != "") printf "| %s | %s | %s | %s | %s | %.2f |\n", $1, $2, $3, d[1], d[2], $2 / d[1];
    else printf "| %s | %s | %s | – | – | – |\n", $1, $2, $3 }' "$work/dc.search" "$work/oms.search"
echo
echo "Search figures: $search_runs runs each after a warm-up (paging: $((search_runs / 10)) runs)."
