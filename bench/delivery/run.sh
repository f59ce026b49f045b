#!/usr/bin/env bash
# Outbound delivery benchmark: how fast accepted mail reaches another server. Open Mailserver takes
# messages over its REST send (10 concurrent clients) and its queue delivers them to a sink; in the same
# run Postfix from Debian's packages takes the same number over SMTP (smtp-source, 10 sessions) and relays
# them to the same sink. The sink is a third Postfix that writes Maildirs. A round is timed from the first
# message offered to the last one in the sink's Maildir; each server has ROUNDS rounds, taking turns, and the
# table shows the median. Both use their default concurrency towards one destination (ours 5 sessions, Postfix
# 20). The sink offers no TLS, so neither side encrypts. Prints Markdown; run as root (Postfix needs it).
#   bench/delivery/run.sh            # defaults below
#   COUNT=2000 ROUNDS=5 bench/delivery/run.sh
#   OMS_SETTINGS="OpenMailserver__Delivery__MaxConnectionsPerDomain=20" bench/delivery/run.sh   # other server settings
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/oms-bench-delivery.XXXXXX)
count=${COUNT:-1000}
rounds=${ROUNDS:-3}
size=${SIZE:-5120}
sessions=10
http_port=18797; sink_port=12530; relay_port=12531

if ! command -v smtp-source >/dev/null; then
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi

cleanup() {
  [ -n "${oms_pid:-}" ] && kill "$oms_pid" 2>/dev/null || true
  postfix -c "$work/sink" stop >/dev/null 2>&1 || true
  postfix -c "$work/relay" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
chmod 755 "$work"

# postfix_instance <name> <port> <main.cf lines>: its own config, queue and data directories on a loopback port.
postfix_instance() {
  local name=$1 port=$2 extra=$3
  mkdir -p "$work/$name" "$work/$name-queue" "$work/$name-data"
  chown postfix "$work/$name-data"
  local template=/etc/postfix/master.cf
  [ -f $template ] || template=/usr/share/postfix/master.cf.dist
  sed -e "s/^smtp      inet.*/127.0.0.1:$port inet n - n - - smtpd/" $template >"$work/$name/master.cf"
  cat >"$work/$name/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $work/$name-queue
data_directory = $work/$name-data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
message_size_limit = 26214400
maillog_file = $work/$name.log
maillog_file_prefixes = $work
$extra
CONF
  postfix -c "$work/$name" set-permissions >/dev/null 2>&1 || true
  postfix -c "$work/$name" start >/dev/null 2>&1
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.2; done
}

# --- the sink: sink.test into Maildirs, one per sender under test ---
mkdir -p "$work/maildir"; chown -R nobody:nogroup "$work/maildir"
printf 'oms@sink.test oms/\npf@sink.test pf/\n' >"$work/vmailbox"
postfix_instance sink $sink_port "myhostname = mx.sink.test
virtual_mailbox_domains = sink.test
virtual_mailbox_base = $work/maildir
virtual_mailbox_maps = texthash:$work/vmailbox
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(getent group nogroup | cut -d: -f3)
smtpd_recipient_restrictions = reject_unauth_destination
default_process_limit = 200"

# --- the peer: Postfix relaying everything it is given to the sink ---
postfix_instance relay $relay_port "myhostname = relay.bench.test
relayhost = [127.0.0.1]:$sink_port
smtpd_recipient_restrictions = permit_mynetworks, reject"

# --- Open Mailserver, delivering sink.test to the sink ---
. "$root/bench/server.sh"
start_server "$work/oms" $http_port OpenMailserver__Domain=bench.test OpenMailserver__Limits__MaxSendsPerHour=100000000 \
  OpenMailserver__Delivery__MxOverrides__sink.test=127.0.0.1:$sink_port ${OMS_SETTINGS:-}
key=$(curl -sf -X POST "http://127.0.0.1:$http_port/v1/mailboxes" -H "X-OpenMailserver-Key: $(cat "$work/oms/admin-api-key")" \
  -H "Content-Type: application/json" -d '{"local_part":"agent","domain":"bench.test"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["key"])')

in_sink() { find "$work/maildir/$1/new" -type f 2>/dev/null | wc -l; }

# wait_for <maildir user> <total>: until the sink holds that many for the user.
wait_for() { while [ "$(in_sink "$1")" -lt "$2" ]; do sleep 0.05; done; }

ours_total=0; theirs_total=0
measure_ours() {
  local start end
  start=$(date +%s.%N)
  python3 "$root/bench/delivery/send.py" $http_port "$key" agent@bench.test oms@sink.test "$size" "$count" $sessions
  ours_total=$((ours_total + count)); wait_for oms $ours_total
  end=$(date +%s.%N)
  awk -v c="$count" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f\n", c / (e - s) }'
}
measure_theirs() {
  local start end
  start=$(date +%s.%N)
  smtp-source -s $sessions -m "$count" -l "$size" -f load@bench.test -t pf@sink.test -M bench.test "127.0.0.1:$relay_port"
  theirs_total=$((theirs_total + count)); wait_for pf $theirs_total
  end=$(date +%s.%N)
  awk -v c="$count" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f\n", c / (e - s) }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: >"$work/ours"; : >"$work/theirs"
for _ in $(seq "$rounds"); do
  measure_ours >>"$work/ours"
  measure_theirs >>"$work/theirs"
done
ours=$(median <"$work/ours"); theirs=$(median <"$work/theirs")
echo "| $(( size / 1024 )) KB, $count messages | messages/s, offered to in the sink (median of $rounds) |"
echo "|---|---|"
echo "| Open Mailserver (REST send → queue → SMTP) | $ours |"
echo "| Postfix $(postconf -d -h mail_version) (SMTP → queue → SMTP) | $theirs |"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "| ratio (ours / Postfix) | %.2f |\n", a / b }'
echo
echo "Rounds, ours: $(tr '\n' ' ' <"$work/ours"); Postfix: $(tr '\n' ' ' <"$work/theirs")."
echo "In the sink: $(in_sink oms) from Open Mailserver, $(in_sink pf) from Postfix, of $((rounds * count)) each."
echo "Machine: $(nproc) cores, $(uname -r)."
