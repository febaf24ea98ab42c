// WebSockets on HttpServer's port, over real loopback sockets. Most clients are Beast's
// WebSocket client, driven through their own io_context so that every wait has a timeout
// (a server bug fails the test instead of hanging it). A few are raw sockets, for bytes a
// WebSocket library would not send and for cheap idle connections.
#include "net/asio.hpp"

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include "loopback_client.hpp"

#include "common/metrics.hpp"
#include "net/http_server.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;
using parley::net::HttpRequest;
using parley::net::HttpResponse;
using parley::net::HttpServer;
using parley::net::HttpServerOptions;
using parley::net::SharedFrame;
using parley::net::WebSocketConnection;
using parley::net::WebSocketOptions;
using parley::net::WebSocketSession;

// Long enough for a loaded two-core machine; only reached when the server misbehaves.
constexpr auto kClientTimeout = std::chrono::seconds(10);

SharedFrame frame_of(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

// What the server's sessions saw, for the tests to wait on and check.
class SessionLog {
  public:
    void opened(const std::string& name, std::shared_ptr<WebSocketConnection> connection) {
        std::lock_guard lock(mutex_);
        connections_[name] = std::move(connection);
        ++opened_;
        changed_.notify_all();
    }

    void closed(bool was_opened) {
        std::lock_guard lock(mutex_);
        ++closed_;
        closed_without_open_ += was_opened ? 0 : 1;
        changed_.notify_all();
    }

    void closed_twice() { ++closed_twice_; }

    // The server side of the connection opened as `name`, once on_open has run.
    std::shared_ptr<WebSocketConnection> connection(const std::string& name) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, kClientTimeout, [&] { return connections_.count(name) > 0; });
        auto found = connections_.find(name);
        return found == connections_.end() ? nullptr : found->second;
    }

    bool wait_opened(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kClientTimeout, [&] { return opened_ >= count; });
    }

    bool wait_closed(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kClientTimeout, [&] { return closed_ >= count; });
    }

    int opened_count() {
        std::lock_guard lock(mutex_);
        return opened_;
    }
    int closed_count() {
        std::lock_guard lock(mutex_);
        return closed_;
    }
    int closed_without_open() {
        std::lock_guard lock(mutex_);
        return closed_without_open_;
    }
    int closed_twice_count() const { return closed_twice_.load(); }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, std::shared_ptr<WebSocketConnection>> connections_;  // Guarded.
    int opened_ = 0;                                                           // Guarded.
    int closed_ = 0;                                                           // Guarded.
    int closed_without_open_ = 0;                                              // Guarded.
    std::atomic<int> closed_twice_{0};
};

// Sends every message back.
class EchoSession : public WebSocketSession {
  public:
    EchoSession(SessionLog& log, std::string name) : log_(log), name_(std::move(name)) {}

    void on_open(std::shared_ptr<WebSocketConnection> connection) override {
        connection_ = connection;
        log_.opened(name_, std::move(connection));
    }

    void on_text(std::string_view text) override {
        if (text == "throw") {
            throw std::runtime_error("session failed on purpose");
        }
        connection_->send(frame_of(std::string(text)));
    }

    void on_close() override {
        if (close_calls_.fetch_add(1) > 0) {
            log_.closed_twice();
            return;
        }
        log_.closed(connection_ != nullptr);
        connection_.reset();
    }

  private:
    SessionLog& log_;
    const std::string name_;
    std::shared_ptr<WebSocketConnection> connection_;  // Set in on_open, cleared in on_close.
    std::atomic<int> close_calls_{0};
};

// Names sessions after the `name` query parameter; refuses targets containing "deny".
parley::net::WebSocketAcceptor echo_acceptor(SessionLog& log) {
    return [&log](const HttpRequest& request,
                  HttpResponse& refusal) -> std::shared_ptr<WebSocketSession> {
        if (request.target.find("deny") != std::string::npos) {
            refusal.status = 401;
            refusal.body = R"({"ok":false,"error":"invalid_auth"})";
            return nullptr;
        }
        const size_t name_at = request.target.find("name=");
        const std::string name =
            name_at == std::string::npos ? "anonymous" : request.target.substr(name_at + 5);
        return std::make_shared<EchoSession>(log, name);
    };
}

HttpServerOptions test_options() {
    HttpServerOptions options;
    options.listen_host = "127.0.0.1";
    options.listen_port = 0;
    options.io_threads = 2;
    options.worker_threads = 4;
    return options;
}

std::unique_ptr<HttpServer> start_server(SessionLog& log, WebSocketOptions ws_options = {},
                                         HttpServerOptions options = test_options()) {
    auto server = std::make_unique<HttpServer>(options, [](const HttpRequest& request) {
        HttpResponse response;
        response.content_type = "text/plain";
        response.body = "http " + request.target;
        return response;
    });
    server->set_websocket_route("/ws", echo_acceptor(log), ws_options);
    server->start();
    return server;
}

// A Beast WebSocket client with its own io_context. Every call waits at most kClientTimeout.
class Client {
  public:
    explicit Client(uint16_t port, int receive_buffer_bytes = 0) : ws_(ioc_) {
        tcp::socket& socket = ws_.next_layer();
        socket.open(tcp::v4());
        if (receive_buffer_bytes > 0) {
            socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes));
        }
        ErrorCode ec;
        socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), ec);
        connected_ = !ec;
    }

    // The HTTP status of the handshake's answer: 101 when the WebSocket is open.
    unsigned handshake(const std::string& target) {
        if (!connected_) {
            return 0;
        }
        websocket::response_type response;
        wait([&](auto done) { ws_.async_handshake(response, "localhost", target, done); });
        last_body_ = response.body();
        return response.result_int();
    }

    const std::string& last_body() const { return last_body_; }

    bool write(const std::string& text) {
        return !wait([&](auto done) { ws_.async_write(asio::buffer(text), done); });
    }

    // The next message, or nothing once the connection is closed (see close_code()).
    std::optional<std::string> read() {
        beast::flat_buffer buffer;
        const ErrorCode ec = wait([&](auto done) { ws_.async_read(buffer, done); });
        if (ec) {
            return std::nullopt;
        }
        return beast::buffers_to_string(buffer.data());
    }

    // Reads until the connection closes; returns how many messages came first.
    size_t read_until_closed() {
        size_t messages = 0;
        while (read()) {
            ++messages;
        }
        return messages;
    }

    // The code of the close frame the server sent; 0 if none was received.
    uint16_t close_code() const { return ws_.reason().code; }

    websocket::stream<tcp::socket>& stream() { return ws_; }
    asio::io_context& context() { return ioc_; }

  private:
    // Starts an operation and runs the io_context until it completes or the timeout passes
    // (then the socket is closed, which ends the operation).
    template <class Start>
    ErrorCode wait(Start start) {
        std::optional<ErrorCode> result;
        start([&result](const ErrorCode& ec, auto&&...) { result = ec; });
        ioc_.restart();
        while (!result && ioc_.run_one_for(kClientTimeout) > 0) {
        }
        if (!result) {
            ErrorCode ignored;
            ws_.next_layer().close(ignored);
            ioc_.restart();
            ioc_.run_for(std::chrono::seconds(1));
            return asio::error::timed_out;
        }
        return *result;
    }

    asio::io_context ioc_;
    websocket::stream<tcp::socket> ws_;
    bool connected_ = false;
    std::string last_body_;
};

// A plain TCP client, for bytes Beast's client would not send.
class RawClient : public parley::test_support::LoopbackClient {
  public:
    using LoopbackClient::LoopbackClient;

    // The status of the HTTP response head; 0 if none arrived. Bytes after the head stay in
    // pending().
    int read_status() {
        size_t head_end;
        while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
            if (!receive_more()) {
                return 0;
            }
        }
        const std::string head = pending_.substr(0, head_end);
        pending_.erase(0, head_end + 4);
        return head.size() >= 12 ? std::stoi(head.substr(9, 3)) : 0;
    }

    // Waits until at least `bytes` bytes past the response head have arrived.
    const std::string& pending(size_t bytes) {
        while (pending_.size() < bytes && receive_more()) {
        }
        return pending_;
    }
};

std::string upgrade_request(const std::string& target, const std::string& version = "13") {
    return "GET " + target +
           " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: " +
           version + "\r\n\r\n";
}

// A masked text frame, as a client must send it (RFC 6455 section 5.3). Up to 125 bytes.
std::string masked_text_frame(const std::string& text) {
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    std::string frame;
    frame += static_cast<char>(0x81);
    frame += static_cast<char>(0x80 | text.size());
    frame.append(reinterpret_cast<const char*>(mask), 4);
    for (size_t i = 0; i < text.size(); ++i) {
        frame += static_cast<char>(text[i] ^ mask[i % 4]);
    }
    return frame;
}

TEST(WebSocket, HandshakeAndEchoRoundTrip) {
    SessionLog log;
    auto server = start_server(log);
    Client client(server->port());

    ASSERT_EQ(client.handshake("/ws?name=echo"), 101u);
    ASSERT_TRUE(client.write("hello"));
    const auto echoed = client.read();
    ASSERT_TRUE(client.write(""));
    const auto empty = client.read();

    ASSERT_TRUE(echoed.has_value());
    EXPECT_EQ(*echoed, "hello");
    ASSERT_TRUE(empty.has_value());
    EXPECT_EQ(*empty, "");
    EXPECT_EQ(log.opened_count(), 1);
}

TEST(WebSocket, LongerMessageThanTheFirstReadIsReassembled) {
    SessionLog log;
    auto server = start_server(log);
    Client client(server->port());
    const std::string text(40'000, 'x');

    ASSERT_EQ(client.handshake("/ws?name=long"), 101u);
    ASSERT_TRUE(client.write(text));
    const auto echoed = client.read();

    ASSERT_TRUE(echoed.has_value());
    EXPECT_EQ(*echoed, text);
}

TEST(WebSocket, ClientCloseCallsOnCloseOnce) {
    SessionLog log;
    auto server = start_server(log);
    {
        Client client(server->port());
        ASSERT_EQ(client.handshake("/ws?name=leaving"), 101u);
        ASSERT_TRUE(log.wait_opened(1));
        ErrorCode ec;
        client.stream().close(websocket::close_code::normal, ec);
        EXPECT_FALSE(ec);
    }

    ASSERT_TRUE(log.wait_closed(1));
    server->stop();
    EXPECT_EQ(log.closed_count(), 1);
    EXPECT_EQ(log.closed_twice_count(), 0);
}

TEST(WebSocket, RefusalIsAnsweredAsHttp) {
    SessionLog log;
    auto server = start_server(log);
    Client client(server->port());

    EXPECT_EQ(client.handshake("/ws?name=deny"), 401u);
    EXPECT_EQ(client.last_body(), R"({"ok":false,"error":"invalid_auth"})");
    EXPECT_EQ(log.opened_count(), 0);
}

TEST(WebSocket, UpgradeOnAnUnregisteredPathGets404) {
    SessionLog log;
    auto server = start_server(log);
    Client client(server->port());

    EXPECT_EQ(client.handshake("/elsewhere?name=lost"), 404u);
    EXPECT_EQ(log.opened_count(), 0);
}

TEST(WebSocket, PlainGetOnTheRoutePathGoesToTheHttpHandler) {
    SessionLog log;
    auto server = start_server(log);
    RawClient client(server->port());

    ASSERT_TRUE(client.send("GET /ws HTTP/1.1\r\nHost: localhost\r\n\r\n"));

    EXPECT_EQ(client.read_status(), 200);
}

TEST(WebSocket, InvalidHandshakeAfterAcceptanceStillCallsOnClose) {
    SessionLog log;
    auto server = start_server(log);
    RawClient client(server->port());

    ASSERT_TRUE(client.send(upgrade_request("/ws?name=old", /*version=*/"8")));
    const int status = client.read_status();

    EXPECT_GE(status, 400);
    EXPECT_TRUE(client.closed_by_peer());
    ASSERT_TRUE(log.wait_closed(1));
    EXPECT_EQ(log.closed_without_open(), 1);
    EXPECT_EQ(log.opened_count(), 0);
}

TEST(WebSocket, BytesSentWithTheUpgradeRequestAreRead) {
    SessionLog log;
    auto server = start_server(log);
    RawClient client(server->port());

    // A frame in the same packet as the upgrade request lands in the HTTP read buffer.
    ASSERT_TRUE(client.send(upgrade_request("/ws?name=eager") + masked_text_frame("early")));
    ASSERT_EQ(client.read_status(), 101);
    const std::string& echoed = client.pending(7);

    // The server's frame is unmasked: 0x81, the length, then the text.
    ASSERT_GE(echoed.size(), 7u);
    EXPECT_EQ(static_cast<unsigned char>(echoed[0]), 0x81);
    EXPECT_EQ(static_cast<unsigned char>(echoed[1]), 5);
    EXPECT_EQ(echoed.substr(2, 5), "early");
}

TEST(WebSocket, MessageOverTheLimitClosesTheSocket) {
    SessionLog log;
    WebSocketOptions ws_options;
    ws_options.max_incoming_frame_bytes = 1024;
    auto server = start_server(log, ws_options);
    Client client(server->port());
    ASSERT_EQ(client.handshake("/ws?name=big"), 101u);

    ASSERT_TRUE(client.write(std::string(1024, 'a')));
    const auto at_limit = client.read();
    client.write(std::string(2048, 'b'));
    const auto over_limit = client.read();

    ASSERT_TRUE(at_limit.has_value());
    EXPECT_EQ(at_limit->size(), 1024u);
    EXPECT_FALSE(over_limit.has_value());
    EXPECT_EQ(client.close_code(), websocket::close_code::too_big);
    EXPECT_TRUE(log.wait_closed(1));
}

TEST(WebSocket, ThrowingSessionClosesWith1011) {
    SessionLog log;
    auto server = start_server(log);
    Client client(server->port());
    ASSERT_EQ(client.handshake("/ws?name=fragile"), 101u);

    ASSERT_TRUE(client.write("throw"));

    EXPECT_EQ(client.read_until_closed(), 0u);
    EXPECT_EQ(client.close_code(), websocket::close_code::internal_error);
    EXPECT_TRUE(log.wait_closed(1));
}

TEST(WebSocket, SlowConsumerIsClosedWhileOthersKeepReceiving) {
    SessionLog log;
    WebSocketOptions ws_options;
    ws_options.max_queued_bytes = 1 << 20;
    ws_options.close_timeout_ms = 30'000;  // The stalled client drains only later in the test.
    auto server = start_server(log, ws_options);
    Client stalled(server->port(), /*receive_buffer_bytes=*/16 << 10);
    Client healthy(server->port());
    ASSERT_EQ(stalled.handshake("/ws?name=stalled"), 101u);
    ASSERT_EQ(healthy.handshake("/ws?name=healthy"), 101u);
    auto stalled_side = log.connection("stalled");
    auto healthy_side = log.connection("healthy");
    ASSERT_TRUE(stalled_side && healthy_side);

    // The stalled client never reads: once the socket buffers are full, frames queue up on
    // the server until the bound is crossed. The same frame object is sent every time.
    const SharedFrame big = frame_of(std::string(64 << 10, 'z'));
    bool refused = false;
    for (int i = 0; i < 100'000 && !refused; ++i) {
        refused = !stalled_side->send(big);
    }
    ASSERT_TRUE(refused);
    EXPECT_FALSE(stalled_side->send(frame_of("after the close")));

    // The healthy client is served meanwhile.
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(healthy_side->send(frame_of("tick " + std::to_string(i))));
    }
    for (int i = 0; i < 100; ++i) {
        const auto tick = healthy.read();
        ASSERT_TRUE(tick.has_value());
        EXPECT_EQ(*tick, "tick " + std::to_string(i));
    }

    // The stalled client, reading at last, gets what had been written (the frames still
    // queued were dropped), then 4008.
    stalled.read_until_closed();
    EXPECT_EQ(stalled.close_code(), parley::net::kCloseSlowConsumer);
    EXPECT_TRUE(log.wait_closed(1));
    ASSERT_TRUE(healthy_side->send(frame_of("still here")));
    EXPECT_EQ(healthy.read(), "still here");
    EXPECT_NE(parley::Metrics::global().render().find("parley_ws_slow_consumer_closes_total"),
              std::string::npos);
}

TEST(WebSocket, KeepAlivePingsHoldAnAnsweringClientPastTheIdleTimeout) {
    SessionLog log;
    WebSocketOptions ws_options;
    ws_options.idle_timeout_ms = 300;
    auto server = start_server(log, ws_options);
    Client client(server->port());
    ASSERT_EQ(client.handshake("/ws?name=quiet"), 101u);

    // A pending read answers the server's pings; nothing else happens for three idle periods.
    beast::flat_buffer buffer;
    std::optional<ErrorCode> read_result;
    client.stream().async_read(buffer, [&](const ErrorCode& ec, size_t) { read_result = ec; });
    client.context().restart();
    client.context().run_for(std::chrono::milliseconds(1000));
    EXPECT_FALSE(read_result.has_value()) << read_result->message();

    // Still open: a message makes the round trip.
    std::optional<ErrorCode> write_result;
    const std::string text = "still alive";
    client.stream().async_write(asio::buffer(text),
                                [&](const ErrorCode& ec, size_t) { write_result = ec; });
    while (!read_result && client.context().run_one_for(kClientTimeout) > 0) {
    }
    ASSERT_TRUE(read_result.has_value());
    EXPECT_FALSE(*read_result);
    EXPECT_EQ(beast::buffers_to_string(buffer.data()), text);
    EXPECT_EQ(log.closed_count(), 0);
}

TEST(WebSocket, SilentPeerIsClosedAfterTheIdleTimeout) {
    SessionLog log;
    WebSocketOptions ws_options;
    ws_options.idle_timeout_ms = 300;
    auto server = start_server(log, ws_options);
    RawClient client(server->port());

    // Never answers the pings.
    ASSERT_TRUE(client.send(upgrade_request("/ws?name=silent")));
    ASSERT_EQ(client.read_status(), 101);

    EXPECT_TRUE(client.closed_by_peer());
    EXPECT_TRUE(log.wait_closed(1));
}

TEST(WebSocket, StopFlushesQueuesThenClosesWith1001) {
    SessionLog log;
    auto server = start_server(log);
    Client first(server->port());
    Client second(server->port());
    ASSERT_EQ(first.handshake("/ws?name=first"), 101u);
    ASSERT_EQ(second.handshake("/ws?name=second"), 101u);
    auto first_side = log.connection("first");
    auto second_side = log.connection("second");
    ASSERT_TRUE(first_side && second_side);
    for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(first_side->send(frame_of("last words")));
        ASSERT_TRUE(second_side->send(frame_of("last words")));
    }

    std::thread stopper([&] { server->stop(); });
    const size_t first_received = first.read_until_closed();
    const size_t second_received = second.read_until_closed();
    stopper.join();

    EXPECT_EQ(first_received, 50u);
    EXPECT_EQ(second_received, 50u);
    EXPECT_EQ(first.close_code(), websocket::close_code::going_away);
    EXPECT_EQ(second.close_code(), websocket::close_code::going_away);
    // stop() returns only after every on_close.
    EXPECT_EQ(log.closed_count(), 2);
    EXPECT_EQ(log.closed_twice_count(), 0);
    EXPECT_FALSE(first_side->send(frame_of("too late")));
}

TEST(WebSocket, StopDoesNotWaitForTheGracePeriodOnIdleSockets) {
    SessionLog log;
    HttpServerOptions options = test_options();
    options.shutdown_grace_ms = 60'000;
    auto server = start_server(log, {}, options);
    Client client(server->port());
    ASSERT_EQ(client.handshake("/ws?name=idle"), 101u);
    ASSERT_TRUE(log.wait_opened(1));

    // The client answers the close handshake; stop() must then return long before 60 s (a
    // hang here would be caught by the test's own timeout, not by a timing assert).
    std::thread stopper([&] { server->stop(); });
    EXPECT_EQ(client.read_until_closed(), 0u);
    stopper.join();

    EXPECT_EQ(client.close_code(), websocket::close_code::going_away);
    EXPECT_EQ(log.closed_count(), 1);
}

// on_text blocks past the grace period: stop() closes the socket, waits for on_text to return,
// and on_close still comes exactly once.
class StuckSession : public WebSocketSession {
  public:
    explicit StuckSession(std::shared_future<void> released) : released_(std::move(released)) {}

    void on_open(std::shared_ptr<WebSocketConnection>) override {}
    void on_text(std::string_view) override {
        entered_.set_value();
        released_.wait();
    }
    void on_close() override { ++close_calls_; }

    std::future<void> entered() { return entered_.get_future(); }
    int close_calls() const { return close_calls_.load(); }

  private:
    std::shared_future<void> released_;
    std::promise<void> entered_;
    std::atomic<int> close_calls_{0};
};

TEST(WebSocket, StopWithAStuckSessionStillCallsOnCloseOnce) {
    std::promise<void> release;
    auto session = std::make_shared<StuckSession>(release.get_future().share());
    auto entered = session->entered();
    HttpServerOptions options = test_options();
    options.shutdown_grace_ms = 50;
    HttpServer server(options, [](const HttpRequest&) { return HttpResponse{}; });
    server.set_websocket_route(
        "/stuck", [session](const HttpRequest&, HttpResponse&) { return session; }, {});
    server.start();
    Client client(server.port());
    ASSERT_EQ(client.handshake("/stuck"), 101u);
    ASSERT_TRUE(client.write("block"));
    entered.wait();

    // Released only well after stop() has closed the socket and given up waiting, so that
    // the connection cannot finish on the (stopped) I/O threads.
    std::thread stopper([&] { server.stop(); });
    EXPECT_FALSE(client.read().has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    release.set_value();
    stopper.join();

    EXPECT_EQ(session->close_calls(), 1);
}

TEST(WebSocket, TenThousandFramesFromOneThreadArriveInOrder) {
    SessionLog log;
    WebSocketOptions ws_options;
    ws_options.max_queued_frames = 20'000;
    auto server = start_server(log, ws_options);
    Client client(server->port());
    ASSERT_EQ(client.handshake("/ws?name=ordered"), 101u);
    auto server_side = log.connection("ordered");
    ASSERT_TRUE(server_side);

    constexpr int kFrames = 10'000;
    for (int i = 0; i < kFrames; ++i) {
        ASSERT_TRUE(server_side->send(frame_of(std::to_string(i))));
    }

    for (int i = 0; i < kFrames; ++i) {
        const auto frame = client.read();
        ASSERT_TRUE(frame.has_value()) << "frame " << i;
        ASSERT_EQ(*frame, std::to_string(i));
    }
}

// Queued frames go out in combined writes (websocket_stream.hpp); Beast's pongs share that
// path and must arrive whole, between frames, never inside one.
TEST(WebSocket, PongsInterleaveCleanlyWithCombinedWrites) {
    SessionLog log;
    WebSocketOptions ws_options;
    ws_options.max_queued_frames = 20'000;
    auto server = start_server(log, ws_options);
    Client client(server->port());
    ASSERT_EQ(client.handshake("/ws?name=combined"), 101u);
    auto server_side = log.connection("combined");
    ASSERT_TRUE(server_side);
    int pongs = 0;
    client.stream().control_callback([&pongs](websocket::frame_type kind, beast::string_view) {
        if (kind == websocket::frame_type::pong) {
            ++pongs;
        }
    });

    constexpr int kFrames = 5'000;
    constexpr int kPingEvery = 250;
    const std::string padding(200, 'x');
    std::thread sender([&] {
        for (int i = 0; i < kFrames; ++i) {
            server_side->send(frame_of(std::to_string(i) + padding));
        }
    });
    int pings = 0;
    for (int i = 0; i < kFrames; ++i) {
        const auto frame = client.read();
        ASSERT_TRUE(frame.has_value()) << "frame " << i;
        ASSERT_EQ(*frame, std::to_string(i) + padding);
        if (i % kPingEvery == 0) {
            client.stream().ping({});
            ++pings;
        }
    }
    sender.join();

    ASSERT_TRUE(server_side->send(frame_of("end")));
    EXPECT_EQ(client.read(), "end");
    EXPECT_EQ(pongs, pings);
}

TEST(WebSocket, SendFromSeveralThreadsAtOnce) {
    SessionLog log;
    WebSocketOptions ws_options;
    ws_options.max_queued_frames = 20'000;
    auto server = start_server(log, ws_options);
    Client client(server->port());
    ASSERT_EQ(client.handshake("/ws?name=shared"), 101u);
    auto server_side = log.connection("shared");
    ASSERT_TRUE(server_side);

    constexpr int kThreads = 4;
    constexpr int kFramesPerThread = 2'500;
    std::atomic<int> refused{0};
    std::vector<std::thread> senders;
    for (int t = 0; t < kThreads; ++t) {
        senders.emplace_back([&, t] {
            for (int i = 0; i < kFramesPerThread; ++i) {
                if (!server_side->send(frame_of(std::to_string(t) + ":" + std::to_string(i)))) {
                    ++refused;
                }
            }
        });
    }

    // Each thread's frames arrive in that thread's order.
    std::vector<int> next(kThreads, 0);
    for (int received = 0; received < kThreads * kFramesPerThread; ++received) {
        const auto frame = client.read();
        ASSERT_TRUE(frame.has_value()) << "after " << received << " frames";
        const size_t colon = frame->find(':');
        const int thread = std::stoi(frame->substr(0, colon));
        const int sequence = std::stoi(frame->substr(colon + 1));
        ASSERT_EQ(sequence, next[thread]) << "thread " << thread;
        ++next[thread];
    }
    for (auto& sender : senders) {
        sender.join();
    }
    EXPECT_EQ(refused.load(), 0);
}

// Opens a WebSocket over a plain socket and leaves it idle; returns the descriptor, or -1.
// Uses no heap, so that the test below measures only the server.
int open_idle_websocket(uint16_t port, const std::string& target) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{static_cast<time_t>(kClientTimeout.count()), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char request[512];
    const int request_bytes = std::snprintf(
        request, sizeof request,
        "GET %s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        target.c_str());
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        ::send(fd, request, static_cast<size_t>(request_bytes), MSG_NOSIGNAL) != request_bytes) {
        ::close(fd);
        return -1;
    }

    // The 101 response is all the server sends until the idle timeout.
    char response[1024];
    size_t received = 0;
    while (received < sizeof response - 1) {
        const ssize_t chunk = ::recv(fd, response + received, sizeof response - 1 - received, 0);
        if (chunk <= 0) {
            break;
        }
        received += static_cast<size_t>(chunk);
        response[received] = '\0';
        if (std::strstr(response, "\r\n\r\n") != nullptr) {
            return std::strncmp(response, "HTTP/1.1 101", 12) == 0 ? fd : (::close(fd), -1);
        }
    }
    ::close(fd);
    return -1;
}

// One session object shared by every connection, so that the test below counts only what
// the network layer holds per connection. Counts opens and closes.
class CountingSession : public WebSocketSession {
  public:
    void on_open(std::shared_ptr<WebSocketConnection>) override {
        std::lock_guard lock(mutex_);
        ++opened_;
        changed_.notify_all();
    }
    void on_text(std::string_view) override {}
    void on_close() override {
        std::lock_guard lock(mutex_);
        ++closed_;
        changed_.notify_all();
    }

    bool wait_opened(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kClientTimeout, [&] { return opened_ >= count; });
    }
    bool wait_closed(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kClientTimeout, [&] { return closed_ >= count; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int opened_ = 0;  // Guarded by mutex_.
    int closed_ = 0;  // Guarded by mutex_.
};

// Not a limit check: prints what an idle connection costs the network layer in heap (the
// session above it is extra), for the record, and fails only on a gross regression (such as
// a large buffer kept per idle socket).
TEST(WebSocket, IdleConnectionHeapCost) {
    constexpr int kConnections = 1000;
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < 2 * kConnections + 64) {
        GTEST_SKIP() << "needs " << 2 * kConnections + 64 << " file descriptors";
    }
    auto session = std::make_shared<CountingSession>();
    HttpServer server(test_options(), [](const HttpRequest&) { return HttpResponse{}; });
    server.set_websocket_route(
        "/idle", [session](const HttpRequest&, HttpResponse&) { return session; }, {});
    server.start();
    std::vector<int> clients;
    clients.reserve(kConnections + 1);

    // One connection first, so that one-time allocations (thread caches, services) are not
    // counted.
    clients.push_back(open_idle_websocket(server.port(), "/idle"));
    ASSERT_GE(clients.back(), 0);
    ASSERT_TRUE(session->wait_opened(1));
    const size_t heap_before = mallinfo2().uordblks;

    for (int i = 0; i < kConnections; ++i) {
        clients.push_back(open_idle_websocket(server.port(), "/idle"));
        ASSERT_GE(clients.back(), 0);
    }
    ASSERT_TRUE(session->wait_opened(kConnections + 1));
    const size_t heap_after = mallinfo2().uordblks;

    const double bytes_per_connection =
        static_cast<double>(heap_after - heap_before) / kConnections;
    std::cout << "[ heap     ] " << bytes_per_connection << " bytes per idle WebSocket ("
              << kConnections << " connections)\n";
    RecordProperty("heap_bytes_per_idle_websocket", static_cast<int>(bytes_per_connection));
    EXPECT_LT(bytes_per_connection, 16 * 1024);

    // Closed before stop(), which would otherwise wait for their close handshakes.
    for (const int fd : clients) {
        ::close(fd);
    }
    EXPECT_TRUE(session->wait_closed(kConnections + 1));
}

}  // namespace
