#!/usr/bin/env bash
# Runs every test of Open Mailserver and ends with the line "N passed, N failed".
# As root on Debian it first installs the system packages the tests use.
set -uo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=""
  # postfix: the real MTA our delivery tests send to; dnsmasq-base: a real DNS server for MX, SPF and DKIM.
  # chromium: the real browser the dashboard tests drive through Playwright.
  # afl++: the coverage-guided fuzzer that fuzz/run.sh drives through SharpFuzz.
  for pkg in curl python3 swaks isync postfix dnsmasq-base chromium afl++; do
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

# Each parser facing the network, fuzzed for a minute (FUZZ_SECONDS to change); a target counts as one
# test, passed when it found no crash and no hang.
fuzz_output=$(fuzz/run.sh "${FUZZ_SECONDS:-60}" 2>&1)
fuzz_status=$?
head -n -1 <<<"$fuzz_output"
fuzz_totals=$(tail -n 1 <<<"$fuzz_output")
fuzz_passed=$(sed -n 's/^\([0-9]*\) passed.*/\1/p' <<<"$fuzz_totals")
fuzz_failed=$(sed -n 's/.*, \([0-9]*\) failed$/\1/p' <<<"$fuzz_totals")
passed=$((passed + ${fuzz_passed:-0}))
failed=$((failed + ${fuzz_failed:-1}))
if [ "$fuzz_status" -ne 0 ] && [ "$status" -eq 0 ]; then status=$fuzz_status; fi

echo "$passed passed, $failed failed"
exit "$status"
