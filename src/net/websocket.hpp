// WebSocket connections on the HTTP server's port, for the real-time gateway. The network
// layer owns the socket, the handshake, control frames (ping, pong, close) and the bounded
// write queue; the layer above sees only text frames in and out, through these two
// interfaces. Nothing here depends on Beast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/http_types.hpp"

namespace parley::net {

// A frame shared, unchanged, by every connection it is sent to: serialised once.
using SharedFrame = std::shared_ptr<const std::string>;

// Close codes Parley uses besides the standard ones (1000 normal, 1001 going away).
constexpr uint16_t kCloseSlowConsumer = 4008;     // Fell behind; resume with the last cursor.
constexpr uint16_t kCloseReplaced = 4009;         // Closed by the server for another reason.
constexpr uint16_t kCloseAccountInactive = 4010;  // The user was deactivated; do not resume.

struct WebSocketOptions {
    size_t max_queued_bytes = 4 << 20;           // Unsent data beyond this: slow consumer.
    size_t max_queued_frames = 8192;             // Likewise, counted in frames.
    size_t max_incoming_frame_bytes = 64 << 10;  // Larger client messages close the socket
                                                 // (1009). Counts a whole message.
    uint32_t handshake_timeout_ms = 10'000;      // Also bounds the wait for the peer's close frame.
    uint32_t idle_timeout_ms = 60'000;  // No frame or pong for this long: the peer is dead.
                                        // 0 turns the idle timeout (and the pings) off.
    bool keep_alive_pings = true;       // Ping an idle peer at half the idle timeout.
    uint32_t close_timeout_ms = 5'000;  // close(): queued frames, then the close handshake,
                                        // get this long in all; then the socket is closed.
};

// The server's side of one open WebSocket, handed to the session when the handshake is
// done. Every member may be called from any thread.
class WebSocketConnection {
  public:
    virtual ~WebSocketConnection() = default;

    // Queues a text frame. Never blocks. Frames go out in the order of send() calls made
    // from one thread. If the queue would exceed WebSocketOptions' bounds, the frame is
    // dropped, the connection is closed with kCloseSlowConsumer, and false is returned; the
    // frames still queued are dropped too (the client resumes from its cursor), and only the
    // frame already being written goes out before the close frame. Returns false also once
    // the connection is closing, and for a null frame. The frame is shared, never copied.
    virtual bool send(SharedFrame frame) = 0;

    // Sends what is already queued, then a close frame with `code` (1000-1003, 1007-1011 or
    // 3000-4999; others become 1000) and `reason` (cut to 123 bytes). Bounded in time by
    // WebSocketOptions::close_timeout_ms. Idempotent: only the first close (or the slow
    // consumer close) counts. send() returns false from the moment close() is called.
    virtual void close(uint16_t code, std::string reason) = 0;

    virtual const std::string& remote_address() const = 0;
    virtual size_t queued_bytes() const = 0;
};

// What the layer above implements for one connection. The network layer calls these one at
// a time for a given connection, in order, on the worker pool (never on an I/O thread), so
// they may block briefly (for example on the store). on_text is not called again for the
// connection until the previous call has returned, which keeps a client's frames in order.
class WebSocketSession {
  public:
    virtual ~WebSocketSession() = default;

    // The handshake has completed; `connection` stays valid (it is shared) until after
    // on_close has returned. Frames sent here go out first.
    virtual void on_open(std::shared_ptr<WebSocketConnection> connection) = 0;

    // One complete text (or binary) message from the client.
    virtual void on_text(std::string_view text) = 0;

    // The connection is gone: closed by either side, timed out, failed, or the server is
    // stopping. Called exactly once, also when on_open was never called (handshake failed).
    virtual void on_close() = 0;
};

// Decides whether an upgrade request may become a WebSocket. Called on the worker pool with
// the HTTP request that asked for the upgrade (its target carries the query string). Returns
// the session that will own the connection, or nullptr to refuse: the server then answers
// `refusal` (for example 401 with a JSON body) and closes.
using WebSocketAcceptor = std::function<std::shared_ptr<WebSocketSession>(
    const HttpRequest& upgrade_request, HttpResponse& refusal)>;

}  // namespace parley::net
