#!/usr/bin/env bash
# Runs every test: installs what the tests need (Debian chromium, PostgreSQL, the GNU OpenMP runtime LightGBM loads, PyYAML for the
# docker-compose.yml check), checks the code style (`dotnet format --verify-no-changes`: a style break counts as one failure), starts
# PostgreSQL on loopback, runs `dotnet test` on the solution and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
ldconfig -p 2>/dev/null | grep -q 'libgomp.so.1' || need+=(libgomp1)
python3 -c 'import yaml' >/dev/null 2>&1 || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${need[*]} (apt)…"
    { apt-get update -q && apt-get install -y -q "${need[@]}"; } >/tmp/scopeweb-apt.log 2>&1 || { echo "apt-get failed:"; tail -n 20 /tmp/scopeweb-apt.log; }
  else
    echo "Not root: cannot install ${need[*]}; the tests that need them will say so."
  fi
fi

if pg_env=$(scripts/pg-start.sh); then
  eval "$pg_env"
  trap 'scripts/pg-stop.sh' EXIT
else
  echo "PostgreSQL could not be started; PostgreSQL tests will say they were not run."
fi

mkdir -p TestResults
# Style: the .editorconfig rules that matter are warnings, and warnings are errors; format finds what the build does not (whitespace).
style_failed=0
if ! dotnet format ScopeWeb.sln --verify-no-changes > TestResults/format.log 2>&1; then
  style_failed=1
  echo "dotnet format --verify-no-changes found style problems (run 'dotnet format ScopeWeb.sln' to fix):"
  grep -E "(error|warning) [A-Z]+[0-9]*:" TestResults/format.log | sed 's/ \[.*//' | sort -u | head -n 30
fi

dotnet test ScopeWeb.sln -c Release --logger "console;verbosity=normal" --results-directory TestResults 2>&1 | tee TestResults/test.log
rc=${PIPESTATUS[0]}
if [ "$style_failed" = 1 ] && [ "$rc" = 0 ]; then rc=1; fi
# One summary per test assembly ("     Passed: 278" lines, or "Passed!  - Failed: 0, Passed: 278, …" at minimal verbosity).
awk -v style="$style_failed" '
  BEGIN { f = style }
  /^ +Passed: +[0-9]+ *$/  { p += $2 }
  /^ +Failed: +[0-9]+ *$/  { f += $2 }
  /^ +Skipped: +[0-9]+ *$/ { s += $2 }
  /(Passed|Failed)! +- Failed:/ { split($0, a, /[:,]/); f += a[2]; p += a[4]; s += a[6] }
  /^Test Run Aborted/ { f += 1 }   # a crashed test host: its unfinished tests count as one failure
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' TestResults/test.log
exit "$rc"
