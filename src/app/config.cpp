#include "app/config.hpp"

#include <toml++/toml.h>
#include <CLI/CLI.hpp>

#include <charconv>
#include <filesystem>
#include <functional>
#include <stdexcept>

// CMake sets this to the checkout's web/dist; a build without it looks beside the cwd.
#ifndef PARLEY_DEFAULT_WEB_ROOT
#define PARLEY_DEFAULT_WEB_ROOT "web/dist"
#endif

namespace parley::app {

namespace {

// One setting: its flag, its environment variable, and where it sits in the TOML file.
struct Setting {
    const char* flag;
    const char* env;
    const char* toml_path;  // "section.key"
    const char* help;
};

template <class T>
void bind(CLI::App& command, T& field, const Setting& setting) {
    command.add_option(setting.flag, field, setting.help)
        ->envname(setting.env)
        ->capture_default_str();
}

template <class T>
void fill_from_toml(CLI::App& command, const toml::table& file, T& field, const Setting& setting) {
    if (command.get_option(std::string(setting.flag))->count() > 0) {
        return;  // A flag or the environment already set it: those win over the file.
    }
    auto node = file.at_path(setting.toml_path);
    if (!node) {
        return;
    }
    if constexpr (std::is_same_v<T, std::string>) {
        auto value = node.value<std::string>();
        if (!value) {
            throw std::runtime_error(std::string(setting.toml_path) + " must be a string");
        }
        field = *value;
    } else {
        auto value = node.value<int64_t>();
        if (!value || *value < 0) {
            throw std::runtime_error(std::string(setting.toml_path) +
                                     " must be a non-negative integer");
        }
        field = static_cast<T>(*value);
    }
}

const Setting kData{"--data", "PARLEY_DATA", "storage.data", "Data directory"};
const Setting kListen{"--listen", "PARLEY_LISTEN", "server.listen", "Address to listen on"};
const Setting kPublicUrl{"--public-url", "PARLEY_PUBLIC_URL", "server.public_url",
                         "URL people use to reach this server"};
const Setting kWebRoot{"--web-root", "PARLEY_WEB_ROOT", "server.web_root",
                       "Folder of the built web client (web/dist)"};
const Setting kLogLevel{"--log-level", "PARLEY_LOG_LEVEL", "log.level",
                        "trace, debug, info, warn or error"};
const Setting kSync{"--sync", "PARLEY_SYNC", "storage.sync",
                    "full (survives power loss) or normal (survives a crash)"};
const Setting kIoThreads{"--io-threads", "PARLEY_IO_THREADS", "server.io_threads",
                         "I/O threads, 0 for one per core"};
const Setting kWorkers{"--worker-threads", "PARLEY_WORKER_THREADS", "server.worker_threads",
                       "Threads that run API methods"};
const Setting kMaxBody{"--max-body-bytes", "PARLEY_MAX_BODY_BYTES", "server.max_body_bytes",
                       "Largest request body accepted"};
const Setting kIdle{"--idle-timeout-ms", "PARLEY_IDLE_TIMEOUT_MS", "server.idle_timeout_ms",
                    "Idle keep-alive connections are closed after this"};

const Setting kPresenceGrace{"--presence-grace-ms", "PARLEY_PRESENCE_GRACE_MS",
                             "realtime.presence_grace_ms",
                             "A user with no open socket turns away after this"};
const Setting kPresenceFlush{"--presence-flush-ms", "PARLEY_PRESENCE_FLUSH_MS",
                             "realtime.presence_flush_ms",
                             "Presence changes are sent at most this often"};
const Setting kMaxReplay{"--max-replay-events", "PARLEY_MAX_REPLAY_EVENTS",
                         "realtime.max_replay_events",
                         "More missed events than this: the client resyncs instead"};
const Setting kWsIdle{"--ws-idle-timeout-ms", "PARLEY_WS_IDLE_TIMEOUT_MS",
                      "realtime.idle_timeout_ms", "A silent socket is pinged, then closed"};
const Setting kWsQueue{"--ws-max-queued-bytes", "PARLEY_WS_MAX_QUEUED_BYTES",
                       "realtime.max_queued_bytes",
                       "Unsent bytes a socket may hold before it is cut off"};
const Setting kRetention{"--event-retention-hours", "PARLEY_EVENT_RETENTION_HOURS",
                         "realtime.event_retention_hours", "Events are kept this long"};

}  // namespace

void add_serve_options(CLI::App& command, Config& config) {
    command.add_option("--config", config.config_file, "TOML configuration file")
        ->envname("PARLEY_CONFIG");
    command.add_option("--port-file", config.port_file,
                       "Write the bound port to this file once listening");
    bind(command, config.data_dir, kData);
    bind(command, config.listen, kListen);
    bind(command, config.public_url, kPublicUrl);
    if (config.web_root.empty()) {
        config.web_root = PARLEY_DEFAULT_WEB_ROOT;
    }
    bind(command, config.web_root, kWebRoot);
    bind(command, config.log_level, kLogLevel);
    bind(command, config.sync, kSync);
    bind(command, config.io_threads, kIoThreads);
    bind(command, config.worker_threads, kWorkers);
    bind(command, config.max_body_bytes, kMaxBody);
    bind(command, config.idle_timeout_ms, kIdle);
    bind(command, config.presence_grace_ms, kPresenceGrace);
    bind(command, config.presence_flush_ms, kPresenceFlush);
    bind(command, config.max_replay_events, kMaxReplay);
    bind(command, config.ws_idle_timeout_ms, kWsIdle);
    bind(command, config.ws_max_queued_bytes, kWsQueue);
    bind(command, config.event_retention_hours, kRetention);
}

void apply_config_file(CLI::App& command, Config& config) {
    if (config.config_file.empty()) {
        return;
    }
    toml::table file;
    try {
        file = toml::parse_file(config.config_file);
    } catch (const toml::parse_error& e) {
        throw std::runtime_error("cannot read config " + config.config_file + ": " +
                                 std::string(e.description()));
    }
    fill_from_toml(command, file, config.data_dir, kData);
    fill_from_toml(command, file, config.listen, kListen);
    fill_from_toml(command, file, config.public_url, kPublicUrl);
    fill_from_toml(command, file, config.web_root, kWebRoot);
    fill_from_toml(command, file, config.log_level, kLogLevel);
    fill_from_toml(command, file, config.sync, kSync);
    fill_from_toml(command, file, config.io_threads, kIoThreads);
    fill_from_toml(command, file, config.worker_threads, kWorkers);
    fill_from_toml(command, file, config.max_body_bytes, kMaxBody);
    fill_from_toml(command, file, config.idle_timeout_ms, kIdle);
    fill_from_toml(command, file, config.presence_grace_ms, kPresenceGrace);
    fill_from_toml(command, file, config.presence_flush_ms, kPresenceFlush);
    fill_from_toml(command, file, config.max_replay_events, kMaxReplay);
    fill_from_toml(command, file, config.ws_idle_timeout_ms, kWsIdle);
    fill_from_toml(command, file, config.ws_max_queued_bytes, kWsQueue);
    fill_from_toml(command, file, config.event_retention_hours, kRetention);
}

std::pair<std::string, uint16_t> split_listen_address(const std::string& listen) {
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        throw std::runtime_error("--listen must be HOST:PORT, got '" + listen + "'");
    }
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);  // [::1]:8080
    }
    unsigned port = 0;
    const char* begin = listen.data() + colon + 1;
    const char* end = listen.data() + listen.size();
    auto [stop, ec] = std::from_chars(begin, end, port);
    if (ec != std::errc{} || stop != end || port > 65535) {
        throw std::runtime_error("bad port in --listen '" + listen + "'");
    }
    return {host, static_cast<uint16_t>(port)};
}

std::string database_path(const Config& config) {
    return (std::filesystem::path(config.data_dir) / "parley.db").string();
}

}  // namespace parley::app
