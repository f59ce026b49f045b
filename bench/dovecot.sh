# Dovecot from Debian's packages for the benchmarks: its own config directory under $work, one imaps
# listener on loopback, a static password, Maildir under $work/dovecot/mail. Sourced by bench/*/run.sh.

# start_dovecot <work directory> <imaps port> <password> <certificate PEM> <key PEM>
start_dovecot() {
  local work=$1 port=$2 pass=$3 cert=$4 key=$5
  command -v dovecot >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
  chmod 755 "$work"
  mkdir -p "$work/dovecot/run" "$work/dovecot/state" "$work/dovecot/mail" "$work/dovecot/home"
  chown -R nobody:nogroup "$work/dovecot/mail" "$work/dovecot/home"
  cat >"$work/dovecot.conf" <<CONF
base_dir = $work/dovecot/run
state_dir = $work/dovecot/state
log_path = $work/dovecot/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <$cert
ssl_key = <$key
mail_location = maildir:$work/dovecot/mail/%u
auth_mechanisms = plain
passdb {
  driver = static
  args = password=$pass
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$work/dovecot/home/%u
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = $port
    ssl = yes
  }
  process_limit = 5000
}
service imap {
  process_limit = 5000
}
protocol imap {
  mail_max_userip_connections = 10000
}
default_process_limit = 5000
default_client_limit = 10000
service anvil {
  client_limit = 20000
}
CONF
  dovecot -c "$work/dovecot.conf"
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
}

# dc_pss: the proportional set size of every Dovecot process, in kB (needs pss from bench/server.sh).
dc_pss() { local files=(); for p in $(pgrep -f "dovecot|imap"); do [ "$p" != "$oms_pid" ] && files+=(/proc/$p/smaps_rollup); done; pss "${files[@]}"; }
