#include "app/serve.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <csignal>
#include <fstream>
#include <mutex>
#include <thread>

#include "api/router.hpp"
#include "auth/signin_throttle.hpp"
#include "chat/accounts.hpp"
#include "chat/conversations.hpp"
#include "chat/messages.hpp"
#include "net/http_server.hpp"
#include "realtime/gateway.hpp"
#include "realtime/hub.hpp"
#include "realtime/tickets.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "web/static_site.hpp"

namespace parley::app {

namespace {

// Blocks SIGTERM and SIGINT in this thread and every thread it starts later, so that only
// the sigwait() below receives them.
sigset_t block_stop_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

void write_port_file(const std::string& path, uint16_t port) {
    if (path.empty()) {
        return;
    }
    // Written to a temporary name and renamed, so a reader never sees a partial number.
    std::string temporary = path + ".tmp";
    std::ofstream(temporary) << port << "\n";
    std::rename(temporary.c_str(), path.c_str());
}

net::HttpServerOptions http_options(const Config& config) {
    auto [host, port] = split_listen_address(config.listen);
    net::HttpServerOptions options;
    options.listen_host = host;
    options.listen_port = port;
    options.io_threads = config.io_threads;
    options.worker_threads = config.worker_threads;
    options.max_body_bytes = config.max_body_bytes;
    options.idle_timeout_ms = config.idle_timeout_ms;
    return options;
}

struct LogEnd {
    std::string epoch;
    int64_t seq = 0;
};

LogEnd read_log_end(store::Store& store) {
    LogEnd end;
    Status read = store.read([&](store::StoreReader& reader) -> Status {
        end.epoch = reader.log_epoch();
        end.seq = reader.latest_event_seq();
        return ok_status();
    });
    if (!read || end.epoch.empty()) {
        throw std::runtime_error("the database has no event log epoch");
    }
    return end;
}

realtime::HubOptions hub_options(const Config& config) {
    realtime::HubOptions options;
    options.presence_grace = std::chrono::milliseconds(config.presence_grace_ms);
    options.presence_flush = std::chrono::milliseconds(config.presence_flush_ms);
    return options;
}

net::WebSocketOptions websocket_options(const Config& config) {
    net::WebSocketOptions options;
    options.idle_timeout_ms = config.ws_idle_timeout_ms;
    options.max_queued_bytes = config.ws_max_queued_bytes;
    return options;
}

// Drops events older than the retention period, hourly; a client away for longer is told
// to resync instead of replaying.
class EventPruner {
  public:
    EventPruner(store::Store& store, uint32_t retention_hours)
        : store_(store), retention_hours_(retention_hours), thread_([this] { run(); }) {}

    ~EventPruner() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

  private:
    void run() {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, std::chrono::hours(1), [&] { return stopping_; })) {
            TsMicros before = now_micros() - int64_t{retention_hours_} * 3600 * 1'000'000;
            size_t pruned = 0;
            Status done = store_.write([&](store::StoreWriter& tx) -> Status {
                pruned = tx.prune_events(before);
                return ok_status();
            });
            spdlog::info("serve: pruned events count={} ok={}", pruned, done.ok());
        }
    }

    store::Store& store_;
    const uint32_t retention_hours_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;  // Guarded by mutex_.
    std::thread thread_;
};

std::string public_url_for(const Config& config, uint16_t port) {
    auto [host, configured_port] = split_listen_address(config.listen);
    std::string url = !config.public_url.empty() ? config.public_url
                                                 : "http://" + host + ":" + std::to_string(port);
    while (!url.empty() && url.back() == '/') {
        url.pop_back();  // Links are built as public_url + "/path".
    }
    return url;
}

}  // namespace

int serve(const Config& config) {
    sigset_t stop_signals = block_stop_signals();

    store::sqlite::SqliteOptions storage;
    storage.path = database_path(config);
    storage.sync_full = config.sync != "normal";
    auto store = store::sqlite::open_sqlite_store(storage);

    LogEnd log_end = read_log_end(*store);
    realtime::Hub hub(log_end.epoch, log_end.seq, hub_options(config));
    store->set_commit_listener(
        [&hub](std::vector<store::StoredEvent> events) { hub.publish(std::move(events)); });
    EventPruner pruner(*store, config.event_retention_hours);

    auth::SigninThrottle throttle;
    chat::Accounts accounts(*store, throttle);
    chat::Conversations conversations(*store);
    chat::Messages messages(*store);
    realtime::TicketBook tickets;
    api::Services services{*store, accounts, conversations, messages, throttle, hub, tickets, {}};
    web::StaticSite site(config.web_root);
    api::Router router(services, api::build_method_table(), &site);
    realtime::RtmContext rtm{*store, hub, messages, config.max_replay_events,
                             config.ws_max_queued_bytes / 2};
    realtime::Gateway gateway(rtm, tickets);

    net::HttpServer server(http_options(config), [&router](const net::HttpRequest& request) {
        return router.handle(request);
    });
    server.set_websocket_route(
        "/rtm",
        [&gateway](const net::HttpRequest& request, net::HttpResponse& refusal) {
            return gateway.accept(request, refusal);
        },
        websocket_options(config));
    server.start();
    services.public_url.set(public_url_for(config, server.port()));
    write_port_file(config.port_file, server.port());
    spdlog::info("serve: listening address={} port={} data={} web_root={}", config.listen,
                 server.port(), config.data_dir, config.web_root);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    spdlog::info("serve: stopping signal={}", signal_number);
    hub.say_goodbye();
    server.stop();
    server.wait();
    store->set_commit_listener(nullptr);
    spdlog::info("serve: stopped");
    return 0;
}

}  // namespace parley::app
