#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that face the network: SharpFuzz instruments the server's
# assembly for afl++, which then runs each target for the given number of seconds.
#   fuzz/run.sh [seconds] [target ...]     (default: 60 seconds, every target, all at once)
# Needs afl++ (Debian: apt-get install afl++). Prints one line per target and ends with
# "N passed, N failed": a target passes when afl-fuzz ran and found no crash and no hang.
# Findings stay in fuzz/findings/<target>/default/{crashes,hangs}; a crash input belongs, once fixed,
# in tests/OpenMailserver.Tests/Fuzz/Inputs/<target>/ where FuzzRegressionTests replays it.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(imap-command mime spf dkim-key)

command -v afl-fuzz >/dev/null || { echo "afl-fuzz is missing: apt-get install afl++"; echo "0 passed, 1 failed"; exit 1; }

out=fuzz/bin
rm -rf "$out"
dotnet publish fuzz/OpenMailserver.Fuzz -c Release -o "$out" -nologo -v quiet >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
dotnet tool restore >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
# Only our parsers and MimeKit (which reads every message first) are instrumented: coverage elsewhere
# would only steer the fuzzer into start-up code.
dotnet sharpfuzz "$out/OpenMailserver.Server.dll" OpenMailserver.Server.Imap.Protocol OpenMailserver.Server.Messages OpenMailserver.Server.MailAuthentication >/dev/null &&
  dotnet sharpfuzz "$out/MimeKit.dll" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
# The targets run side by side, sharing the cores.
for target in "${targets[@]}"; do
  findings="fuzz/findings/$target"
  rm -rf "$findings"
  mkdir -p fuzz/findings
  dict=()
  [ -f "fuzz/dictionaries/$target.dict" ] && dict=(-x "fuzz/dictionaries/$target.dict")
  afl-fuzz -i "fuzz/corpus/$target" -o "$findings" "${dict[@]}" -V "$seconds" -t 5000 -m none \
    -- dotnet "$out/OpenMailserver.Fuzz.dll" "$target" >"$findings.log" 2>&1 &
done
wait
passed=0
failed=0
for target in "${targets[@]}"; do
  findings="fuzz/findings/$target"
  stats="$findings/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "$target: afl-fuzz did not run (see $findings.log)"
    tail -n 20 "$findings.log"
    failed=$((failed + 1))
    continue
  fi
  crashes=$(sed -n 's/^saved_crashes *: *//p' "$stats")
  hangs=$(sed -n 's/^saved_hangs *: *//p' "$stats")
  execs=$(sed -n 's/^execs_done *: *//p' "$stats")
  rate=$(sed -n 's/^execs_per_sec *: *//p' "$stats")
  paths=$(sed -n 's/^corpus_count *: *//p' "$stats")
  echo "$target: ${execs} executions (${rate}/s), ${paths} inputs in the corpus, ${crashes} crashes, ${hangs} hangs"
  if [ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
