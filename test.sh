#!/usr/bin/env bash
# Runs every test of Open Mailserver and ends with the line "N passed, N failed".
# As root on Debian it first installs the system packages the tests use.
set -uo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=""
  # postfix: the real MTA our delivery tests send to; dnsmasq-base: a real DNS server for MX, SPF and DKIM.
  # chromium: the real browser the dashboard tests drive through Playwright.
  for pkg in curl python3 swaks isync postfix dnsmasq-base chromium; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    # Postfix is installed unconfigured: each test writes its own configuration.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
  fi
fi

results="$(pwd)/TestResults"
rm -rf "$results"
dotnet build OpenMailserver.sln -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
dotnet test OpenMailserver.sln --no-build -nologo --logger "trx" --results-directory "$results"
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
