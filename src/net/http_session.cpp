// One connection's request loop. See http_session.hpp for the contract and http_server.cpp
// for how sessions are started and stopped.
#include "net/http_session.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/beast/core/string.hpp>

#include "common/metrics.hpp"
#include "net/http_wire.hpp"
#include "net/websocket_connection.hpp"
#include "net/websocket_stream.hpp"
#include "net/websocket_upgrade.hpp"

namespace parley::net {
namespace {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

// How much the first read of a request asks for; later reads are sized by Beast.
constexpr size_t kFirstReadBytes = 4096;

// After an error response the server stops sending but keeps reading (and discarding) for a
// moment before closing. Closing with unread request bytes makes the kernel send a reset,
// which can destroy the error response before the client reads it. Bounded in time and bytes.
constexpr Milliseconds kLingerTime{1000};
constexpr size_t kMaxLingerBytes = 1 << 20;
constexpr size_t kLingerChunkBytes = 16 << 10;

constexpr std::string_view kContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n";

std::string peer_address(const asio::ip::tcp::socket& socket) {
    ErrorCode ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return "unknown";
    }

    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; report them as a.b.c.d.
    const auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

// Clients such as curl send `Expect: 100-continue` before a large body and wait for the
// interim response before sending it.
bool wants_continue(const WireRequest& request) {
    return request.version() >= 11 && beast::iequals(request[http::field::expect], "100-continue");
}

// Only "chunked" is supported. Beast would read "gzip, chunked" as chunked and hand over
// compressed bytes, and treats "chunked, gzip" as no body at all, leaving the body bytes to
// be parsed as the next request: the request-smuggling shape RFC 9112 section 6.3 says to
// answer with 400 and a close.
bool has_unsupported_transfer_encoding(const WireRequest& request) {
    const size_t fields = request.count(http::field::transfer_encoding);
    if (fields == 0) {
        return false;
    }
    return fields > 1 || !beast::iequals(request[http::field::transfer_encoding], "chunked");
}

uint32_t header_limit_of(const HttpServerOptions& options) {
    return static_cast<uint32_t>(
        std::min<size_t>(options.max_header_bytes, std::numeric_limits<uint32_t>::max()));
}

// Runs on a worker thread. The only place the handler is called.
HttpResponse invoke_handler(ServerContext& context, const HttpRequest& request) {
    try {
        HttpResponse response = context.handler(request);
        const std::string problem = response_problem(response);
        if (problem.empty()) {
            return response;
        }
        spdlog::error("http_handler_bad_response request_id={} method={} path={} problem={}",
                      request.request_id, request.method, path_of(request.target), problem);
    } catch (const std::exception& error) {
        spdlog::error("http_handler_failed request_id={} method={} path={} error=\"{}\"",
                      request.request_id, request.method, path_of(request.target), error.what());
    } catch (...) {
        spdlog::error("http_handler_failed request_id={} method={} path={} error=unknown",
                      request.request_id, request.method, path_of(request.target));
    }
    ++context.handler_failures;
    Metrics::global().add("parley_http_handler_failures_total", "");
    return error_response(500, "internal_error");
}

asio::awaitable<HttpResponse> invoke_handler_async(ServerContext& context,
                                                   const HttpRequest& request) {
    co_return invoke_handler(context, request);
}

asio::awaitable<AcceptorOutcome> invoke_acceptor_async(const WebSocketRoute& route,
                                                       const HttpRequest& request) {
    co_return invoke_acceptor(route, request);
}

void log_request(const HttpRequest& request, unsigned status, Clock::time_point started, bool sent,
                 uint64_t connection_id) {
    const auto duration_us =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    spdlog::debug(
        "http_request request_id={} conn={} method={} path={} status={} duration_us={} "
        "remote={} sent={}",
        request.request_id, connection_id, request.method, path_of(request.target), status,
        duration_us, request.remote_address, sent);
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket socket, ServerContext& context,
                         asio::thread_pool::executor_type workers, uint64_t connection_id)
    : stream_(std::move(socket)),
      context_(context),
      workers_(workers),
      connection_id_(connection_id),
      remote_address_(peer_address(stream_.socket())) {}

HttpSession::~HttpSession() {
    context_.sessions.remove(connection_id_);
}

asio::awaitable<void> HttpSession::run(std::shared_ptr<HttpSession> self) {
    spdlog::debug("http_connection_opened conn={} remote={}", self->connection_id_,
                  self->remote_address_);

    // serve() reports I/O failures as values; what could still throw is allocation failure.
    try {
        co_await self->serve();
    } catch (const std::exception& error) {
        spdlog::error("http_session_failed conn={} error=\"{}\"", self->connection_id_,
                      error.what());
    }

    self->close();
    spdlog::debug("http_connection_closed conn={} remote={}", self->connection_id_,
                  self->remote_address_);
}

void HttpSession::close_if_idle() {
    if (phase_ == Phase::kIdle) {
        close();
    }
}

void HttpSession::close() {
    phase_ = Phase::kClosed;
    stream_.close();
}

asio::awaitable<void> HttpSession::serve() {
    for (;;) {
        if (!co_await wait_for_request()) {
            co_return;
        }

        // In flight from the first byte, so that stop() lets a request being read finish.
        CountedScope in_flight(context_.requests_in_flight);
        const auto started = Clock::now();
        RequestParser parser;
        const ReadOutcome outcome = co_await read_request(parser);
        if (outcome != ReadOutcome::kComplete) {
            co_await answer_read_failure(outcome);
            co_return;
        }

        // An upgrade never reaches the HTTP handler, and ends this session either way.
        if (websocket::is_upgrade(parser.get())) {
            co_await upgrade(parser.get(), started);
            co_return;
        }

        if (!co_await respond(parser.get(), started)) {
            co_return;
        }
    }
}

asio::awaitable<bool> HttpSession::respond(WireRequest& wire_request, Clock::time_point started) {
    const unsigned http_version = wire_request.version();
    const bool head_request = wire_request.method() == http::verb::head;
    const bool client_keeps_alive = wire_request.keep_alive();
    const HttpRequest request = to_http_request(wire_request, remote_address_,
                                                fmt::format("{:x}", ++context_.requests_started));

    HttpResponse response = co_await handle_on_worker(request);

    // A stopping server answers, then closes, instead of waiting for another request.
    const unsigned status = response.status;
    const bool keep_alive = client_keeps_alive && !context_.stopping;
    WireResponse wire_response =
        to_wire_response(std::move(response), http_version, keep_alive, head_request);
    const bool sent = co_await write(wire_response);
    log_request(request, status, started, sent, connection_id_);

    const bool stays_open = sent && keep_alive;
    if (sent && !keep_alive) {
        close_after_response();
    }
    co_return stays_open;
}

asio::awaitable<bool> HttpSession::wait_for_request() {
    phase_ = Phase::kIdle;
    if (context_.stopping) {
        co_return false;
    }

    // A pipelining client may have sent the next request already.
    if (buffer_.size() > 0) {
        co_return true;
    }

    // Idle keep-alive connection: wait idle_timeout_ms for the first byte. A timeout, the
    // peer closing or stop() closing the socket all end the connection without an answer.
    stream_.expires_after(Milliseconds(context_.options.idle_timeout_ms));
    ErrorCode ec;
    const size_t bytes_read =
        co_await stream_.async_read_some(buffer_.prepare(kFirstReadBytes), with_error(ec));
    if (ec) {
        co_return false;
    }
    buffer_.commit(bytes_read);
    co_return true;
}

asio::awaitable<HttpSession::ReadOutcome> HttpSession::read_request(RequestParser& parser) {
    phase_ = Phase::kReading;
    parser.header_limit(header_limit_of(context_.options));
    parser.body_limit(static_cast<uint64_t>(context_.options.max_body_bytes));

    // One deadline for the whole request, header and body, so a client that trickles bytes
    // cannot hold the connection longer than request_timeout_ms.
    stream_.expires_after(Milliseconds(context_.options.request_timeout_ms));

    // The header first: it decides about 100-continue, and a Content-Length over the body
    // limit is refused here, before any of the body is read.
    ErrorCode ec;
    co_await http::async_read_header(stream_, buffer_, parser, with_error(ec));
    if (ec) {
        co_return classify_read_error(ec);
    }

    if (has_unsupported_transfer_encoding(parser.get())) {
        co_return ReadOutcome::kMalformed;
    }

    if (wants_continue(parser.get()) && !parser.is_done()) {
        co_await asio::async_write(stream_,
                                   asio::buffer(kContinueResponse.data(), kContinueResponse.size()),
                                   with_error(ec));
        if (ec) {
            co_return ReadOutcome::kClosed;
        }
    }

    if (!parser.is_done()) {
        co_await http::async_read(stream_, buffer_, parser, with_error(ec));
        if (ec) {
            co_return classify_read_error(ec);
        }
    }
    co_return ReadOutcome::kComplete;
}

HttpSession::ReadOutcome HttpSession::classify_read_error(const ErrorCode& ec) {
    if (ec == http::error::header_limit) {
        return ReadOutcome::kHeaderTooLarge;
    }
    if (ec == http::error::body_limit) {
        return ReadOutcome::kBodyTooLarge;
    }

    // The peer closing (before or inside a request) leaves nobody to answer; every other
    // parser error means the bytes were not valid HTTP.
    const bool peer_closed = ec == http::error::end_of_stream || ec == http::error::partial_message;
    const bool parse_error =
        ec.category() == http::make_error_code(http::error::bad_method).category();
    if (parse_error && !peer_closed) {
        return ReadOutcome::kMalformed;
    }

    if (ec == beast::error::timeout) {
        return ReadOutcome::kTimedOut;
    }

    // Socket errors and closes by stop().
    return ReadOutcome::kClosed;
}

asio::awaitable<void> HttpSession::answer_read_failure(ReadOutcome outcome) {
    unsigned status = 400;
    std::string_view error_name = "invalid_request";
    switch (outcome) {
        case ReadOutcome::kComplete:
        case ReadOutcome::kClosed:
            close();
            co_return;
        case ReadOutcome::kTimedOut:
            // Nothing is sent: a client this slow is unlikely to read an answer either.
            Metrics::global().add("parley_http_rejected_total", R"(reason="request_timeout")");
            spdlog::debug("http_request_timeout conn={} remote={}", connection_id_,
                          remote_address_);
            close();
            co_return;
        case ReadOutcome::kMalformed:
            break;
        case ReadOutcome::kHeaderTooLarge:
            status = 431;
            error_name = "request_header_too_large";
            break;
        case ReadOutcome::kBodyTooLarge:
            status = 413;
            error_name = "request_too_large";
            break;
    }

    ++context_.requests_rejected;
    Metrics::global().add("parley_http_rejected_total", fmt::format("reason=\"{}\"", error_name));
    spdlog::debug("http_request_rejected conn={} remote={} status={} reason={}", connection_id_,
                  remote_address_, status, error_name);

    // The request cannot be trusted to frame the next one, so the connection ends here.
    WireResponse response = to_wire_response(error_response(status, error_name), 11,
                                             /*keep_alive=*/false, /*head_request=*/false);
    if (co_await write(response)) {
        co_await linger_and_close();
    }
}

asio::awaitable<HttpResponse> HttpSession::handle_on_worker(const HttpRequest& request) {
    phase_ = Phase::kHandling;

    // The handler's own time does not count against the client's timeouts.
    stream_.expires_never();

    // Not `co_await asio::post(workers_, use_awaitable)`: Asio resumes an awaitable on its
    // own executor (this strand), so the handler would still run on the I/O thread.
    // co_spawn runs the call on the pool, and resumes this coroutine on its strand with the
    // result once the handler has returned.
    co_return co_await asio::co_spawn(workers_, invoke_handler_async(context_, request),
                                      asio::use_awaitable);
}

asio::awaitable<void> HttpSession::upgrade(WireRequest& wire_request, Clock::time_point started) {
    const unsigned http_version = wire_request.version();
    const HttpRequest request = to_http_request(wire_request, remote_address_,
                                                fmt::format("{:x}", ++context_.requests_started));
    const WebSocketRoute* route = context_.websocket_route(path_of(request.target));
    if (route == nullptr) {
        co_await refuse_upgrade(request, error_response(404, "not_found"), http_version, started);
        co_return;
    }

    // The acceptor may block on the store: worker pool, as for handlers (see handle_on_worker).
    phase_ = Phase::kHandling;
    stream_.expires_never();
    AcceptorOutcome outcome = co_await asio::co_spawn(
        workers_, invoke_acceptor_async(*route, request), asio::use_awaitable);
    if (!outcome.session) {
        co_await refuse_upgrade(request, std::move(outcome.refusal), http_version, started);
        co_return;
    }

    hand_over(wire_request, *route, outcome.session);
}

asio::awaitable<void> HttpSession::refuse_upgrade(const HttpRequest& request, HttpResponse refusal,
                                                  unsigned http_version,
                                                  Clock::time_point started) {
    // The client expected to switch protocols: whatever it sends next is not HTTP to serve.
    const unsigned status = refusal.status;
    WireResponse wire_response = to_wire_response(std::move(refusal), http_version,
                                                  /*keep_alive=*/false, /*head_request=*/false);
    const bool sent = co_await write(wire_response);
    log_request(request, status, started, sent, connection_id_);
    if (sent) {
        close_after_response();
    }
}

void HttpSession::hand_over(const WireRequest& wire_request, const WebSocketRoute& route,
                            AcceptedSession& session) {
    // If the socket cannot be moved, `session` still gets on_close, from its guard.
    asio::ip::tcp::socket socket = stream_.release_socket();
    std::optional<StrandSocket> rebound;
    const ErrorCode ec = rebind_to_strand(socket, rebound);
    phase_ = Phase::kClosed;
    if (ec) {
        spdlog::warn("ws_upgrade_failed conn={} remote={} error=\"{}\"", connection_id_,
                     remote_address_, ec.message());
        return;
    }

    // Bytes after the upgrade request belong to the WebSocket; the HTTP buffer, the parser
    // and this session are released once serve() returns.
    const auto early_bytes = buffer_.data();
    auto connection = std::make_shared<WebSocketConnectionImpl>(
        std::move(*rebound),
        std::string(static_cast<const char*>(early_bytes.data()), early_bytes.size()),
        session.release(), route, context_, workers_, connection_id_, remote_address_);
    buffer_.clear();
    buffer_.shrink_to_fit();
    connection->start(wire_request);
}

asio::awaitable<bool> HttpSession::write(WireResponse& response) {
    phase_ = Phase::kWriting;

    // A client that stops reading must not pin the connection forever.
    stream_.expires_after(Milliseconds(context_.options.request_timeout_ms));
    ErrorCode ec;
    co_await http::async_write(stream_, response, with_error(ec));
    if (ec) {
        close();
    }
    co_return !ec;
}

void HttpSession::close_after_response() {
    // FIN after the response, so the client reads all of it before seeing the close.
    ErrorCode ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    close();
}

asio::awaitable<void> HttpSession::linger_and_close() {
    phase_ = Phase::kClosing;
    ErrorCode ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);

    // Read and discard until the client closes, or the time or byte bound is reached.
    stream_.expires_after(kLingerTime);
    buffer_.clear();
    size_t discarded_bytes = 0;
    while (!ec && discarded_bytes < kMaxLingerBytes) {
        discarded_bytes +=
            co_await stream_.async_read_some(buffer_.prepare(kLingerChunkBytes), with_error(ec));
    }
    close();
}

}  // namespace parley::net
