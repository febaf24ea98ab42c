// The HTTP/1.1 server: accepts connections on the I/O threads, reads requests with bounded
// sizes and timeouts, and hands each complete request to a handler on the worker pool, so a
// handler may block (on the store) without stalling any socket. See docs/architecture.md.
//
// Answers the server gives on its own, each followed by closing the connection:
//   400 {"ok":false,"error":"invalid_request"}           malformed HTTP, or a
//                                                         Transfer-Encoding other than chunked
//   413 {"ok":false,"error":"request_too_large"}         body over max_body_bytes
//   431 {"ok":false,"error":"request_header_too_large"}  header over max_header_bytes
//   500 {"ok":false,"error":"internal_error"}            the handler threw or returned a
//                                                         response that cannot be sent
//   404 {"ok":false,"error":"not_found"}                 a WebSocket upgrade for a path with
//                                                         no route (upgrades never reach the
//                                                         handler)
// A timeout closes the connection without an answer. The implementation is in
// http_server.cpp (life cycle) and http_session.cpp (one connection).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/http_types.hpp"
#include "net/websocket.hpp"

namespace parley::net {

struct HttpServerOptions {
    std::string listen_host = "127.0.0.1";
    uint16_t listen_port = 8080;           // 0 picks a free port; see HttpServer::port().
    size_t io_threads = 0;                 // 0 means one per core.
    size_t worker_threads = 16;            // Handlers run here and may block. At least 1.
    size_t max_body_bytes = 1 << 20;       // Larger bodies get 413.
    size_t max_header_bytes = 16 << 10;    // Larger headers get 431.
    uint32_t idle_timeout_ms = 60'000;     // Keep-alive connection with no request is closed.
    uint32_t request_timeout_ms = 30'000;  // Whole request must arrive (and later, its
                                           // response be taken) within this.
    uint32_t shutdown_grace_ms = 10'000;   // In-flight requests get this long on stop().
};

// Called on a worker thread, never on an I/O thread, possibly on several threads at once;
// may block. Must not throw: an exception that escapes is logged and answered with 500. A
// response with a status outside 200-599, a body on 204 or 304, or a header name or value
// that is not valid HTTP (CR or LF in a value) is logged and replaced by 500 as well.
// Content-Length, Transfer-Encoding, Connection and Server in HttpResponse::headers are
// ignored: the server sets them.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
  public:
    HttpServer(HttpServerOptions options, HttpHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Upgrade requests (GET with "Upgrade: websocket") for exactly `path` (the query string
    // is not part of the match) go to `acceptor`, on the worker pool; upgrades to other paths
    // get 404. Several paths may be registered. Call before start(); throws
    // std::logic_error after it, std::invalid_argument for a path that does not start with
    // '/', has a query or is registered already, or for an empty acceptor. On stop(), open
    // WebSockets get what is already queued, then a close frame with 1001 (going away), all
    // within shutdown_grace_ms (then their sockets are closed), then on_close; stop() returns
    // after every on_close. Open WebSockets are not requests in flight: they do not hold
    // stop() for the grace period by themselves.
    void set_websocket_route(std::string path, WebSocketAcceptor acceptor,
                             WebSocketOptions options);

    // Binds and starts the I/O and worker threads; returns once the socket is listening.
    // Throws std::runtime_error if the address cannot be resolved or bound (a start-up
    // failure), std::logic_error if the server was started before.
    void start();

    // The bound port (useful when listen_port was 0). Valid after start(); 0 before.
    uint16_t port() const;

    // Graceful stop: closes the listening socket at once and idle keep-alive connections,
    // lets requests already under way (from their first byte) finish and be written, with
    // `Connection: close`, for up to shutdown_grace_ms, then closes every connection and
    // joins the I/O threads and the worker pool. A handler still running after the grace
    // period cannot be interrupted: stop() waits for it to return, and its response is
    // dropped. Safe to call from any thread (a signal-waiting thread, say, but not inside a
    // POSIX signal handler), concurrently, more than once, and before start(). Called from a
    // handler or an I/O thread, it returns at once and the stop continues on its own thread;
    // from any other thread it returns when the server has stopped.
    void stop();

    // Blocks until a stop() has completed. Returns at once if it already has.
    void wait();

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace parley::net
