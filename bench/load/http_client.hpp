// A keep-alive HTTP/1.1 client connection for load generators, on Boost.Beast with C++20
// coroutines. Each benchmark connection is one HttpConnection driven by one coroutine, so a
// single thread can keep many requests in flight without spending the cores the server
// needs. Loopback benchmarking only: no TLS, no redirects, no proxies.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "net/asio.hpp"

namespace parley::bench {

namespace asio = boost::asio;

struct Endpoint {
    std::string host;
    uint16_t port = 0;
};

// Parses "http://HOST:PORT" (a trailing "/" is allowed). Returns nullopt for anything else,
// including https and URLs with a path: the generator builds its own targets.
std::optional<Endpoint> parse_http_url(std::string_view url);

struct HttpReply {
    unsigned status = 0;
    std::string body;
};

// One connection, reused across requests (keep-alive). Not thread-safe: one coroutine at a
// time may use it, and every call must run on `executor`.
class HttpConnection {
  public:
    HttpConnection(asio::any_io_executor executor, Endpoint endpoint);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    // POSTs `form_body` (already url-encoded) to `target` with a Bearer token, connecting
    // first if there is no open connection. Returns the reply, whatever its status, or
    // Error{"connection_failed"} (detail: the socket error) when connecting, writing or
    // reading failed; the connection is then closed and the next call reconnects.
    asio::awaitable<Result<HttpReply>> post_form(std::string target, std::string bearer_token,
                                                 std::string form_body);

    // Connections opened so far, including reconnects (1 in a healthy keep-alive run).
    uint64_t connects() const;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

// application/x-www-form-urlencoded encoding of one key or value.
std::string form_encode(std::string_view text);

}  // namespace parley::bench
