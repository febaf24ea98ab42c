// The server's side of one WebSocket: the handshake, one read loop that hands each message
// to the session on the worker pool, the bounded write queue with one write in flight, the
// close, and the end of the connection (on_close, exactly once). Created by HttpSession when
// an upgrade request is accepted; stopped by HttpServer::stop() through the registry.
//
// Threads: everything that touches the Beast stream runs on the connection's strand (the
// strand its socket was accepted on). send(), close() and the other public members may be
// called from any thread: they take `mutex_` briefly and post to the strand. Session
// callbacks run on the worker pool, one at a time: the read loop does not read the next
// message until on_text has returned.
//
// Memory: what an idle connection holds in the heap, measured with heaptrack on 1,000 idle
// connections (WebSocket.IdleConnectionHeapCost prints the total, about 4,050 bytes with
// malloc's overhead; the session above is extra, and so is the kernel's socket memory):
//   Beast's stream state        2,510  (mostly its fixed 1,536-byte frame read buffer, and
//                                       its timer)
//   the pending read              ~340  (Beast's read operation in the socket's; the message
//                                       buffer is a std::string's inline 15 bytes)
//   Beast's idle timer wait       ~220  (armed while reading, for pings and the idle timeout)
//   this object                    370  (with its shared_ptr control block)
//   Asio: epoll state, strand      270
//   registry entry                  40
// Nothing else: the write queue and the message buffer are released whenever they empty,
// the HTTP parser, read buffer and session are gone (the HTTP session ends at the upgrade),
// state needed only while closing is allocated then, and permessage-deflate is compiled out.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/beast.hpp"
#include "net/server_context.hpp"
#include "net/websocket.hpp"
#include "net/websocket_stream.hpp"

namespace parley::net {

// Registers the WebSocket metrics (parley_ws_*) with Metrics::global(). Idempotent.
void describe_websocket_metrics();

class WebSocketConnectionImpl final : public WebSocketConnection,
                                      public std::enable_shared_from_this<WebSocketConnectionImpl> {
  public:
    using Clock = std::chrono::steady_clock;

    // `early_bytes` are bytes read past the upgrade request; they are read as the first
    // WebSocket bytes. `context` and `route` must outlive
    // the connection's activity (until on_close has returned); the object itself may outlive
    // the server, holding no I/O object by then.
    WebSocketConnectionImpl(StrandSocket socket, std::string early_bytes,
                            std::shared_ptr<WebSocketSession> session, const WebSocketRoute& route,
                            ServerContext& context, asio::thread_pool::executor_type workers,
                            uint64_t connection_id, std::string remote_address);
    ~WebSocketConnectionImpl() override;
    WebSocketConnectionImpl(const WebSocketConnectionImpl&) = delete;
    WebSocketConnectionImpl& operator=(const WebSocketConnectionImpl&) = delete;

    // Answers the upgrade request (101, or 400 if it is not a valid WebSocket handshake) and
    // runs the connection until it ends. Call once, on the socket's strand. The request is
    // only read during the call.
    void start(const WireRequest& upgrade_request);

    bool send(SharedFrame frame) override;
    void close(uint16_t code, std::string reason) override;
    const std::string& remote_address() const override { return remote_address_; }
    size_t queued_bytes() const override;

    // For HttpServer::stop(), from any thread. close_before() is close() with a deadline of
    // its own. abort() closes the socket at once; the connection then ends promptly.
    void close_before(uint16_t code, std::string reason, Clock::time_point deadline);
    void abort();

    // For HttpServer::stop(), after the I/O threads and the worker pool are joined: a
    // connection that could not finish (its on_text never returned in time) gets on_close
    // here, on the stopping thread, and drops its I/O objects while the io_context lives.
    void abandon();

  private:
    enum class Enqueued { kQueued, kQueuedAndWake, kRejected, kOverflow };

    // Any thread. `strand` is set when the outcome asks for a post to it.
    Enqueued enqueue(SharedFrame& frame, std::optional<Strand>& strand);
    void request_close(uint16_t code, std::string reason, Clock::time_point deadline);

    // Strand.
    void on_handshake(const ErrorCode& ec);
    void read_next();
    void on_read(const ErrorCode& ec, size_t bytes);
    void deliver_message();
    void on_message_handled();
    void end_reading(const ErrorCode& ec);
    void write_next();
    bool take_next_batch();
    void on_write(const ErrorCode& ec);
    void frame_whole_batch();
    void flush_combined();
    void stop_sending();
    void begin_close(uint16_t code, std::string reason, Clock::time_point deadline,
                     bool discard_unsent);
    void try_send_close_frame();
    void on_close_frame_sent(const ErrorCode& ec);
    void discard_unsent();
    void abort_socket();
    void maybe_finish();
    void finish();
    uint16_t reported_close_code() const;
    void report_frames_sent();

    // Worker pool.
    void notify_closed();

    // Only on the strand, except where noted.
    std::optional<WebSocketStream> stream_;  // Released when the connection finishes.
    std::string message_;  // The message being read; handed to on_text on a worker while no
                           // read is pending, then released. Idle, it holds no heap buffer.
    std::vector<SharedFrame> batch_;  // Taken from queue_ by the writer; [batch_next_] on.
    size_t batch_next_ = 0;
    struct Closing;
    std::unique_ptr<Closing> closing_;  // Only once a close has begun.
    ErrorCode end_error_;               // Why reading ended, for the log.
    Clock::time_point opened_at_;
    uint32_t frames_sent_ = 0;  // For the log; wraps past 4 billion.
    uint32_t frames_sent_unreported_ = 0;
    uint32_t read_bytes_ = 0;  // Size of the pending read, at message_'s end.
    uint16_t close_code_ = 0;  // Nonzero once a close is under way.
    bool handshake_done_ = false;
    bool read_ended_ = false;
    bool write_in_flight_ = false;
    bool close_frame_started_ = false;
    bool close_in_flight_ = false;
    bool finished_ = false;

    // Used on the worker pool by the session callbacks, which never overlap; released after
    // on_close (or by abandon()).
    std::shared_ptr<WebSocketSession> session_;

    const WebSocketRoute& route_;
    ServerContext& context_;
    const asio::thread_pool::executor_type workers_;
    const uint64_t connection_id_;
    const std::string remote_address_;

    mutable std::mutex mutex_;
    bool stream_alive_ = true;        // Guarded by mutex_; false once the stream is released.
    std::vector<SharedFrame> queue_;  // Guarded by mutex_; not yet taken by the writer.
    size_t queued_bytes_ = 0;         // Guarded by mutex_; queued, taken or being written.
    size_t queued_frames_ = 0;        // Guarded by mutex_; likewise.
    bool write_scheduled_ = false;    // Guarded by mutex_; the writer is posted or running.
    bool accepting_ = true;           // Guarded by mutex_; false once closing or finished.
};

}  // namespace parley::net
