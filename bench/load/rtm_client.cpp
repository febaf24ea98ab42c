#include "load/rtm_client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <optional>

#include "common/json_value.hpp"
#include "net/beast.hpp"

#include <boost/beast/websocket/stream.hpp>

namespace parley::bench {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// Connecting and the WebSocket handshake must finish within this; a stuck server cannot hang
// a benchmark.
constexpr std::chrono::seconds kConnectTimeout{30};

struct WsUrl {
    std::string host;
    uint16_t port = 0;
    std::string target;  // Path and query.
};

// "ws://HOST:PORT/PATH?QUERY", as rtm.connect answers on loopback.
std::optional<WsUrl> parse_ws_url(std::string_view url) {
    constexpr std::string_view kScheme = "ws://";
    if (!url.starts_with(kScheme)) {
        return std::nullopt;
    }
    url.remove_prefix(kScheme.size());
    const size_t slash = url.find('/');
    const size_t colon = url.substr(0, slash).rfind(':');
    if (slash == std::string_view::npos || colon == std::string_view::npos) {
        return std::nullopt;
    }
    WsUrl parsed;
    parsed.host = std::string(url.substr(0, colon));
    parsed.target = std::string(url.substr(slash));
    const char* begin = url.data() + colon + 1;
    const char* end = url.data() + slash;
    auto [stop, ec] = std::from_chars(begin, end, parsed.port);
    if (ec != std::errc{} || stop != end || parsed.port == 0) {
        return std::nullopt;
    }
    return parsed;
}

// The WebSocket URL from rtm.connect's answer, or the Web API's error.
Result<WsUrl> rtm_url(const HttpReply& reply) {
    const Json body = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) {
        return make_error("connection_failed", "rtm.connect answered HTTP " +
                                                   std::to_string(reply.status) + " without JSON");
    }
    if (!body.value("ok", false)) {
        return make_error(body.value("error", std::string("unknown_error")), "rtm.connect");
    }
    auto url = parse_ws_url(body.value("url", std::string()));
    if (!url) {
        return make_error("bad_url", body.value("url", std::string()));
    }
    return std::move(*url);
}

}  // namespace

class RtmClient::Impl {
  public:
    Impl(asio::any_io_executor executor, std::string source_address)
        : ws_(std::move(executor)), source_address_(std::move(source_address)) {}

    asio::awaitable<Status> connect(HttpConnection& http, std::string token) {
        auto reply = co_await http.post_form("/api/rtm.connect", std::move(token), "");
        if (!reply) {
            co_return reply.error();
        }
        auto url = rtm_url(*reply);
        if (!url) {
            co_return url.error();
        }

        net::ErrorCode ec;
        open_socket(ec);
        if (ec) {
            co_return make_error("connection_failed",
                                 "bind " + source_address_ + ": " + ec.message());
        }
        auto& stream = beast::get_lowest_layer(ws_);
        stream.expires_after(kConnectTimeout);
        const tcp::endpoint server(asio::ip::make_address(url->host, ec), url->port);
        if (ec) {
            co_return make_error("bad_url", url->host);
        }
        co_await stream.async_connect(server, net::with_error(ec));
        if (ec) {
            co_return make_error("connection_failed", "connect: " + ec.message());
        }
        stream.socket().set_option(tcp::no_delay(true), ec);

        const std::string host = url->host + ":" + std::to_string(url->port);
        co_await ws_.async_handshake(host, url->target, net::with_error(ec));
        if (ec) {
            co_return make_error("connection_failed", "handshake: " + ec.message());
        }
        stream.expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));

        co_await ws_.async_read(buffer_, net::with_error(ec));
        const std::string_view first(static_cast<const char*>(buffer_.cdata().data()),
                                     buffer_.size());
        if (ec || first.find("\"type\":\"hello\"") == std::string_view::npos) {
            std::string detail(first.substr(0, 200));
            if (ec) {
                detail = ec.message();
            }
            co_return make_error("no_hello", std::move(detail));
        }
        buffer_.consume(buffer_.size());
        co_return ok_status();
    }

    asio::awaitable<void> read_until_closed(FrameHandler on_frame, RtmCloseCounts& closes) {
        for (;;) {
            net::ErrorCode ec;
            co_await ws_.async_read(buffer_, net::with_error(ec));
            if (ec) {
                count_close(ec, closes);
                co_return;
            }
            on_frame(
                std::string_view(static_cast<const char*>(buffer_.cdata().data()), buffer_.size()));
            buffer_.consume(buffer_.size());
        }
    }

    void abort() {
        aborted_ = true;
        net::ErrorCode ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

  private:
    // With a source address, bind before connecting. IP_BIND_ADDRESS_NO_PORT defers the
    // choice of port to connect(), so ports are shared across destinations as an unbound
    // socket's would be, rather than reserved per address at bind time.
    void open_socket(net::ErrorCode& ec) {
        auto& socket = beast::get_lowest_layer(ws_).socket();
        socket.open(tcp::v4(), ec);
        if (ec || source_address_.empty()) {
            return;
        }
        const int enable = 1;
        ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &enable,
                     sizeof enable);
        const auto address = asio::ip::make_address(source_address_, ec);
        if (!ec) {
            socket.bind(tcp::endpoint(address, 0), ec);
        }
    }

    void count_close(const net::ErrorCode& ec, RtmCloseCounts& closes) const {
        if (aborted_) {
            return;
        }
        if (ec == websocket::error::closed) {
            if (ws_.reason().code == kSlowConsumerCloseCode) {
                ++closes.slow_consumer;
            } else {
                ++closes.by_server;
            }
            return;
        }
        ++closes.failed;
    }

    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;  // One frame at a time; keeps its capacity between frames.
    std::string source_address_;
    bool aborted_ = false;
};

RtmClient::RtmClient(asio::any_io_executor executor, std::string source_address)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(source_address))) {}

RtmClient::~RtmClient() = default;

asio::awaitable<Status> RtmClient::connect(HttpConnection& http, std::string token) {
    co_return co_await impl_->connect(http, std::move(token));
}

asio::awaitable<void> RtmClient::read_until_closed(FrameHandler on_frame, RtmCloseCounts& closes) {
    co_await impl_->read_until_closed(std::move(on_frame), closes);
}

void RtmClient::abort() {
    impl_->abort();
}

}  // namespace parley::bench
