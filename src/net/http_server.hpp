// The HTTP/1.1 server: accepts connections on the I/O threads, reads requests with bounded
// sizes and timeouts, and hands each complete request to a handler on the worker pool, so a
// handler may block (on the store) without stalling any socket. See docs/architecture.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/http_types.hpp"

namespace parley::net {

struct HttpServerOptions {
    std::string listen_host = "127.0.0.1";
    uint16_t listen_port = 8080;   // 0 picks a free port; see HttpServer::port().
    size_t io_threads = 0;         // 0 means one per core.
    size_t worker_threads = 16;    // Handlers run here and may block.
    size_t max_body_bytes = 1 << 20;    // Larger bodies get 413.
    size_t max_header_bytes = 16 << 10; // Larger headers get 431.
    uint32_t idle_timeout_ms = 60'000;  // Keep-alive connection with no request is closed.
    uint32_t request_timeout_ms = 30'000;  // Whole request must arrive within this.
    uint32_t shutdown_grace_ms = 10'000;   // In-flight requests get this long on stop().
};

// Called on a worker thread, never on an I/O thread; may block. Must not throw: an exception
// that escapes is logged and answered with 500.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
public:
    HttpServer(HttpServerOptions options, HttpHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts the I/O and worker threads; returns once the socket is listening.
    // Throws std::runtime_error if the address cannot be bound (a start-up failure).
    void start();

    // The bound port (useful when listen_port was 0). Valid after start().
    uint16_t port() const;

    // Stops accepting, lets in-flight requests finish (up to shutdown_grace_ms), closes
    // idle connections, joins every thread. Safe to call from any thread, and more than once.
    void stop();

    // Blocks until stop() has completed.
    void wait();

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace parley::net
