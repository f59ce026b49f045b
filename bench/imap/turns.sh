#!/usr/bin/env bash
# Two builds of Open Mailserver side by side on the same data, taking turns, to tell a change from this
# machine's noise: both servers run at once; each gets the same mailbox by APPEND (LOAD_TURNS turns of COUNT
# messages, timed), then `ImapBench measure` (5 runs, median) runs against each in turn, MEASURE_TURNS times.
# Prints one line per turn; compare the medians.
#   bench/imap/turns.sh <before tree> <after tree>      # e.g. a clone at an older commit, and this tree
#   COUNT=5000 LOAD_TURNS=2 MEASURE_TURNS=5 bench/imap/turns.sh /tmp/before .
set -euo pipefail
before=$(cd "$1" && pwd); after=$(cd "$2" && pwd)
work=$(mktemp -d /tmp/oms-bench-turns.XXXXXX)
count=${COUNT:-5000}; load_turns=${LOAD_TURNS:-2}; measure_turns=${MEASURE_TURNS:-5}
password=bench-password-123; user=user@bench.test
here=$(cd "$(dirname "$0")" && pwd)
dotnet build "$here/ImapBench" -c Release -nologo -v quiet >/dev/null
bench="dotnet $here/ImapBench/bin/Release/net10.0/ImapBench.dll"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# start <tree> <http port> <imaps port>: that tree's server (bench/server.sh builds it), with one mailbox.
start() {
  root=$1
  . "$here/../server.sh"
  start_server "$work/$2" "$2" OpenMailserver__Domain=bench.test OpenMailserver__Imap__TlsPort="$3" OpenMailserver__Imap__MaxCommandsPerSecond=1000000 \
    OpenMailserver__Imap__MaxSessionsPerAddress=5000 OpenMailserver__Imap__MaxSessionsPerMailbox=5000
  pids+=("$oms_pid")
  create_mailbox "$work/$2" "$2" "{\"local_part\":\"user\",\"domain\":\"bench.test\",\"password\":\"$password\"}"
}
start "$before" 18801 11995
start "$after" 18802 11996

seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null; awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
for t in $(seq "$load_turns"); do
  echo "load turn $t ($count messages): before $(seconds $bench load 11995 $user $password "$count") s, after $(seconds $bench load 11996 $user $password "$count") s"
done
for t in $(seq "$measure_turns"); do
  $bench measure 11995 $user $password 5 | sed "s/^/before turn $t: /"
  $bench measure 11996 $user $password 5 | sed "s/^/after turn $t: /"
done
