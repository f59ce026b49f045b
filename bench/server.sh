# Open Mailserver for the benchmarks, built for release and run with production settings on loopback.
# Sourced by bench/*/run.sh, which set $root. Every mail listener is off unless the caller turns it on.

# start_server <data directory> <http port> [OpenMailserver__Key=value ...]: sets oms_pid, waits for /health.
start_server() {
  local data=$1 http=$2
  shift 2
  dotnet build "$root/src/Server" -c Release -nologo -v quiet >/dev/null
  env ASPNETCORE_ENVIRONMENT=Production OpenMailserver__DataDirectory="$data" OpenMailserver__BindAddress=127.0.0.1 \
    OpenMailserver__HttpPort="$http" OpenMailserver__GrpcPort=0 OpenMailserver__Smtp__Port=0 \
    OpenMailserver__Smtp__SubmissionTlsPort=0 OpenMailserver__Smtp__SubmissionPort=0 \
    OpenMailserver__Imap__TlsPort=0 OpenMailserver__Imap__Port=0 OpenMailserver__Limits__MaxMessagesPerMailbox=10000000 "$@" \
    dotnet "$root/src/Server/bin/Release/net10.0/OpenMailserver.Server.dll" >"$data.log" 2>&1 &
  oms_pid=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$http/health" >/dev/null && return 0; sleep 0.5; done
  echo "Open Mailserver did not start; see $data.log" >&2
  return 1
}

# create_mailbox <data directory> <http port> <JSON body of POST /v1/mailboxes>
create_mailbox() {
  curl -sf -X POST "http://127.0.0.1:$2/v1/mailboxes" -H "X-OpenMailserver-Key: $(cat "$1/admin-api-key")" \
    -H "Content-Type: application/json" -d "$3" >/dev/null
}

# pss <smaps_rollup files...>: their proportional set size summed, in kB (shared pages counted once).
pss() { awk '/^Pss:/ { s += $2 } END { print s + 0 }' "$@" 2>/dev/null || echo 0; }
