// The Beast WebSocket stream type the server uses, and the transport under it. Only src/net/
// includes it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "net/beast.hpp"

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
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
        return socket_.async_write_some(buffers, std::forward<WriteToken>(token));
    }

  private:
    StrandSocket socket_;
    std::unique_ptr<std::string> early_bytes_;  // Null once read, or if there were none.
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
