// The server's life cycle: bind, the I/O threads and the worker pool, the accept loop, and a
// graceful stop. One connection's request loop is in http_session.cpp.
//
// Threads: `io_threads` threads run one io_context; every connection lives on its own strand
// and never blocks. Handlers, WebSocket acceptors and WebSocket session callbacks run on a
// separate pool of `worker_threads` threads, because they may block on the store.
#include "net/http_server.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/metrics.hpp"
#include "net/asio.hpp"
#include "net/http_session.hpp"
#include "net/server_context.hpp"
#include "net/waitable_counter.hpp"
#include "net/websocket_connection.hpp"

namespace parley::net {
namespace {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

// When accept fails (out of file descriptors, say), wait before trying again rather than spin.
constexpr Milliseconds kAcceptRetryDelay{100};

// How long stop() waits for the connection strands to act on a forced close. They never
// block, so this only matters if something is badly wrong; it keeps stop() bounded.
constexpr Milliseconds kForcedCloseWait{1000};

size_t thread_count_or_cores(size_t requested) {
    if (requested > 0) {
        return requested;
    }
    return std::max<size_t>(1, std::thread::hardware_concurrency());
}

// Logs what escaped a coroutine spawned with this handler; there is nobody else to tell.
auto log_if_failed(std::string what) {
    return [what = std::move(what)](std::exception_ptr failure) {
        if (!failure) {
            return;
        }
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& error) {
            spdlog::error("{}_failed error=\"{}\"", what, error.what());
        } catch (...) {
            spdlog::error("{}_failed error=unknown", what);
        }
    };
}

}  // namespace

class HttpServer::Impl {
  public:
    Impl(HttpServerOptions options, HttpHandler handler)
        : context_(std::move(options), std::move(handler)),
          ioc_(static_cast<int>(thread_count_or_cores(context_.options.io_threads))),
          acceptor_(asio::make_strand(ioc_)) {}

    ~Impl() {
        stop();
        if (stopper_.joinable()) {
            stopper_.join();
        }
    }

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void set_websocket_route(std::string path, WebSocketAcceptor acceptor,
                             WebSocketOptions options);
    void start();
    uint16_t port() const { return port_; }
    void stop();
    void wait();

  private:
    enum class State { kCreated, kRunning, kStopping, kStopped };

    void listen();
    void run_io_thread();
    asio::awaitable<void> accept_loop();
    void start_session(asio::ip::tcp::socket socket);
    bool on_server_thread();
    void shut_down();
    void on_every_session(void (HttpSession::*action)(), Clock::time_point deadline);
    size_t close_websockets(Clock::time_point deadline);
    void abort_websockets();
    size_t abandon_websockets();
    void mark_stopped();

    // Declaration order is destruction order reversed, and it matters: destroying ioc_ also
    // destroys any session coroutine still suspended in it (one whose handler outlived the
    // grace period), and those refer to context_ and to the worker pool. So both are
    // declared before ioc_ and outlive it.
    ServerContext context_;

    mutable std::mutex state_mutex_;
    std::condition_variable state_changed_;
    State state_ = State::kCreated;  // Guarded by state_mutex_.
    std::thread stopper_;            // Guarded by state_mutex_; used when a server thread stops.

    uint16_t port_ = 0;  // Written once by start(), before it returns.
    std::optional<asio::thread_pool> workers_;
    asio::io_context ioc_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running_;
    asio::ip::tcp::acceptor acceptor_;  // Used on its own strand once the threads run.
    std::vector<std::thread> io_threads_;
};

void HttpServer::Impl::set_websocket_route(std::string path, WebSocketAcceptor acceptor,
                                           WebSocketOptions options) {
    std::lock_guard lock(state_mutex_);
    if (state_ != State::kCreated) {
        throw std::logic_error("HttpServer::set_websocket_route() must be called before start()");
    }
    if (path.empty() || path.front() != '/' || path.find('?') != std::string::npos) {
        throw std::invalid_argument("WebSocket route path must start with '/' and have no query");
    }
    if (!acceptor) {
        throw std::invalid_argument("WebSocket route needs an acceptor");
    }
    if (context_.websocket_route(path) != nullptr) {
        throw std::invalid_argument("WebSocket route registered twice: " + path);
    }

    describe_websocket_metrics();
    context_.websocket_routes.push_back({std::move(path), std::move(acceptor), options});
}

void HttpServer::Impl::start() {
    // Held throughout, so that a concurrent stop() sees either nothing started or all of it.
    std::lock_guard lock(state_mutex_);
    if (state_ != State::kCreated) {
        throw std::logic_error("HttpServer::start() may be called only once");
    }

    listen();

    const size_t io_threads = thread_count_or_cores(context_.options.io_threads);
    const size_t worker_threads = std::max<size_t>(1, context_.options.worker_threads);
    workers_.emplace(worker_threads);
    keep_running_.emplace(ioc_.get_executor());
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), log_if_failed("http_accept_loop"));
    io_threads_.reserve(io_threads);
    for (size_t i = 0; i < io_threads; ++i) {
        io_threads_.emplace_back([this] { run_io_thread(); });
    }

    state_ = State::kRunning;
    spdlog::info("http_server_started host={} port={} io_threads={} worker_threads={}",
                 context_.options.listen_host, port_, io_threads, worker_threads);
}

void HttpServer::Impl::listen() {
    const HttpServerOptions& options = context_.options;
    const std::string where = fmt::format("{}:{}", options.listen_host, options.listen_port);

    asio::ip::tcp::resolver resolver(ioc_);
    ErrorCode ec;
    const auto endpoints =
        resolver.resolve(options.listen_host, std::to_string(options.listen_port),
                         asio::ip::tcp::resolver::passive, ec);
    if (ec) {
        throw std::runtime_error(
            fmt::format("cannot resolve listen address {}: {}", where, ec.message()));
    }

    // The first address that binds wins (a name such as "localhost" may give several).
    ErrorCode last_error = asio::error::host_not_found;
    for (const auto& entry : endpoints) {
        ErrorCode attempt;
        acceptor_.open(entry.endpoint().protocol(), attempt);
        if (!attempt) {
            acceptor_.set_option(asio::socket_base::reuse_address(true), attempt);
        }
        if (!attempt) {
            acceptor_.bind(entry.endpoint(), attempt);
        }
        if (!attempt) {
            acceptor_.listen(asio::socket_base::max_listen_connections, attempt);
        }
        if (!attempt) {
            port_ = acceptor_.local_endpoint().port();
            return;
        }
        last_error = attempt;
        acceptor_.close(attempt);
    }
    throw std::runtime_error(fmt::format("cannot listen on {}: {}", where, last_error.message()));
}

void HttpServer::Impl::run_io_thread() {
    // Handlers catch their own failures; this is the last line, so one bad connection can
    // never take an I/O thread (and the server) down.
    for (;;) {
        try {
            ioc_.run();
            return;
        } catch (const std::exception& error) {
            spdlog::error("http_io_thread_failed error=\"{}\"", error.what());
        }
    }
}

asio::awaitable<void> HttpServer::Impl::accept_loop() {
    for (;;) {
        // Each connection gets its own strand: its coroutine never runs on two threads at once.
        asio::ip::tcp::socket socket(asio::make_strand(ioc_));
        ErrorCode ec;
        co_await acceptor_.async_accept(socket, with_error(ec));
        if (context_.stopping || !acceptor_.is_open()) {
            co_return;
        }
        if (ec) {
            spdlog::warn("http_accept_failed error=\"{}\"", ec.message());
            asio::steady_timer pause(acceptor_.get_executor(), kAcceptRetryDelay);
            co_await pause.async_wait(with_error(ec));
            continue;
        }
        start_session(std::move(socket));
    }
}

void HttpServer::Impl::start_session(asio::ip::tcp::socket socket) {
    // Responses are written whole; Nagle's delay would only add latency.
    ErrorCode ec;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);

    const uint64_t connection_id = ++context_.connections_accepted;
    Metrics::global().add("parley_http_connections_total", "");
    auto session = std::make_shared<HttpSession>(std::move(socket), context_,
                                                 workers_->get_executor(), connection_id);
    context_.sessions.add(connection_id, session);
    asio::co_spawn(session->executor(), HttpSession::run(session), log_if_failed("http_session"));
}

bool HttpServer::Impl::on_server_thread() {
    return ioc_.get_executor().running_in_this_thread() ||
           (workers_ && workers_->get_executor().running_in_this_thread());
}

void HttpServer::Impl::stop() {
    std::unique_lock lock(state_mutex_);
    switch (state_) {
        case State::kCreated:
            state_ = State::kStopped;
            state_changed_.notify_all();
            return;
        case State::kStopping:
            // Another caller is stopping the server; wait for it, except on a server thread,
            // which the stopping thread is about to join.
            if (!on_server_thread()) {
                state_changed_.wait(lock, [this] { return state_ == State::kStopped; });
            }
            return;
        case State::kStopped:
            return;
        case State::kRunning:
            break;
    }
    state_ = State::kStopping;

    // A handler or an I/O thread cannot join its own pool: hand the work to a thread of its
    // own, and return at once. wait() still blocks until the stop has finished.
    if (on_server_thread()) {
        stopper_ = std::thread([this] {
            shut_down();
            mark_stopped();
        });
        return;
    }
    lock.unlock();

    shut_down();
    mark_stopped();
}

void HttpServer::Impl::mark_stopped() {
    std::lock_guard lock(state_mutex_);
    state_ = State::kStopped;
    state_changed_.notify_all();
}

void HttpServer::Impl::wait() {
    std::unique_lock lock(state_mutex_);
    state_changed_.wait(lock, [this] { return state_ == State::kStopped; });
}

void HttpServer::Impl::shut_down() {
    const auto started = Clock::now();
    const auto grace_deadline = started + Milliseconds(context_.options.shutdown_grace_ms);
    context_.stopping = true;

    // Stop accepting at once; the accept loop ends with operation_aborted.
    auto acceptor_closed = std::make_shared<WaitableCounter>();
    acceptor_closed->add();
    asio::post(acceptor_.get_executor(), [this, acceptor_closed] {
        ErrorCode ec;
        acceptor_.close(ec);
        acceptor_closed->remove();
    });
    acceptor_closed->wait_for_zero_until(grace_deadline);

    // Close idle keep-alive connections. Once every strand has acted, each remaining
    // connection is busy with a request that is counted in flight; after answering it sees
    // `stopping` and closes. WebSockets get their queues flushed, then a close frame (1001);
    // they are not requests in flight, and are waited for separately, by the same deadline.
    on_every_session(&HttpSession::close_if_idle, grace_deadline);
    const size_t websockets_at_stop = close_websockets(grace_deadline);
    const size_t in_flight_at_stop = context_.requests_in_flight.value();
    const bool finished_in_time = context_.requests_in_flight.wait_for_zero_until(grace_deadline);
    const size_t abandoned = finished_in_time ? 0 : context_.requests_in_flight.value();
    WaitableCounter& websockets_unfinished = context_.websockets.unfinished();
    const bool websockets_closed_in_time =
        websockets_unfinished.wait_for_zero_until(grace_deadline);

    // Past the grace period: close whatever is left, let the WebSockets' on_close run, then
    // stop the I/O threads.
    on_every_session(&HttpSession::close, Clock::now() + kForcedCloseWait);
    if (!websockets_closed_in_time) {
        abort_websockets();
        websockets_unfinished.wait_for_zero_until(Clock::now() + kForcedCloseWait);
    }
    keep_running_.reset();
    ioc_.stop();
    for (auto& thread : io_threads_) {
        thread.join();
    }

    // A handler still running past the grace period cannot be interrupted: this waits for it.
    // Its completion is queued on the stopped io_context and discarded with it.
    workers_->join();
    const size_t websockets_abandoned = abandon_websockets();

    const auto duration_ms =
        std::chrono::duration_cast<Milliseconds>(Clock::now() - started).count();
    spdlog::info(
        "http_server_stopped port={} connections={} requests={} rejected={} handler_failures={} "
        "in_flight_at_stop={} abandoned={} websockets_opened={} websockets_at_stop={} "
        "websockets_abandoned={} duration_ms={}",
        port_, context_.connections_accepted.load(), context_.requests_started.load(),
        context_.requests_rejected.load(), context_.handler_failures.load(), in_flight_at_stop,
        abandoned, context_.websockets_opened.load(), websockets_at_stop, websockets_abandoned,
        duration_ms);
}

size_t HttpServer::Impl::close_websockets(Clock::time_point deadline) {
    // Connections registered after this sweep close themselves by the same deadline.
    const auto open = context_.websockets.begin_closing_all(deadline);
    for (const auto& connection : open) {
        connection->close_before(websocket::close_code::going_away, "server stopping", deadline);
    }
    return open.size();
}

void HttpServer::Impl::abort_websockets() {
    for (const auto& connection : context_.websockets.snapshot()) {
        connection->abort();
    }
}

size_t HttpServer::Impl::abandon_websockets() {
    // Only connections that could not finish are still registered: their on_text outlived the
    // grace period, and their read loop could not resume on the stopped I/O threads.
    const auto unfinished = context_.websockets.snapshot();
    for (const auto& connection : unfinished) {
        connection->abandon();
    }
    return unfinished.size();
}

void HttpServer::Impl::on_every_session(void (HttpSession::*action)(), Clock::time_point deadline) {
    // Each session is touched only on its own strand; the counter tells when all have acted.
    auto pending = std::make_shared<WaitableCounter>();
    for (auto& session : context_.sessions.snapshot()) {
        pending->add();
        auto executor = session->executor();
        asio::post(executor, [session = std::move(session), action, pending] {
            ((*session).*action)();
            pending->remove();
        });
    }
    pending->wait_for_zero_until(deadline);
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

void HttpServer::set_websocket_route(std::string path, WebSocketAcceptor acceptor,
                                     WebSocketOptions options) {
    impl_->set_websocket_route(std::move(path), std::move(acceptor), options);
}

void HttpServer::start() {
    impl_->start();
}

uint16_t HttpServer::port() const {
    return impl_->port();
}

void HttpServer::stop() {
    impl_->stop();
}

void HttpServer::wait() {
    impl_->wait();
}

}  // namespace parley::net
