#include "load/http_client.hpp"

#include <cctype>
#include <charconv>
#include <chrono>

#include "net/beast.hpp"

namespace parley::bench {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// A request (connect, write, read) that takes longer than this fails, so a stuck server
// cannot hang a benchmark run.
constexpr std::chrono::seconds kRequestTimeout{30};

std::optional<Endpoint> parse_http_url(std::string_view url) {
    constexpr std::string_view kScheme = "http://";
    if (!url.starts_with(kScheme)) {
        return std::nullopt;
    }
    url.remove_prefix(kScheme.size());
    if (url.ends_with('/')) {
        url.remove_suffix(1);
    }

    const size_t colon = url.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || url.find('/') != std::string_view::npos) {
        return std::nullopt;
    }
    Endpoint endpoint;
    endpoint.host = std::string(url.substr(0, colon));
    const char* begin = url.data() + colon + 1;
    const char* end = url.data() + url.size();
    auto [stop, ec] = std::from_chars(begin, end, endpoint.port);
    if (ec != std::errc{} || stop != end || endpoint.port == 0) {
        return std::nullopt;
    }
    return endpoint;
}

class HttpConnection::Impl {
  public:
    Impl(asio::any_io_executor executor, Endpoint endpoint)
        : stream_(executor), endpoint_(std::move(endpoint)) {}

    asio::awaitable<Result<HttpReply>> post_form(std::string target, std::string bearer_token,
                                                 std::string form_body) {
        net::ErrorCode ec;
        stream_.expires_after(kRequestTimeout);
        if (!stream_.socket().is_open()) {
            co_await connect(ec);
            if (ec) {
                co_return failed(ec);
            }
        }

        http::request<http::string_body> request{http::verb::post, target, 11};
        request.set(http::field::host, endpoint_.host);
        request.set(http::field::authorization, "Bearer " + bearer_token);
        request.set(http::field::content_type, "application/x-www-form-urlencoded");
        request.keep_alive(true);
        request.body() = std::move(form_body);
        request.prepare_payload();
        co_await http::async_write(stream_, request, net::with_error(ec));
        if (ec) {
            co_return failed(ec);
        }

        http::response<http::string_body> response;
        co_await http::async_read(stream_, buffer_, response, net::with_error(ec));
        if (ec) {
            co_return failed(ec);
        }

        // The server may end keep-alive (it is stopping, say); reconnect on the next call.
        if (!response.keep_alive()) {
            close();
        }
        co_return HttpReply{response.result_int(), std::move(response.body())};
    }

    uint64_t connects() const { return connects_; }

  private:
    asio::awaitable<void> connect(net::ErrorCode& ec) {
        tcp::resolver resolver(stream_.get_executor());
        auto endpoints = co_await resolver.async_resolve(
            endpoint_.host, std::to_string(endpoint_.port), net::with_error(ec));
        if (ec) {
            co_return;
        }
        co_await stream_.async_connect(endpoints, net::with_error(ec));
        if (ec) {
            co_return;
        }
        // Requests are written whole; Nagle's delay would only add latency.
        stream_.socket().set_option(tcp::no_delay(true), ec);
        buffer_.clear();
        ++connects_;
    }

    Result<HttpReply> failed(const net::ErrorCode& ec) {
        close();
        return make_error("connection_failed", ec.message());
    }

    void close() {
        net::ErrorCode ignored;
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;  // Bytes read past the end of the last response.
    Endpoint endpoint_;
    uint64_t connects_ = 0;
};

HttpConnection::HttpConnection(asio::any_io_executor executor, Endpoint endpoint)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(endpoint))) {}

HttpConnection::~HttpConnection() = default;

asio::awaitable<Result<HttpReply>> HttpConnection::post_form(std::string target,
                                                             std::string bearer_token,
                                                             std::string form_body) {
    co_return co_await impl_->post_form(std::move(target), std::move(bearer_token),
                                        std::move(form_body));
}

uint64_t HttpConnection::connects() const {
    return impl_->connects();
}

std::string form_encode(std::string_view text) {
    // Hand-written: Beast has no form encoder and this is a dozen lines (RFC 1866 8.2.1).
    constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(c);
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0x0F]);
        }
    }
    return out;
}

}  // namespace parley::bench
