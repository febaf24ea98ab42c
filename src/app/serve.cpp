#include "app/serve.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <fstream>

#include "api/router.hpp"
#include "auth/signin_throttle.hpp"
#include "chat/accounts.hpp"
#include "chat/conversations.hpp"
#include "chat/messages.hpp"
#include "net/http_server.hpp"
#include "store/sqlite/sqlite_store.hpp"

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

}  // namespace

int serve(const Config& config) {
    sigset_t stop_signals = block_stop_signals();

    store::sqlite::SqliteOptions storage;
    storage.path = database_path(config);
    storage.sync_full = config.sync != "normal";
    auto store = store::sqlite::open_sqlite_store(storage);

    auth::SigninThrottle throttle;
    chat::Accounts accounts(*store, throttle);
    chat::Conversations conversations(*store);
    chat::Messages messages(*store);
    api::Services services{*store, accounts, conversations, messages, throttle, {}};
    api::Router router(services, api::build_method_table());

    net::HttpServer server(http_options(config), [&router](const net::HttpRequest& request) {
        return router.handle(request);
    });
    server.start();
    auto [host, port] = split_listen_address(config.listen);
    std::string public_url = !config.public_url.empty()
                                 ? config.public_url
                                 : "http://" + host + ":" + std::to_string(server.port());
    while (!public_url.empty() && public_url.back() == '/') {
        public_url.pop_back();  // Links are built as public_url + "/path".
    }
    services.public_url.set(public_url);
    write_port_file(config.port_file, server.port());
    spdlog::info("serve: listening address={} port={} data={}", config.listen, server.port(),
                 config.data_dir);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    spdlog::info("serve: stopping signal={}", signal_number);
    server.stop();
    server.wait();
    spdlog::info("serve: stopped");
    return 0;
}

}  // namespace parley::app
