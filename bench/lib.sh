# shellcheck shell=bash
# shellcheck disable=SC2034  # port is read by the scripts that source this file
# Helpers shared by the benchmark scripts (bench/run.sh, bench/realtime.sh); sourced, not run.
# A script sets server_pid and data_dir while a server runs on a scratch data directory;
# stop_server_and_clean ends both, and is safe to call again.

server_pid=""
data_dir=""
port=""

stop_server_and_clean() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  if [[ -n $data_dir ]]; then
    rm -rf "$data_dir"
    data_dir=""
  fi
}

# Starts `parley serve` ($PARLEY_BIN) on $data_dir with --sync $1, in the background, and
# returns once it listens; sets server_pid and port.
start_server_on_data_dir() {
  "$PARLEY_BIN" serve --data "$data_dir" --listen 127.0.0.1:0 --port-file "$data_dir/port" \
    --sync "$1" --log-level warn &
  server_pid=$!
  for _ in $(seq 100); do
    [[ -s $data_dir/port ]] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "bench: server exited at start-up" >&2; exit 1; }
    sleep 0.1
  done
  [[ -s $data_dir/port ]] || { echo "bench: server did not listen within 10 s" >&2; exit 1; }
  port=$(cat "$data_dir/port")
}

# The value of a string field in the admin CLI's one-line JSON output.
json_field() {
  sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$2"
}

# Median of the numbers on stdin, one per line.
median() {
  sort -g | awk '{ values[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) { print values[(NR + 1) / 2] }
    else { print (values[NR / 2] + values[NR / 2 + 1]) / 2 }
  }'
}

# The value of `key` in a key=value line.
field() {
  tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"
}
