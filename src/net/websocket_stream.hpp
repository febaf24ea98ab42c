// The Beast WebSocket stream type the server uses, and the transport under it. Only src/net/
// includes it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "net/beast.hpp"

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace parley::net {

namespace websocket = boost::beast::websocket;

// A connection's strand, named by type. Sockets and timers bound to it through
// any_io_executor would carry a type-erased executor that does not fit its small buffer: every
// copy, and every work guard in Beast's composed operations, would then allocate. Naming the
// type keeps an idle connection's pending operations much smaller.
using Strand = asio::strand<asio::io_context::executor_type>;
using StrandSocket = asio::basic_stream_socket<asio::ip::tcp, Strand>;
using StrandTimer =
    asio::basic_waitable_timer<std::chrono::steady_clock,
                               asio::wait_traits<std::chrono::steady_clock>, Strand>;

// Moves `socket`, which must be bound to a Strand (as HttpServer's accepted sockets are), to
// a StrandSocket on the same strand. On failure returns the error; `socket` is then closed.
ErrorCode rebind_to_strand(asio::ip::tcp::socket& socket, std::optional<StrandSocket>& rebound);

// The socket under the WebSocket stream, which first hands out the bytes the HTTP parser had
// read past the upgrade request (websocket::stream::async_accept(request) cannot take them).
//
// Why not Beast's buffered_read_stream, made for this: it wraps every read in a composed
// operation of its own, holding a work guard and copies of the buffers, and keeps a
// flat_buffer in the stream; with a read always pending, each idle connection would pay for
// both (about 140 bytes). Here a read passes its handler straight to the socket once the
// early bytes are used up, and the early bytes cost one pointer until then.
//
// It also batches writes. Beast writes each WebSocket message with its own system call and
// its own composed operation; the fan-out benchmark found one sendmsg per delivered frame to
// be two thirds of the server's CPU (docs/benchmarks.md). So when a connection has several
// frames queued, it encodes them itself with append_text_frame (a server's frames are not
// masked, so a frame is a short header and the payload) and sends them all with one
// async_flush. Beast's own frames (pongs, pings, the close frame) pass through here too, so
// the two can never interleave: while a flush is in flight Beast's bytes are appended for
// the next one, and a flush waits for a Beast write already on the socket to finish.
// Asio offers no write-combining stream, and Beast's flat_stream only merges the buffers of
// a single write.
class WebSocketTransport {
  public:
    using executor_type = Strand;
    using next_layer_type = StrandSocket;

    WebSocketTransport(StrandSocket socket, std::string early_bytes)
        : socket_(std::move(socket)),
          early_bytes_(early_bytes.empty()
                           ? nullptr
                           : std::make_unique<std::string>(std::move(early_bytes))) {}

    executor_type get_executor() noexcept { return socket_.get_executor(); }
    StrandSocket& next_layer() noexcept { return socket_; }
    const StrandSocket& next_layer() const noexcept { return socket_; }

    template <class MutableBuffers, class ReadToken>
    auto async_read_some(const MutableBuffers& buffers, ReadToken&& token) {
        return asio::async_initiate<ReadToken, void(ErrorCode, size_t)>(
            [this](auto handler, const MutableBuffers& into) {
                if (!early_bytes_) {
                    socket_.async_read_some(into, std::move(handler));
                    return;
                }

                // Completes through the strand, never inside this call, as Asio requires.
                const size_t copied = asio::buffer_copy(into, asio::buffer(*early_bytes_));
                early_bytes_->erase(0, copied);
                if (early_bytes_->empty()) {
                    early_bytes_.reset();
                }
                asio::post(socket_.get_executor(),
                           beast::bind_front_handler(std::move(handler), ErrorCode(), copied));
            },
            token, buffers);
    }

    template <class ConstBuffers, class WriteToken>
    auto async_write_some(const ConstBuffers& buffers, WriteToken&& token) {
        return asio::async_initiate<WriteToken, void(ErrorCode, size_t)>(
            [this](auto handler, const ConstBuffers& from) {
                if (!flushing_) {
                    beast_write_in_flight_ = true;
                    socket_.async_write_some(from, [this, handler = std::move(handler)](
                                                       const ErrorCode& ec, size_t bytes) mutable {
                        beast_write_in_flight_ = false;
                        handler(ec, bytes);
                        start_waiting_flush();
                    });
                    return;
                }

                const size_t bytes = asio::buffer_size(from);
                std::string& combined = combined_bytes();
                const size_t offset = combined.size();
                combined.resize(offset + bytes);
                asio::buffer_copy(asio::buffer(combined.data() + offset, bytes), from);
                asio::post(socket_.get_executor(),
                           beast::bind_front_handler(std::move(handler), ErrorCode(), bytes));
            },
            token, buffers);
    }

    // Appends one complete, unmasked text frame (RFC 6455 section 5.2) for the next flush.
    // On the strand; the payload must be valid UTF-8.
    void append_text_frame(std::string_view payload) {
        std::string& combined = combined_bytes();
        combined.push_back(static_cast<char>(0x81));  // FIN, text.
        const uint64_t size = payload.size();
        if (size < 126) {
            combined.push_back(static_cast<char>(size));
        } else if (size <= 0xFFFF) {
            combined.push_back(static_cast<char>(126));
            append_big_endian(combined, size, 2);
        } else {
            combined.push_back(static_cast<char>(127));
            append_big_endian(combined, size, 8);
        }
        combined.append(payload);
    }

    bool has_combined_bytes() const noexcept { return combined_ && !combined_->empty(); }

    // Writes everything appended so far in one operation, once no Beast write is on the
    // socket. The handler must keep the connection (and so this transport) alive; call only
    // when has_combined_bytes() and no flush is in flight.
    void async_flush(std::function<void(const ErrorCode&)> handler) {
        flushing_ = true;
        waiting_flush_ = std::move(handler);
        start_waiting_flush();
    }

  private:
    static void append_big_endian(std::string& out, uint64_t value, int bytes) {
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.push_back(static_cast<char>((value >> shift) & 0xFF));
        }
    }

    std::string& combined_bytes() {
        if (!combined_) {
            combined_ = std::make_unique<std::string>();
        }
        return *combined_;
    }

    void start_waiting_flush() {
        if (!waiting_flush_ || beast_write_in_flight_) {
            return;
        }
        in_flight_ = std::move(combined_);
        asio::async_write(
            socket_, asio::buffer(*in_flight_),
            [this, handler = std::move(waiting_flush_)](const ErrorCode& ec, size_t) mutable {
                flushing_ = false;
                in_flight_.reset();
                handler(ec);
            });
        waiting_flush_ = nullptr;
    }

    StrandSocket socket_;
    std::unique_ptr<std::string> early_bytes_;  // Null once read, or if there were none.
    // Null whenever nothing is waiting, so an idle connection pays pointers, not buffers.
    std::unique_ptr<std::string> combined_;
    std::unique_ptr<std::string> in_flight_;
    std::function<void(const ErrorCode&)> waiting_flush_;
    bool flushing_ = false;               // From async_flush until its write completes.
    bool beast_write_in_flight_ = false;  // A write Beast started is on the socket.
};

// permessage-deflate is compiled out (`false`): it would cost tens of kilobytes of zlib state
// per connection, and events are small.
using WebSocketStream = websocket::stream<WebSocketTransport, false>;

// Closing a WebSocket shuts the TCP socket down the way Beast does for a plain socket. Found
// by argument-dependent lookup from Beast's close and read operations.
inline void teardown(beast::role_type role, WebSocketTransport& transport, ErrorCode& ec) {
    websocket::teardown(role, transport.next_layer(), ec);
}

template <class TeardownHandler>
void async_teardown(beast::role_type role, WebSocketTransport& transport,
                    TeardownHandler&& handler) {
    websocket::async_teardown(role, transport.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace parley::net
