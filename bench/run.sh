#!/usr/bin/env bash
# Write throughput and the cost of durability (`make bench`). For each configuration it
# starts `parley serve` on a fresh data directory, creates a workspace and a channel with the
# admin CLI, runs bench/post_throughput against it, and stops the server; each configuration
# runs BENCH_RUNS times and the table shows medians. Builds nothing: `make bench` builds first.
# Loopback only; about 90 s with the defaults. See docs/benchmarks.md.
#
# Environment:
#   PARLEY_BIN        server binary (default build/default/parley)
#   PARLEY_BENCH_BIN  generator (default: bench/post_throughput next to PARLEY_BIN)
#   BENCH_RUNS        runs per configuration (default 3)
#   BENCH_SECONDS     length of each run, warm-up included (default 6)
#   BENCH_WARMUP      seconds at the start of each run that are not measured (default 1)
#   BENCH_DATA_ROOT   where the temporary data directories go (default build/bench-data).
#                     Must be a real disk: on tmpfs fsync costs nothing and sync=full
#                     measures nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PARLEY_BIN=${PARLEY_BIN:-$ROOT/build/default/parley}
PARLEY_BENCH_BIN=${PARLEY_BENCH_BIN:-$(dirname "$PARLEY_BIN")/bench/post_throughput}
RUNS=${BENCH_RUNS:-3}
RUN_SECONDS=${BENCH_SECONDS:-6}
WARMUP_SECONDS=${BENCH_WARMUP:-1}
DATA_ROOT=${BENCH_DATA_ROOT:-$ROOT/build/bench-data}

# Configurations: "sync connections". Full sync with 1 connection pays one fsync per message;
# more connections let group commit share each fsync; normal sync skips the per-commit fsync.
CONFIGURATIONS=("full 1" "full 16" "full 64" "normal 64")

for binary in "$PARLEY_BIN" "$PARLEY_BENCH_BIN"; do
  if [[ ! -x $binary ]]; then
    echo "bench: $binary not found; run 'make bench' (it builds first)" >&2
    exit 1
  fi
done
mkdir -p "$DATA_ROOT"
if [[ $(stat -f -c %T "$DATA_ROOT") == tmpfs ]]; then
  echo "bench: warning: $DATA_ROOT is on tmpfs, where fsync is free; sync=full figures mean nothing" >&2
fi

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap stop_server_and_clean EXIT
trap 'exit 130' INT TERM

# CPU seconds (user + system) a process has used so far, from /proc.
process_cpu_seconds() {
  awk -v ticks="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / ticks }' "/proc/$1/stat"
}

# The server's /metrics text, fetched with bash's /dev/tcp so the script needs no HTTP client.
fetch_metrics() {
  local port=$1
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  timeout 10 cat <&3
  exec 3<&-
}

# key=value figures of the store's group commit, from the server's own metrics: mean writes
# per commit, mean commit time, and how much of the run the writer thread spent committing.
commit_figures() {
  local metrics=$1 run_seconds=$2
  awk -v run="$run_seconds" '
    $1 == "parley_store_commits_total" { commits = $2 }
    $1 == "parley_store_write_jobs_total" { jobs = $2 }
    $1 == "parley_store_commit_seconds_sum" { busy = $2 }
    END {
      printf "jobs_per_commit=%.1f commit_ms=%.2f writer_busy_pct=%.0f", (commits > 0 ? jobs / commits : 0),
        (commits > 0 ? 1000 * busy / commits : 0), (run > 0 ? 100 * busy / run : 0)
    }' <<<"$metrics"
}

# Runs the generator once against a fresh server. Sets result_line to the generator's
# key=value line followed by server_cpu_s=... and run_s=... (the server's CPU over the run).
# Not run in a subshell, so that the EXIT trap can always stop the server.
result_line=""
run_once() {
  local sync=$1 connections=$2
  data_dir=$(mktemp -d "$DATA_ROOT/run-XXXXXX")

  local owner channel
  owner=$("$PARLEY_BIN" admin --data "$data_dir" --json create-workspace --name Bench \
    --email bench@bench.test --password 'benchmark passphrase')
  channel=$("$PARLEY_BIN" admin --data "$data_dir" --json create-channel \
    --team "$(json_field team_id "$owner")" --name bench --creator "$(json_field user_id "$owner")")

  start_server_on_data_dir "$sync"

  local cpu_before started result cpu_after finished
  cpu_before=$(process_cpu_seconds "$server_pid")
  started=$(date +%s.%N)
  result=$(timeout $((RUN_SECONDS + 60)) "$PARLEY_BENCH_BIN" --format kv \
    --url "http://127.0.0.1:$port" \
    --token "$(json_field token "$owner")" --channel "$(json_field channel_id "$channel")" \
    --connections "$connections" --seconds "$RUN_SECONDS" --warmup-seconds "$WARMUP_SECONDS") ||
    echo "bench: generator reported errors (sync=$sync connections=$connections)" >&2
  cpu_after=$(process_cpu_seconds "$server_pid")
  finished=$(date +%s.%N)

  local metrics run_seconds
  metrics=$(fetch_metrics "$(cat "$data_dir/port")" || true)
  run_seconds=$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.2f", b - a }')
  stop_server_and_clean
  result_line="$result server_cpu_s=$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { printf "%.2f", b - a }')"
  result_line+=" run_s=$run_seconds $(commit_figures "$metrics" "$run_seconds")"
}

# Other work on the machine skews every figure here; the load average is printed so a noisy
# run can be recognised as such.
echo "bench: $(nproc) cores, $RUNS runs x ${RUN_SECONDS}s (${WARMUP_SECONDS}s warm-up) per configuration," \
  "data in $DATA_ROOT ($(stat -f -c %T "$DATA_ROOT")), load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A medians
for configuration in "${CONFIGURATIONS[@]}"; do
  read -r sync connections <<<"$configuration"
  lines=()
  for run in $(seq "$RUNS"); do
    run_once "$sync" "$connections"
    echo "  sync=$sync connections=$connections run $run: $result_line"
    lines+=("$result_line")
  done
  for key in msgs_per_s p50_ms p90_ms p99_ms max_ms generator_cpu_s elapsed_s server_cpu_s run_s \
    errors jobs_per_commit commit_ms writer_busy_pct; do
    medians[$configuration.$key]=$(for line in "${lines[@]}"; do field "$key" "$line"; done | median)
  done
done

# CPU is shown as a share of one core: the generator's over its measured window, the
# server's over the whole run, warm-up included (its start-up excluded).
echo
printf '%-21s %7s %6s %6s %6s %7s %7s %7s %7s %8s %9s %7s\n' configuration msgs/s 'vs f/1' \
  p50_ms p90_ms p99_ms max_ms 'gen cpu' 'srv cpu' msgs/cmt commit_ms wr_busy
baseline=${medians[full 1.msgs_per_s]}
for configuration in "${CONFIGURATIONS[@]}"; do
  read -r sync connections <<<"$configuration"
  m="$configuration"  # The key prefix of this configuration's medians.
  awk -v name="sync=$sync conns=$connections" -v rate="${medians[$m.msgs_per_s]}" \
    -v base="$baseline" -v p50="${medians[$m.p50_ms]}" -v p90="${medians[$m.p90_ms]}" \
    -v p99="${medians[$m.p99_ms]}" -v max="${medians[$m.max_ms]}" \
    -v gen="${medians[$m.generator_cpu_s]}" -v elapsed="${medians[$m.elapsed_s]}" \
    -v srv="${medians[$m.server_cpu_s]}" -v run="${medians[$m.run_s]}" \
    -v errors="${medians[$m.errors]}" -v batch="${medians[$m.jobs_per_commit]}" \
    -v commit="${medians[$m.commit_ms]}" -v busy="${medians[$m.writer_busy_pct]}" 'BEGIN {
      # Parentheses matter: a bare ">" in a print list is an output redirection in awk.
      printf "%-21s %7.0f %5.1fx %6.2f %6.2f %7.2f %7.2f %6.0f%% %6.0f%% %8.1f %9.2f %6.0f%%%s\n",
        name, rate, (base > 0 ? rate / base : 0), p50, p90, p99, max,
        (elapsed > 0 ? 100 * gen / elapsed : 0), (run > 0 ? 100 * srv / run : 0), batch, commit,
        busy, (errors > 0 ? "  (errors!)" : "")
    }'
done
echo "Medians of $RUNS runs. vs f/1: throughput relative to sync=full conns=1. cpu: % of one" \
  "core ($(nproc) in all). msgs/cmt, commit_ms, wr_busy: writes per commit, mean commit time and" \
  "the writer thread's share of the run spent committing, from the server's /metrics." \
  "Load average now $(cut -d' ' -f1-3 /proc/loadavg)."
