#!/usr/bin/env bash
# The real-time gateway's benchmarks (issue #3; `make bench`). Seeds one workspace with the
# admin CLI (`parley admin seed`: users sharing a password, channels of them) into a template
# data directory, then for every run copies it, starts `parley serve` on the copy and runs:
#   - bench/rtm_idle: idle WebSockets in steps, the server's memory per socket;
#   - bench/rtm_fanout: one socket per member of BENCH_MEMBERS-member channels, posts at each
#     rate of BENCH_RATES (0: as fast as acknowledged), deliveries per second and latency;
#     then once more at half the highest delivery rate measured without slow-consumer closes.
# Each fan-out configuration runs BENCH_RUNS times and the table shows medians. Builds nothing:
# `make bench` builds first. Loopback only; about 3 minutes with the defaults.
# See docs/benchmarks.md.
#
# Environment:
#   PARLEY_BIN        server binary (default build/default/parley); the generators are taken
#                     from bench/ next to it
#   BENCH_RUNS        runs per fan-out configuration (default 3)
#   BENCH_SECONDS     posting time of each fan-out run, warm-up included (default 6)
#   BENCH_WARMUP      seconds at the start of each run that are not measured (default 2)
#   BENCH_DRAIN       seconds after posting that deliveries may still arrive (default 3)
#   BENCH_MEMBERS     members with a socket in each channel (default 1000)
#   BENCH_CHANNELS    channels posted into, each with the same members (default 1)
#   BENCH_RATES       posts per second in all, space-separated; 0 is flat out
#                     (default "25 50 250 0")
#   BENCH_THREADS     generator threads reading sockets (default 2)
#   BENCH_IDLE_COUNTS idle socket totals, comma-separated (default 1000,5000,10000); the
#                     process's open-file limit caps them (raised to its hard limit here)
#   BENCH_SYNC        the server's --sync (default full)
#   BENCH_DATA_ROOT   where the data directories go (default build/bench-data)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PARLEY_BIN=${PARLEY_BIN:-$ROOT/build/default/parley}
BENCH_DIR=$(dirname "$PARLEY_BIN")/bench
RUNS=${BENCH_RUNS:-3}
RUN_SECONDS=${BENCH_SECONDS:-6}
WARMUP_SECONDS=${BENCH_WARMUP:-2}
DRAIN_SECONDS=${BENCH_DRAIN:-3}
MEMBERS=${BENCH_MEMBERS:-1000}
CHANNELS=${BENCH_CHANNELS:-1}
read -r -a RATES <<<"${BENCH_RATES:-25 50 250 0}"
THREADS=${BENCH_THREADS:-2}
IDLE_COUNTS=${BENCH_IDLE_COUNTS:-1000,5000,10000}
SYNC=${BENCH_SYNC:-full}
DATA_ROOT=${BENCH_DATA_ROOT:-$ROOT/build/bench-data}
PASSWORD='benchmark passphrase'
# Four loopback source addresses: 4 x 28,000 ephemeral ports, more than any count here needs.
SOURCES=127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5

for binary in "$PARLEY_BIN" "$BENCH_DIR/rtm_idle" "$BENCH_DIR/rtm_fanout"; do
  if [[ ! -x $binary ]]; then
    echo "bench: $binary not found; run 'make bench' (it builds first)" >&2
    exit 1
  fi
done
# Every socket is a descriptor in the server and one in the generator.
ulimit -n "$(ulimit -Hn)"
mkdir -p "$DATA_ROOT"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
template=""
cleanup_all() {
  stop_server_and_clean
  [[ -z $template ]] || rm -rf "$template"
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM

# The largest idle count decides how many users to seed: one socket per user, as in use.
largest_idle=$(tr ',' '\n' <<<"$IDLE_COUNTS" | sort -n | tail -1)
users=$((largest_idle > MEMBERS ? largest_idle : MEMBERS))

# Seeds the template: the owner (the poster), `users` users, CHANNELS channels of MEMBERS.
seed_template() {
  template=$(mktemp -d "$DATA_ROOT/realtime-template-XXXXXX")
  local owner seeded started
  started=$(date +%s.%N)
  owner=$("$PARLEY_BIN" admin --data "$template" --json create-workspace --name Bench \
    --email bench@bench.test --password "$PASSWORD")
  seeded=$("$PARLEY_BIN" admin --data "$template" --json seed \
    --team "$(json_field team_id "$owner")" \
    --users "$users" --password "$PASSWORD" --prefix bench --channels "$CHANNELS" \
    --members-per-channel "$MEMBERS")
  grep -o '"token":"[^"]*"' <<<"$seeded" | cut -d'"' -f4 >"$template/tokens-all"
  head -n "$MEMBERS" "$template/tokens-all" >"$template/tokens-members"
  json_field token "$owner" >"$template/owner-token"
  grep -o '"channels":\[[^]]*\]' <<<"$seeded" | grep -o '"id":"[^"]*"' | cut -d'"' -f4 |
    paste -sd, >"$template/channels"
  echo "bench: seeded $users users and $CHANNELS channel(s) of $MEMBERS members in" \
    "$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
}

# Starts a server on a copy of the template; sets server_pid, data_dir and port.
port=""
start_server() {
  data_dir=$(mktemp -d "$DATA_ROOT/realtime-run-XXXXXX")
  cp -a "$template/." "$data_dir/"
  start_server_on_data_dir "$SYNC"
}

# One fan-out run at `rate` posts/s; sets result_line to the generator's key=value line.
result_line=""
fanout_once() {
  local rate=$1
  start_server
  result_line=$(timeout $((RUN_SECONDS + 120)) "$BENCH_DIR/rtm_fanout" --format kv \
    --url "http://127.0.0.1:$port" --token "$(cat "$template/owner-token")" \
    --tokens-file "$template/tokens-members" --channels "$(cat "$template/channels")" \
    --rate "$rate" --seconds "$RUN_SECONDS" --warmup-seconds "$WARMUP_SECONDS" \
    --drain-seconds "$DRAIN_SECONDS" \
    --threads "$THREADS" --server-pid "$server_pid") ||
    echo "bench: fan-out run at rate=$rate is not valid (closes or errors)" >&2
  stop_server_and_clean
}

echo "bench: $(nproc) cores, open-file limit $(ulimit -n), sync=$SYNC, data in $DATA_ROOT," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
seed_template

echo
echo "Idle sockets (one per user, from $SOURCES):"
start_server
timeout 600 "$BENCH_DIR/rtm_idle" --url "http://127.0.0.1:$port" \
  --tokens-file "$template/tokens-all" --server-pid "$server_pid" --counts "$IDLE_COUNTS" \
  --source-addresses "$SOURCES" || echo "bench: idle run incomplete" >&2
stop_server_and_clean

declare -A medians
configurations=()
run_configuration() {
  local rate=$1 lines=() run
  configurations+=("$rate")
  for run in $(seq "$RUNS"); do
    fanout_once "$rate"
    echo "  rate=$rate run $run: $result_line"
    lines+=("$result_line")
  done
  for key in deliveries_per_s posts_per_s delivered_fraction p50_ms p90_ms p99_ms p999_ms max_ms \
    slow_closes other_closes generator_cpu_s server_cpu_s window_s errors latency_lower_bound; do
    medians[$rate.$key]=$(for line in "${lines[@]}"; do field "$key" "$line"; done | median)
  done
}

echo
echo "Fan-out: $MEMBERS sockets, $CHANNELS channel(s) of $MEMBERS members, ${RUN_SECONDS}s runs" \
  "(${WARMUP_SECONDS}s warm-up), $THREADS generator threads:"
for rate in "${RATES[@]}"; do
  run_configuration "$rate"
done

# Half the best delivery rate reached without closes, as posts per second.
best=0
for rate in "${configurations[@]}"; do
  if [[ ${medians[$rate.slow_closes]} == 0 ]]; then
    best=$(awk -v a="$best" -v b="${medians[$rate.deliveries_per_s]}" \
      'BEGIN { print (b > a ? b : a) }')
  fi
done
half=$(awk -v best="$best" -v fanout="$((MEMBERS * 1))" 'BEGIN { printf "%d", best / 2 / fanout }')
if ((half > 0)) && [[ -z ${medians[$half.deliveries_per_s]:-} ]]; then
  echo "  (half of the best delivery rate, $best/s: $half posts/s)"
  run_configuration "$half"
fi

echo
printf '%-9s %10s %8s %8s %7s %7s %7s %8s %7s %6s %8s %8s\n' rate deliveries/s posts/s \
  delivered p50_ms p90_ms p99_ms p99.9_ms max_ms closes 'gen cpu' 'srv cpu'
for rate in "${configurations[@]}"; do
  m=$rate
  awk -v name="$([[ $rate == 0 ]] && echo flat-out || echo "$rate/s")" \
    -v d="${medians[$m.deliveries_per_s]}" -v p="${medians[$m.posts_per_s]}" \
    -v f="${medians[$m.delivered_fraction]}" -v p50="${medians[$m.p50_ms]}" \
    -v p90="${medians[$m.p90_ms]}" -v p99="${medians[$m.p99_ms]}" -v p999="${medians[$m.p999_ms]}" \
    -v max="${medians[$m.max_ms]}" -v closes="${medians[$m.slow_closes]}" \
    -v gen="${medians[$m.generator_cpu_s]}" -v srv="${medians[$m.server_cpu_s]}" \
    -v window="${medians[$m.window_s]}" -v bound="${medians[$m.latency_lower_bound]}" 'BEGIN {
      printf "%-9s %12.0f %8.1f %7.1f%% %7.2f %7.2f %7.2f %8.2f %7.1f %6d %7.0f%% %7.0f%%%s\n",
        name, d, p, 100 * f, p50, p90, p99, p999, max, closes,
        (window > 0 ? 100 * gen / window : 0), (window > 0 ? 100 * srv / window : 0),
        (bound > 0 ? "  (latencies are lower bounds)" : "")
    }'
done
echo "Medians of $RUNS runs. delivered: share of the measured posts' deliveries that arrived" \
  "within ${DRAIN_SECONDS}s of the end of posting (below 100%: the server or the generator fell" \
  "behind; each missing delivery counts as taking until then, so latencies become lower" \
  "bounds). closes: slow-consumer (4008) closes; a run" \
  "with any is not a valid throughput figure. cpu: % of one core ($(nproc) in all) over the" \
  "measured window. Targets (issue #3): 500,000 deliveries/s; p99 < 50 ms at 250 posts/s." \
  "Load average now $(cut -d' ' -f1-3 /proc/loadavg)."
