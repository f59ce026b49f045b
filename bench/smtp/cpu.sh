#!/usr/bin/env bash
# CPU the MX spends per message, for two or more builds taking turns: far steadier than throughput on a shared
# machine, since waiting for the disk or for another process costs no CPU. Each build's server accepts
# COUNT 5 KB and COUNT/5 100 KB messages from smtp-source (10 sessions, SPF answered by a local dnsmasq);
# the server's user+system CPU time (from /proc) is divided by the messages. Prints one line per run.
#   bench/smtp/cpu.sh <tree> <tree> ...      # e.g. a clone at an older commit, and this tree
#   TURNS=2 COUNT=2000 bench/smtp/cpu.sh /tmp/before .
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
turns=${TURNS:-2}; count=${COUNT:-2000}; trees=("$@")
work=$(mktemp -d /tmp/oms-bench-cpu.XXXXXX)
port=12527; http=18790; dns_port=12554; rcpt=user@bench.test
command -v smtp-source >/dev/null || { echo "smtp-source (postfix) is needed: run bench/smtp/run.sh once" >&2; exit 1; }
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll --listen-address=127.0.0.1 --bind-interfaces \
  --port=$dns_port --local=/test/ --pid-file= --user=root --log-facility=/dev/null --txt-record=load.test,"v=spf1 ip4:127.0.0.0/8 -all" &
dns_pid=$!
trap 'kill $dns_pid ${oms_pid:-} 2>/dev/null || true' EXIT
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
for turn in $(seq "$turns"); do
  for tree in "${trees[@]}"; do
    root=$(cd "$tree" && pwd)
    . "$here/../server.sh"
    data="$work/$(basename "$root")-$turn"
    start_server "$data" $http OpenMailserver__Domain=bench.test OpenMailserver__Smtp__Port=$port OpenMailserver__Smtp__MaxConcurrentSessions=1000 \
      OpenMailserver__Smtp__MaxSessionsPerAddress=1000 OpenMailserver__Delivery__DnsServers__0=127.0.0.1:$dns_port
    create_mailbox "$data" $http '{"local_part":"user","domain":"bench.test"}'
    smtp-source -s 10 -m 50 -l 5120 -f load@load.test -t $rcpt -M load.test 127.0.0.1:$port   # warm up
    line="$(git -C "$root" log --oneline -1 | cut -c1-7) turn $turn:"
    for spec in "5120 $count" "102400 $((count / 5))"; do
      read -r size n <<<"$spec"
      before=$(cpu $oms_pid); start=$(date +%s.%N)
      smtp-source -s 10 -m "$n" -l "$size" -f load@load.test -t $rcpt -M load.test 127.0.0.1:$port
      end=$(date +%s.%N); after=$(cpu $oms_pid)
      line+=$(awk -v b="$before" -v a="$after" -v n="$n" -v s="$start" -v e="$end" -v k=$(( size / 1024 )) \
        'BEGIN { printf " %d KB: %.2f ms CPU/msg, %.0f msg/s;", k, (a - b) * 1000 / n, n / (e - s) }')
    done
    echo "$line"
    kill $oms_pid; wait $oms_pid 2>/dev/null || true
  done
done
