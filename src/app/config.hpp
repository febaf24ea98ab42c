// Server settings. Each has a default, may be set in a TOML file (--config), overridden by a
// PARLEY_* environment variable, and finally by a command-line flag. docs/operations.md
// lists them all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace parley::app {

struct Config {
    std::string config_file;                // --config / PARLEY_CONFIG
    std::string data_dir = "./data";        // --data / PARLEY_DATA, [storage] data
    std::string listen = "127.0.0.1:8080";  // --listen / PARLEY_LISTEN, [server] listen
    std::string public_url;                 // --public-url; default http://<listen>
    std::string log_level = "info";         // --log-level; trace, debug, info, warn, error
    std::string port_file;                  // --port-file: write the bound port here (tests)
    std::string web_root;                   // --web-root, [server] web_root; the built client
    std::string sync = "full";              // [storage] sync: "full" or "normal"
    size_t io_threads = 0;                  // [server] io_threads; 0 = one per core
    // [server] worker_threads. A posting request holds its worker until its group commit is
    // durable, so the workers bound how many writes can share one commit (bench/run.sh
    // measured ~8 per commit with 16 workers, 20-29 with 64). Idle workers cost little.
    size_t worker_threads = 64;
    size_t max_body_bytes = 1 << 20;          // [server] max_body_bytes
    uint32_t idle_timeout_ms = 60'000;        // [server] idle_timeout_ms
    uint32_t presence_grace_ms = 5'000;       // [realtime] presence_grace_ms
    uint32_t presence_flush_ms = 1'000;       // [realtime] presence_flush_ms
    size_t max_replay_events = 10'000;        // [realtime] max_replay_events
    uint32_t ws_idle_timeout_ms = 60'000;     // [realtime] idle_timeout_ms
    size_t ws_max_queued_bytes = 4 << 20;     // [realtime] max_queued_bytes
    uint32_t event_retention_hours = 24 * 7;  // [realtime] event_retention_hours
};

// Adds the serve flags to `command`, bound to `config`.
void add_serve_options(CLI::App& command, Config& config);

// After CLI11 has parsed flags and environment: fills every setting that neither gave from
// the TOML file, if one was named. Throws std::runtime_error on an unreadable or invalid file.
void apply_config_file(CLI::App& command, Config& config);

// Splits "host:port"; throws std::runtime_error on a malformed address.
std::pair<std::string, uint16_t> split_listen_address(const std::string& listen);

std::string database_path(const Config& config);

}  // namespace parley::app
