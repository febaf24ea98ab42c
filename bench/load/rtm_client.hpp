// A real-time (RTM) WebSocket client for load generators: rtm.connect over the keep-alive
// HTTP client, then a Boost.Beast WebSocket to the returned URL, optionally from a chosen
// loopback source address, reading frames until it is closed. Thousands of them share one
// io_context (one per generator thread); each holds only its socket, a read buffer and one
// suspended coroutine. Loopback benchmarking only: no TLS.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "load/http_client.hpp"

namespace parley::bench {

// Why connections ended, counted by every client of one generator thread (not shared
// between threads, so no atomics).
struct RtmCloseCounts {
    uint64_t slow_consumer = 0;  // Closed by the server with 4008: the generator fell behind.
    uint64_t by_server = 0;      // Any other close frame from the server.
    uint64_t failed = 0;         // Reset, timeout or another error without a close frame.
};

// The server's close code for a slow consumer (docs/realtime.md).
constexpr uint16_t kSlowConsumerCloseCode = 4008;

// Called for each text frame the server sends, on the client's thread; `frame` is only valid
// during the call.
using FrameHandler = std::function<void(std::string_view frame)>;

class RtmClient {
  public:
    // `source_address` is a local IPv4 address to connect from ("" lets the kernel choose);
    // several loopback addresses multiply the ephemeral ports available to one server port.
    RtmClient(asio::any_io_executor executor, std::string source_address);
    ~RtmClient();
    RtmClient(const RtmClient&) = delete;
    RtmClient& operator=(const RtmClient&) = delete;

    // Calls rtm.connect with `token` on `http`, opens the WebSocket and waits for the hello
    // frame. Errors: the Web API's error name (e.g. "invalid_auth"), "connection_failed",
    // "bad_url" or "no_hello" (each with a detail).
    asio::awaitable<Status> connect(HttpConnection& http, std::string token);

    // Reads frames until the connection ends, handing each to `on_frame`, then adds the way
    // it ended to `closes` (which must outlive the read). Call once, after connect succeeded.
    asio::awaitable<void> read_until_closed(FrameHandler on_frame, RtmCloseCounts& closes);

    // Ends the connection at once (no close handshake); a pending read ends with an error.
    // Call on the client's executor.
    void abort();

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace parley::bench
