// One WebSocket connection. See websocket_connection.hpp for the threads and the memory an
// idle connection holds, and websocket.hpp for the contract the layer above relies on.
//
// Life of a connection, all steps on its strand unless noted:
//   start -> handshake -> on_open (worker) -> read loop: read a message, on_text (worker), ...
//   writes: send() queues under mutex_ and wakes the writer; one async_write at a time.
//   close: stop accepting frames, drain the queue, close frame, Beast's close handshake.
//   finish: once reading has ended and no write or close is in flight: on_close (worker),
//   and the Beast stream is released.
// Completion handlers are plain callbacks holding a shared_ptr to the connection rather than
// coroutines: a suspended coroutine frame would stay allocated for every idle socket.
#include "net/websocket_connection.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <utility>

#include <spdlog/spdlog.h>

#include "common/metrics.hpp"

namespace parley::net {
namespace {

using Milliseconds = std::chrono::milliseconds;

// What the first read of a message may put in its buffer: as much as std::string holds without
// allocating, so that an idle connection's pending read owns no heap buffer. A longer message
// takes more reads, from Beast's own buffer, without more system calls.
constexpr size_t kIdleReadBytes = 15;

// RFC 6455 section 5.5: a control frame carries at most 125 bytes, two of them the code.
constexpr size_t kMaxCloseReasonBytes = 123;

// Counters read by /metrics; plain atomics so that the hot path never takes the metrics mutex.
std::atomic<int64_t> g_open{0};
std::atomic<uint64_t> g_frames_sent{0};
std::atomic<uint64_t> g_slow_consumer_closes{0};

uint16_t valid_close_code(uint16_t code) {
    const bool valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
                       (code >= 3000 && code <= 4999);
    return valid ? code : static_cast<uint16_t>(websocket::close_code::normal);
}

// Cut at a UTF-8 character boundary, so that a valid reason stays valid.
std::string truncated_reason(std::string reason) {
    if (reason.size() <= kMaxCloseReasonBytes) {
        return reason;
    }
    size_t end = kMaxCloseReasonBytes;
    while (end > 0 && (static_cast<unsigned char>(reason[end]) & 0xC0) == 0x80) {
        --end;
    }
    reason.resize(end);
    return reason;
}

void release(std::vector<SharedFrame>& frames) {
    std::vector<SharedFrame>().swap(frames);
}

size_t total_bytes(const std::vector<SharedFrame>& frames, size_t from) {
    size_t bytes = 0;
    for (size_t i = from; i < frames.size(); ++i) {
        bytes += frames[i]->size();
    }
    return bytes;
}

// Session callbacks must not throw; one that does is logged, and the connection is closed
// with 1011 (internal error) by the caller. Returns false when the call threw.
template <class Call>
bool call_session(uint64_t connection_id, const char* callback, Call&& call) {
    try {
        call();
        return true;
    } catch (const std::exception& error) {
        spdlog::error("ws_session_failed conn={} callback={} error=\"{}\"", connection_id, callback,
                      error.what());
    } catch (...) {
        spdlog::error("ws_session_failed conn={} callback={} error=unknown", connection_id,
                      callback);
    }
    return false;
}

}  // namespace

// What a close needs, allocated only when one begins, to keep idle connections small.
struct WebSocketConnectionImpl::Closing {
    Closing(const Strand& strand, std::string close_reason)
        : timer(strand), reason(std::move(close_reason)) {}

    StrandTimer timer;   // The close's deadline: past it the socket is closed.
    std::string reason;  // For the close frame.
};

void describe_websocket_metrics() {
    static std::once_flag described;
    std::call_once(described, [] {
        auto& metrics = Metrics::global();
        metrics.describe("parley_ws_open", "Open WebSocket connections", "gauge");
        metrics.describe("parley_ws_frames_sent_total", "WebSocket frames written to sockets",
                         "counter");
        metrics.describe("parley_ws_slow_consumer_closes_total",
                         "WebSockets closed because their write queue overflowed", "counter");
        metrics.gauge_callback("parley_ws_open", [] { return static_cast<double>(g_open.load()); });
        metrics.gauge_callback("parley_ws_frames_sent_total",
                               [] { return static_cast<double>(g_frames_sent.load()); });
        metrics.gauge_callback("parley_ws_slow_consumer_closes_total",
                               [] { return static_cast<double>(g_slow_consumer_closes.load()); });
    });
}

WebSocketConnectionImpl::WebSocketConnectionImpl(StrandSocket socket, std::string early_bytes,
                                                 std::shared_ptr<WebSocketSession> session,
                                                 const WebSocketRoute& route,
                                                 ServerContext& context,
                                                 asio::thread_pool::executor_type workers,
                                                 uint64_t connection_id, std::string remote_address)
    : session_(std::move(session)),
      route_(route),
      context_(context),
      workers_(workers),
      connection_id_(connection_id),
      remote_address_(std::move(remote_address)) {
    stream_.emplace(std::move(socket), std::move(early_bytes));
}

WebSocketConnectionImpl::~WebSocketConnectionImpl() = default;

void WebSocketConnectionImpl::start(const WireRequest& upgrade_request) {
    context_.websockets.unfinished().add();
    const bool server_running = context_.websockets.add(connection_id_, weak_from_this());

    const WebSocketOptions& options = route_.options;
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = Milliseconds(options.handshake_timeout_ms);
    const bool has_idle_timeout = options.idle_timeout_ms > 0;
    timeout.idle_timeout =
        has_idle_timeout ? Milliseconds(options.idle_timeout_ms) : websocket::stream_base::none();
    timeout.keep_alive_pings = has_idle_timeout && options.keep_alive_pings;
    stream_->set_option(timeout);
    stream_->set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(http::field::server, "parley"); }));
    stream_->read_message_max(options.max_incoming_frame_bytes);
    // Each message goes out as one frame: fewer headers and writes than 4 KB fragments.
    stream_->auto_fragment(false);
    stream_->text(true);

    stream_->async_accept(upgrade_request, [self = shared_from_this()](const ErrorCode& ec) {
        self->on_handshake(ec);
    });

    // stop() has already swept the open WebSockets: this one closes as soon as it is open.
    if (!server_running) {
        request_close(websocket::close_code::going_away, "server stopping",
                      context_.websockets.closing_deadline());
    }
}

void WebSocketConnectionImpl::on_handshake(const ErrorCode& ec) {
    if (ec) {
        spdlog::debug("ws_handshake_failed conn={} remote={} error=\"{}\"", connection_id_,
                      remote_address_, ec.message());
        end_reading(ec);
        return;
    }

    handshake_done_ = true;
    opened_at_ = Clock::now();
    ++g_open;
    ++context_.websockets_opened;
    spdlog::debug("ws_opened conn={} remote={} path={}", connection_id_, remote_address_,
                  route_.path);

    // A close requested during the handshake (the server is stopping) starts now.
    try_send_close_frame();

    // Reading starts only once on_open has returned, so on_text never overtakes it.
    asio::post(workers_, [self = shared_from_this(), strand = stream_->get_executor()] {
        if (!call_session(self->connection_id_, "on_open",
                          [&] { self->session_->on_open(self); })) {
            self->close(websocket::close_code::internal_error, "internal error");
        }
        asio::post(strand, [self] { self->read_next(); });
    });
}

// ---- Reading -------------------------------------------------------------------------------

void WebSocketConnectionImpl::read_next() {
    // A new message starts with a small buffer, so that an idle connection holds only that;
    // the rest of a larger message is read in the sizes Beast suggests. Reading into plain
    // buffers rather than handing Beast the dynamic buffer saves a layer of composed
    // operation in every pending read.
    const size_t received = message_.size();
    read_bytes_ =
        static_cast<uint32_t>(message_.empty() ? kIdleReadBytes : stream_->read_size_hint());
    message_.resize(received + read_bytes_);
    stream_->async_read_some(asio::buffer(message_.data() + received, read_bytes_),
                             [self = shared_from_this()](const ErrorCode& ec, size_t bytes) {
                                 self->on_read(ec, bytes);
                             });
}

void WebSocketConnectionImpl::on_read(const ErrorCode& ec, size_t bytes) {
    message_.resize(message_.size() - read_bytes_ + bytes);
    if (ec) {
        end_reading(ec);
        return;
    }
    if (!stream_->is_message_done()) {
        read_next();
        return;
    }
    deliver_message();
}

void WebSocketConnectionImpl::deliver_message() {
    // No read is pending until on_message_handled(): the worker has message_ to itself.
    asio::post(workers_, [self = shared_from_this(), strand = stream_->get_executor()] {
        if (!call_session(self->connection_id_, "on_text",
                          [&] { self->session_->on_text(self->message_); })) {
            self->close(websocket::close_code::internal_error, "internal error");
        }
        asio::post(strand, [self] { self->on_message_handled(); });
    });
}

void WebSocketConnectionImpl::on_message_handled() {
    message_.clear();
    message_.shrink_to_fit();
    read_next();
}

void WebSocketConnectionImpl::end_reading(const ErrorCode& ec) {
    read_ended_ = true;
    end_error_ = ec;
    message_.clear();
    message_.shrink_to_fit();

    // Nothing more can be sent once reading has ended: the peer closed, failed or timed out.
    stop_sending();
}

// ---- Writing -------------------------------------------------------------------------------

bool WebSocketConnectionImpl::send(SharedFrame frame) {
    if (!frame) {
        return false;
    }

    std::optional<Strand> strand;
    switch (enqueue(frame, strand)) {
        case Enqueued::kQueued:
            return true;
        case Enqueued::kQueuedAndWake:
            asio::post(*strand, [self = shared_from_this()] { self->write_next(); });
            return true;
        case Enqueued::kRejected:
            return false;
        case Enqueued::kOverflow:
            break;
    }

    ++g_slow_consumer_closes;
    spdlog::info("ws_slow_consumer conn={} remote={} max_queued_bytes={} max_queued_frames={}",
                 connection_id_, remote_address_, route_.options.max_queued_bytes,
                 route_.options.max_queued_frames);
    const auto deadline = Clock::now() + Milliseconds(route_.options.close_timeout_ms);
    asio::post(*strand, [self = shared_from_this(), deadline] {
        self->begin_close(kCloseSlowConsumer, "slow consumer", deadline,
                          /*discard_unsent=*/true);
    });
    return false;
}

WebSocketConnectionImpl::Enqueued WebSocketConnectionImpl::enqueue(SharedFrame& frame,
                                                                   std::optional<Strand>& strand) {
    const size_t bytes = frame->size();
    std::lock_guard lock(mutex_);
    if (!accepting_) {
        return Enqueued::kRejected;
    }

    const WebSocketOptions& options = route_.options;
    const bool overflows = queued_frames_ + 1 > options.max_queued_frames ||
                           queued_bytes_ + bytes > options.max_queued_bytes;
    if (overflows) {
        // The frames not yet taken by the writer go too: the client resumes from its cursor,
        // and they would only delay the close.
        accepting_ = false;
        queued_bytes_ -= total_bytes(queue_, 0);
        queued_frames_ -= queue_.size();
        release(queue_);
        strand = stream_->get_executor();
        return Enqueued::kOverflow;
    }

    queue_.push_back(std::move(frame));
    queued_bytes_ += bytes;
    ++queued_frames_;
    if (write_scheduled_) {
        return Enqueued::kQueued;
    }
    write_scheduled_ = true;
    strand = stream_->get_executor();
    return Enqueued::kQueuedAndWake;
}

size_t WebSocketConnectionImpl::queued_bytes() const {
    std::lock_guard lock(mutex_);
    return queued_bytes_;
}

void WebSocketConnectionImpl::write_next() {
    // A closed or closing stream takes no more messages; its queue has been dropped or drained.
    if (write_in_flight_ || close_frame_started_ || finished_) {
        return;
    }
    if (batch_next_ == batch_.size()) {
        if (stream_->next_layer().has_combined_bytes()) {
            flush_combined();
            return;
        }
        if (!take_next_batch()) {
            report_frames_sent();
            try_send_close_frame();
            return;
        }
        // A lone frame goes through Beast; several are framed here and share one system call
        // (see WebSocketTransport).
        if (batch_.size() > 1) {
            frame_whole_batch();
            flush_combined();
            return;
        }
    }

    const SharedFrame& frame = batch_[batch_next_++];
    write_in_flight_ = true;
    stream_->async_write(
        asio::buffer(frame->data(), frame->size()),
        [self = shared_from_this()](const ErrorCode& ec, size_t) { self->on_write(ec); });
}

bool WebSocketConnectionImpl::take_next_batch() {
    // Swapping the whole queue out takes the mutex once per batch, not once per frame.
    batch_.clear();
    batch_next_ = 0;
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
        write_scheduled_ = false;
        release(queue_);
        release(batch_);
        return false;
    }
    batch_.swap(queue_);
    return true;
}

void WebSocketConnectionImpl::on_write(const ErrorCode& ec) {
    write_in_flight_ = false;
    SharedFrame& written = batch_[batch_next_ - 1];
    const size_t bytes = written->size();
    written.reset();
    {
        std::lock_guard lock(mutex_);
        queued_bytes_ -= bytes;
        --queued_frames_;
    }

    if (ec) {
        stop_sending();
        return;
    }

    ++frames_sent_;
    ++frames_sent_unreported_;
    write_next();
}

void WebSocketConnectionImpl::frame_whole_batch() {
    WebSocketTransport& transport = stream_->next_layer();
    size_t bytes = 0;
    for (SharedFrame& frame : batch_) {
        transport.append_text_frame(*frame);
        bytes += frame->size();
        frame.reset();
    }
    const size_t frames = batch_.size();
    batch_next_ = frames;
    frames_sent_ += frames;
    frames_sent_unreported_ += frames;

    std::lock_guard lock(mutex_);
    queued_bytes_ -= bytes;
    queued_frames_ -= frames;
}

// Counts as a write in flight: no close frame and no finish until the bytes are out.
void WebSocketConnectionImpl::flush_combined() {
    write_in_flight_ = true;
    stream_->next_layer().async_flush([self = shared_from_this()](const ErrorCode& ec) {
        self->write_in_flight_ = false;
        if (ec) {
            self->stop_sending();
            return;
        }
        self->write_next();
    });
}

// After reading ended or a write failed: drop what is queued and end the connection.
void WebSocketConnectionImpl::stop_sending() {
    {
        std::lock_guard lock(mutex_);
        accepting_ = false;
    }
    discard_unsent();

    // Usually Beast has closed the socket already; this ends a write stuck on a dead peer.
    // A close handshake under way ends on its own (and is bounded by Beast's timer).
    if (!close_in_flight_) {
        abort_socket();
    }
    maybe_finish();
}

void WebSocketConnectionImpl::discard_unsent() {
    const size_t batch_frames = batch_.size() - batch_next_;
    size_t bytes = total_bytes(batch_, batch_next_);
    batch_.resize(batch_next_);

    std::lock_guard lock(mutex_);
    bytes += total_bytes(queue_, 0);
    queued_bytes_ -= bytes;
    queued_frames_ -= batch_frames + queue_.size();
    release(queue_);
}

void WebSocketConnectionImpl::report_frames_sent() {
    if (frames_sent_unreported_ > 0) {
        g_frames_sent.fetch_add(frames_sent_unreported_, std::memory_order_relaxed);
        frames_sent_unreported_ = 0;
    }
}

// ---- Closing -------------------------------------------------------------------------------

void WebSocketConnectionImpl::close(uint16_t code, std::string reason) {
    close_before(code, std::move(reason),
                 Clock::now() + Milliseconds(route_.options.close_timeout_ms));
}

void WebSocketConnectionImpl::close_before(uint16_t code, std::string reason,
                                           Clock::time_point deadline) {
    request_close(valid_close_code(code), truncated_reason(std::move(reason)), deadline);
}

void WebSocketConnectionImpl::request_close(uint16_t code, std::string reason,
                                            Clock::time_point deadline) {
    std::optional<Strand> strand;
    {
        std::lock_guard lock(mutex_);
        if (!accepting_) {
            return;
        }
        accepting_ = false;
        strand = stream_->get_executor();
    }
    asio::post(*strand,
               [self = shared_from_this(), code, reason = std::move(reason), deadline]() mutable {
                   self->begin_close(code, std::move(reason), deadline, /*discard_unsent=*/false);
               });
}

void WebSocketConnectionImpl::begin_close(uint16_t code, std::string reason,
                                          Clock::time_point deadline, bool discard_unsent) {
    if (finished_ || close_code_ != 0) {
        return;
    }
    close_code_ = code;
    closing_ = std::make_unique<Closing>(stream_->get_executor(), std::move(reason));
    if (discard_unsent) {
        this->discard_unsent();
    }

    // One deadline for the whole close: draining the queue and the close handshake.
    closing_->timer.expires_at(deadline);
    closing_->timer.async_wait([self = shared_from_this()](const ErrorCode& ec) {
        if (!ec && !self->finished_) {
            self->abort_socket();
        }
    });

    try_send_close_frame();
}

void WebSocketConnectionImpl::try_send_close_frame() {
    // The close frame goes out after every queued frame: when the writer runs dry it calls
    // this again.
    if (close_code_ == 0 || close_frame_started_ || !handshake_done_ || read_ended_ ||
        write_in_flight_ || finished_ || batch_next_ < batch_.size()) {
        return;
    }
    {
        std::lock_guard lock(mutex_);
        if (!queue_.empty()) {
            return;
        }
    }

    close_frame_started_ = true;
    close_in_flight_ = true;
    const websocket::close_reason frame(static_cast<websocket::close_code>(close_code_),
                                        closing_->reason);
    stream_->async_close(
        frame, [self = shared_from_this()](const ErrorCode& ec) { self->on_close_frame_sent(ec); });
}

void WebSocketConnectionImpl::on_close_frame_sent(const ErrorCode& ec) {
    close_in_flight_ = false;
    if (ec) {
        abort_socket();
    }
    maybe_finish();
}

void WebSocketConnectionImpl::abort() {
    std::optional<Strand> strand;
    {
        std::lock_guard lock(mutex_);
        if (!stream_alive_) {
            return;
        }
        strand = stream_->get_executor();
    }
    asio::post(*strand, [self = shared_from_this()] {
        if (!self->finished_) {
            self->abort_socket();
        }
    });
}

void WebSocketConnectionImpl::abort_socket() {
    // Pending Beast operations end with an error, which ends the connection.
    ErrorCode ec;
    beast::get_lowest_layer(*stream_).close(ec);
}

// ---- The end -------------------------------------------------------------------------------

void WebSocketConnectionImpl::maybe_finish() {
    if (!finished_ && read_ended_ && !write_in_flight_ && !close_in_flight_) {
        finish();
    }
}

void WebSocketConnectionImpl::finish() {
    finished_ = true;
    closing_.reset();
    {
        std::lock_guard lock(mutex_);
        accepting_ = false;
        stream_alive_ = false;
    }
    discard_unsent();
    release(batch_);
    report_frames_sent();
    if (handshake_done_) {
        --g_open;
    }
    context_.websockets.remove(connection_id_);

    if (spdlog::should_log(spdlog::level::debug)) {
        const auto open_ms =
            handshake_done_
                ? std::chrono::duration_cast<Milliseconds>(Clock::now() - opened_at_).count()
                : 0;
        spdlog::debug(
            "ws_closed conn={} remote={} code={} by={} frames_sent={} open_ms={} error=\"{}\"",
            connection_id_, remote_address_, reported_close_code(),
            close_frame_started_ ? "server" : "client", frames_sent_, open_ms,
            end_error_.message());
    }

    // Released now, while the io_context surely lives: the layer above may hold this object
    // after the server is gone. Beast allows it inside a handler of the stream's own
    // operations, which keep its state alive until they return.
    stream_.reset();
    asio::post(workers_, [self = shared_from_this()] { self->notify_closed(); });
}

uint16_t WebSocketConnectionImpl::reported_close_code() const {
    if (close_frame_started_) {
        return close_code_;
    }
    const uint16_t received = stream_->reason().code;
    if (received != websocket::close_code::none) {
        return received;
    }
    return websocket::close_code::abnormal;
}

void WebSocketConnectionImpl::notify_closed() {
    call_session(connection_id_, "on_close", [&] { session_->on_close(); });
    session_.reset();
    context_.websockets.unfinished().remove();
}

void WebSocketConnectionImpl::abandon() {
    if (!session_) {
        return;
    }
    if (!finished_) {
        finished_ = true;
        if (handshake_done_) {
            --g_open;
        }
        context_.websockets.remove(connection_id_);
    }
    {
        std::lock_guard lock(mutex_);
        accepting_ = false;
        stream_alive_ = false;
        release(queue_);
    }
    release(batch_);
    closing_.reset();
    stream_.reset();
    spdlog::warn("ws_abandoned conn={} remote={}", connection_id_, remote_address_);
    notify_closed();
}

}  // namespace parley::net
