#!/usr/bin/env bash
# SMTP inbound benchmark: durable acceptance by Open Mailserver's MX and, in the same run, by Postfix from
# Debian's packages accepting the same domain into a Maildir. Load: Postfix's smtp-source, 10 concurrent
# sessions, 5 KB and 100 KB messages. Per-message latency: bench/smtp/probe.py on its own connection
# while the load runs. The two servers take turns, ROUNDS times each, and the table shows the median round
# (this machine's disk and CPU are shared, so single runs vary). We check SPF and DKIM on arrival (Postfix as
# configured here checks neither); a dnsmasq publishes the senders' SPF records so those lookups are
# answered, as a resolver would in production. Prints Markdown; run as root (Postfix needs it).
#   bench/smtp/run.sh            # defaults below
#   SMALL=4000 LARGE=800 bench/smtp/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/oms-bench-smtp.XXXXXX)
small=${SMALL:-2000}
large=${LARGE:-400}
sessions=${SESSIONS:-10}
probe_count=${PROBE:-100}
rounds=${ROUNDS:-3}
oms_port=12525; pf_port=12526; http_port=18787; dns_port=12553
domain=bench.test; rcpt=user@bench.test

if ! command -v smtp-source >/dev/null; then
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi

cleanup() {
  [ -n "${oms_pid:-}" ] && kill "$oms_pid" 2>/dev/null || true
  [ -n "${dns_pid:-}" ] && kill "$dns_pid" 2>/dev/null || true
  postfix -c "$work/postfix" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- DNS for the senders: their SPF records ---
command -v dnsmasq >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsmasq-base >/dev/null
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll --listen-address=127.0.0.1 --bind-interfaces \
  --port=$dns_port --local=/test/ --pid-file= --user=root --log-facility=/dev/null \
  --txt-record=load.test,"v=spf1 ip4:127.0.0.0/8 -all" --txt-record=probe.test,"v=spf1 ip4:127.0.0.0/8 -all" &
dns_pid=$!

# --- Open Mailserver ---
. "$root/bench/server.sh"
# The whole load comes from one address, as Postfix's smtpd exempts its own network from its per-client limits.
start_server "$work/oms" $http_port OpenMailserver__Domain=$domain OpenMailserver__Smtp__Port=$oms_port OpenMailserver__Smtp__MaxConcurrentSessions=1000 \
  OpenMailserver__Smtp__MaxSessionsPerAddress=1000 \
  OpenMailserver__Delivery__DnsServers__0=127.0.0.1:$dns_port
create_mailbox "$work/oms" $http_port "{\"local_part\":\"user\",\"domain\":\"$domain\"}"

# --- Postfix: its own config directory, one smtpd on a loopback port, virtual delivery to a Maildir ---
chmod 755 "$work"
mkdir -p "$work/postfix" "$work/pfqueue" "$work/pfdata" "$work/maildir"
chown postfix "$work/pfdata"
chown -R nobody:nogroup "$work/maildir"
sed -e "s/^smtp      inet.*/127.0.0.1:$pf_port inet n - n - - smtpd/" /etc/postfix/master.cf >"$work/postfix/master.cf"
cat >"$work/postfix/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $work/pfqueue
data_directory = $work/pfdata
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.$domain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = $domain
virtual_mailbox_base = $work/maildir
virtual_mailbox_maps = static:user/
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(getent group nogroup | cut -d: -f3)
smtpd_recipient_restrictions = reject_unauth_destination
message_size_limit = 26214400
maillog_file_prefixes = $work
maillog_file = $work/postfix.log
default_process_limit = 200
CONF
postfix -c "$work/postfix" set-permissions >/dev/null 2>&1 || true
postfix -c "$work/postfix" start >/dev/null 2>&1
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$pf_port) 2>/dev/null && break; sleep 0.2; done

# --- one measured run: smtp-source load with the probe beside it ---
measure() { # port size count -> "msgs/s p50 p99"
  local port=$1 size=$2 count=$3
  python3 "$root/bench/smtp/probe.py" 127.0.0.1 "$port" "$rcpt" "$size" 5 >/dev/null  # warm the path
  local start end probe
  python3 "$root/bench/smtp/probe.py" 127.0.0.1 "$port" "$rcpt" "$size" "$probe_count" >"$work/probe.out" &
  local probe_pid=$!
  start=$(date +%s.%N)
  smtp-source -s "$sessions" -m "$count" -l "$size" -f load@load.test -t "$rcpt" -M load.test "127.0.0.1:$port"
  end=$(date +%s.%N)
  wait "$probe_pid"
  probe=$(cat "$work/probe.out")
  awk -v c="$count" -v s="$start" -v e="$end" -v p="$probe" 'BEGIN { split(p, q, " "); printf "%.0f %s %s\n", c / (e - s), q[1], q[2] }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "| message size | server | messages/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"
for spec in "5120 $small" "102400 $large"; do
  set -- $spec
  : >"$work/ours"; : >"$work/theirs"
  for _ in $(seq "$rounds"); do
    measure $oms_port "$1" "$2" >>"$work/ours"
    measure $pf_port "$1" "$2" >>"$work/theirs"
  done
  o_rate=$(cut -d' ' -f1 "$work/ours" | median); o_p50=$(cut -d' ' -f2 "$work/ours" | median); o_p99=$(cut -d' ' -f3 "$work/ours" | median)
  p_rate=$(cut -d' ' -f1 "$work/theirs" | median); p_p50=$(cut -d' ' -f2 "$work/theirs" | median); p_p99=$(cut -d' ' -f3 "$work/theirs" | median)
  echo "| $(( $1 / 1024 )) KB | Open Mailserver | $o_rate | $o_p50 | $o_p99 |"
  echo "| $(( $1 / 1024 )) KB | Postfix $(postconf -d -h mail_version) | $p_rate | $p_p50 | $p_p99 |"
  awk -v a="$o_rate" -v b="$p_rate" -v x="$o_p50" -v y="$p_p50" -v m="$o_p99" -v n="$p_p99" \
    'BEGIN { printf "| | ratio (ours / Postfix) | %.2f | %.2f | %.2f |\n", a / b, x / y, m / n }'
done

# Both must really have accepted everything (and Postfix delivered it to the Maildir).
expected=$(( rounds * (small + large + 2 * (5 + probe_count)) ))
stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from messages').fetchone()[0])" "$work/oms/openmailserver.db")
for _ in $(seq 120); do [ -z "$(postqueue -c "$work/postfix" -p 2>/dev/null | grep -v 'Mail queue is empty')" ] && break; sleep 1; done
delivered=$(find "$work/maildir/user/new" "$work/maildir/user/cur" -type f 2>/dev/null | wc -l)
echo
echo "Stored by Open Mailserver: $stored of $expected; delivered by Postfix to the Maildir: $delivered of $expected."
echo "Machine: $(nproc) cores, $(uname -r); disk: $(df -h "$work" | awk 'NR==2 {print $1}')."
