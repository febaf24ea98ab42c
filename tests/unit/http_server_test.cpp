// HttpServer over real loopback sockets. The client side is plain POSIX sockets rather than
// Beast, so that tests can send bytes no HTTP library would produce, and so that this file
// stays out of Beast's compile time.
#include "net/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "loopback_client.hpp"

namespace {

using parley::net::HttpHandler;
using parley::net::HttpRequest;
using parley::net::HttpResponse;
using parley::net::HttpServer;
using parley::net::HttpServerOptions;

// Long enough for a loaded two-core machine; only reached when the server misbehaves.

struct RawResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // Names in lower case.
    std::string body;

    std::string header(const std::string& lower_name) const {
        auto found = headers.find(lower_name);
        return found == headers.end() ? std::string() : found->second;
    }
};

std::string lower(std::string text) {
    for (char& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

// A raw loopback connection that reads HTTP responses.
class TestClient : public parley::test_support::LoopbackClient {
  public:
    using LoopbackClient::LoopbackClient;

    // The next response, or nothing if the connection closed or timed out first. A response
    // to HEAD has a Content-Length but no body: pass `has_body` false for it.
    std::optional<RawResponse> read_response(bool has_body = true) {
        size_t header_end;
        while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
            if (!receive_more()) {
                return std::nullopt;
            }
        }

        RawResponse response;
        const std::string head = pending_.substr(0, header_end);
        pending_.erase(0, header_end + 4);
        size_t line_end = head.find("\r\n");
        const std::string status_line = head.substr(0, line_end);
        if (status_line.size() < 12 || status_line.rfind("HTTP/1.", 0) != 0) {
            return std::nullopt;
        }
        response.status = std::stoi(status_line.substr(9, 3));
        while (line_end != std::string::npos) {
            const size_t next = head.find("\r\n", line_end + 2);
            const std::string line = head.substr(line_end + 2, next - line_end - 2);
            const size_t colon = line.find(':');
            if (colon != std::string::npos) {
                const size_t value_start = line.find_first_not_of(' ', colon + 1);
                response.headers[lower(line.substr(0, colon))] =
                    value_start == std::string::npos ? "" : line.substr(value_start);
            }
            line_end = next;
        }

        const std::string length = response.header("content-length");
        const size_t body_bytes = (length.empty() || !has_body) ? 0 : std::stoul(length);
        while (pending_.size() < body_bytes) {
            if (!receive_more()) {
                return std::nullopt;
            }
        }
        response.body = pending_.substr(0, body_bytes);
        pending_.erase(0, body_bytes);
        return response;
    }
};

std::optional<RawResponse> round_trip(uint16_t port, std::string_view request) {
    TestClient client(port);
    if (!client.connected() || !client.send(request)) {
        return std::nullopt;
    }
    return client.read_response();
}

HttpResponse echo(const HttpRequest& request) {
    if (request.target == "/throw") {
        throw std::runtime_error("handler failed on purpose");
    }
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = request.method + " " + request.target + "\n" + request.body;
    response.headers = {{"X-Echo-Content-Type", request.content_type},
                        {"X-Echo-Authorization", request.authorization},
                        {"X-Remote-Address", request.remote_address},
                        {"X-Request-Id", request.request_id}};
    return response;
}

HttpServerOptions test_options() {
    HttpServerOptions options;
    options.listen_host = "127.0.0.1";
    options.listen_port = 0;
    options.io_threads = 2;
    options.worker_threads = 4;
    return options;
}

std::unique_ptr<HttpServer> start_server(HttpServerOptions options, HttpHandler handler) {
    auto server = std::make_unique<HttpServer>(std::move(options), std::move(handler));
    server->start();
    return server;
}

const std::string kGet = "GET /api/api.test?token=secret HTTP/1.1\r\nHost: localhost\r\n\r\n";

void expect_serves(uint16_t port) {
    const auto response = round_trip(port, kGet);
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
}

TEST(HttpServer, GetRoundTrip) {
    auto server = start_server(test_options(), echo);
    ASSERT_NE(server->port(), 0);

    const auto response = round_trip(server->port(), kGet);

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "GET /api/api.test?token=secret\n");
    EXPECT_EQ(response->header("server"), "parley");
    EXPECT_EQ(response->header("content-type"), "text/plain");
    EXPECT_EQ(response->header("content-length"), std::to_string(response->body.size()));
    EXPECT_EQ(response->header("x-remote-address"), "127.0.0.1");
    EXPECT_FALSE(response->header("x-request-id").empty());
}

TEST(HttpServer, PostRoundTripPassesHeadersAndBody) {
    auto server = start_server(test_options(), echo);
    const std::string body = R"({"channel":"C0123456789","text":"hello"})";

    const auto response = round_trip(server->port(),
                                     "POST /api/chat.postMessage HTTP/1.1\r\nHost: localhost\r\n"
                                     "Content-Type: application/json\r\n"
                                     "Authorization: Bearer xoxp-abc\r\n"
                                     "Content-Length: " +
                                         std::to_string(body.size()) + "\r\n\r\n" + body);

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "POST /api/chat.postMessage\n" + body);
    EXPECT_EQ(response->header("x-echo-content-type"), "application/json");
    EXPECT_EQ(response->header("x-echo-authorization"), "Bearer xoxp-abc");
}

TEST(HttpServer, ChunkedBodyIsReassembled) {
    auto server = start_server(test_options(), echo);

    const auto response = round_trip(server->port(),
                                     "POST /chunks HTTP/1.1\r\nHost: localhost\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n"
                                     "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->body, "POST /chunks\nhello world");
}

TEST(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
    auto server = start_server(test_options(), echo);
    TestClient client(server->port());
    ASSERT_TRUE(client.connected());

    ASSERT_TRUE(client.send("GET /first HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const auto first = client.read_response();
    ASSERT_TRUE(client.send("GET /second HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const auto second = client.read_response();

    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(first->body, "GET /first\n");
    EXPECT_EQ(second->body, "GET /second\n");
    EXPECT_NE(first->header("connection"), "close");
    EXPECT_NE(first->header("x-request-id"), second->header("x-request-id"));
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
    auto server = start_server(test_options(), echo);
    TestClient client(server->port());

    ASSERT_TRUE(
        client.send("GET /one HTTP/1.1\r\nHost: localhost\r\n\r\nGET /two HTTP/1.1\r\nHost: "
                    "localhost\r\n\r\n"));
    const auto first = client.read_response();
    const auto second = client.read_response();

    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(first->body, "GET /one\n");
    EXPECT_EQ(second->body, "GET /two\n");
}

TEST(HttpServer, ConnectionCloseIsHonoured) {
    auto server = start_server(test_options(), echo);
    TestClient client(server->port());

    ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    const auto response = client.read_response();

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(lower(response->header("connection")), "close");
    EXPECT_TRUE(client.closed_by_peer());
}

TEST(HttpServer, HeadResponseHasLengthButNoBody) {
    auto server = start_server(test_options(), echo);
    TestClient client(server->port());

    ASSERT_TRUE(client.send("HEAD /x HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const auto head = client.read_response(/*has_body=*/false);
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(head->header("content-length"), "8");  // "HEAD /x\n"

    // Had the server sent the body, it would be read here as the next response's start.
    ASSERT_TRUE(client.send("GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const auto after = client.read_response();
    ASSERT_TRUE(after.has_value());
    EXPECT_EQ(after->body, "GET /after\n");
}

TEST(HttpServer, ExpectContinueGetsInterimResponse) {
    auto server = start_server(test_options(), echo);
    TestClient client(server->port());

    ASSERT_TRUE(
        client.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
                    "Content-Length: 4\r\n\r\n"));
    const auto interim = client.read_response();
    ASSERT_TRUE(client.send("data"));
    const auto final_response = client.read_response();

    ASSERT_TRUE(interim.has_value());
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(final_response.has_value());
    EXPECT_EQ(final_response->body, "POST /upload\ndata");
}

TEST(HttpServer, BodyOverLimitGets413AndClose) {
    auto options = test_options();
    options.max_body_bytes = 1024;
    auto server = start_server(options, echo);
    TestClient client(server->port());

    ASSERT_TRUE(
        client.send("POST /big HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2048\r\n\r\n" +
                    std::string(2048, 'x')));
    const auto response = client.read_response();

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 413);
    EXPECT_EQ(response->body, R"({"ok":false,"error":"request_too_large"})");
    EXPECT_EQ(lower(response->header("connection")), "close");
    EXPECT_TRUE(client.closed_by_peer());
    expect_serves(server->port());
}

TEST(HttpServer, ChunkedBodyOverLimitGets413) {
    auto options = test_options();
    options.max_body_bytes = 1024;
    auto server = start_server(options, echo);
    const std::string chunk = std::string(600, 'y');

    const auto response = round_trip(server->port(),
                                     "POST /big HTTP/1.1\r\nHost: localhost\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n258\r\n" +
                                         chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 413);
}

TEST(HttpServer, BodyAtLimitIsAccepted) {
    auto options = test_options();
    options.max_body_bytes = 1024;
    auto server = start_server(options, echo);

    const auto response = round_trip(server->port(),
                                     "POST /edge HTTP/1.1\r\nHost: localhost\r\n"
                                     "Content-Length: 1024\r\n\r\n" +
                                         std::string(1024, 'z'));

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
}

TEST(HttpServer, OversizeHeaderGets431) {
    auto options = test_options();
    options.max_header_bytes = 1024;
    auto server = start_server(options, echo);
    TestClient client(server->port());

    ASSERT_TRUE(client.send(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n"));
    const auto response = client.read_response();

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 431);
    EXPECT_TRUE(client.closed_by_peer());
    expect_serves(server->port());
}

TEST(HttpServer, GarbageGets400AndServerKeepsServing) {
    auto server = start_server(test_options(), echo);
    TestClient client(server->port());

    ASSERT_TRUE(client.send(std::string("\x00\x01\x02 garbage \xff\xfe\r\n\r\n", 19)));
    const auto response = client.read_response();

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 400);
    EXPECT_TRUE(client.closed_by_peer());
    expect_serves(server->port());
}

TEST(HttpServer, MalformedRequestsNeverBreakTheServer) {
    auto options = test_options();
    options.request_timeout_ms = 500;  // Inputs that look like the start of a request wait this.
    auto server = start_server(options, echo);
    std::vector<std::string> inputs = {
        "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET /\x01 HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked, identity\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "\r\n\r\n\r\n\r\n",
        " / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\n: empty name\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n",  // Never finished: closed at request_timeout_ms.
        std::string("GET / HTTP/1.1\r\nHost: \0\r\n\r\n", 26),
    };
    std::mt19937 random(20240501);
    for (int i = 0; i < 20; ++i) {
        std::string noise(64 + i * 16, '\0');
        for (char& c : noise) {
            c = static_cast<char>(random() & 0xff);
        }
        inputs.push_back(noise);
    }

    for (const auto& input : inputs) {
        TestClient client(server->port());
        ASSERT_TRUE(client.connected());
        client.send(input);

        // Either an error status or a plain close; never a success, a hang or a crash.
        const auto response = client.read_response();
        if (response) {
            EXPECT_GE(response->status, 400) << "input: " << input;
            EXPECT_LT(response->status, 500) << "input: " << input;
        }
        EXPECT_TRUE(client.closed_by_peer()) << "input: " << input;
    }
    expect_serves(server->port());
}

TEST(HttpServer, ThrowingHandlerGives500) {
    auto server = start_server(test_options(), echo);
    TestClient client(server->port());

    ASSERT_TRUE(client.send("GET /throw HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const auto response = client.read_response();
    ASSERT_TRUE(client.send(kGet));
    const auto next = client.read_response();

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 500);
    EXPECT_EQ(response->body, R"({"ok":false,"error":"internal_error"})");
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->status, 200);
}

TEST(HttpServer, HeaderInjectionByHandlerGives500) {
    auto server = start_server(test_options(), [](const HttpRequest&) {
        HttpResponse response;
        response.headers = {{"X-Bad", "a\r\nSet-Cookie: stolen=1"}};
        return response;
    });

    const auto response = round_trip(server->port(), kGet);

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 500);
    EXPECT_TRUE(response->header("set-cookie").empty());
}

TEST(HttpServer, IdleConnectionIsClosedAfterIdleTimeout) {
    auto options = test_options();
    options.idle_timeout_ms = 100;
    auto server = start_server(options, echo);
    TestClient client(server->port());
    ASSERT_TRUE(client.send(kGet));
    ASSERT_TRUE(client.read_response().has_value());

    EXPECT_TRUE(client.closed_by_peer());
}

TEST(HttpServer, UnfinishedRequestIsClosedAtRequestTimeout) {
    auto options = test_options();
    options.request_timeout_ms = 100;
    auto server = start_server(options, echo);
    TestClient client(server->port());

    ASSERT_TRUE(client.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc"));

    EXPECT_FALSE(client.read_response().has_value());
    EXPECT_TRUE(client.closed_by_peer());
}

TEST(HttpServer, StartFailsWhenThePortIsTaken) {
    auto first = start_server(test_options(), echo);
    auto options = test_options();
    options.listen_port = first->port();
    HttpServer second(options, echo);

    EXPECT_THROW(second.start(), std::runtime_error);
}

TEST(HttpServer, StopLetsASlowRequestFinish) {
    std::promise<void> handler_entered;
    std::promise<void> release_handler;
    std::shared_future<void> released = release_handler.get_future().share();
    auto server = start_server(test_options(), [&](const HttpRequest& request) {
        if (request.target == "/slow") {
            handler_entered.set_value();
            released.wait();
        }
        return echo(request);
    });
    TestClient idle(server->port());
    ASSERT_TRUE(idle.send(kGet));
    ASSERT_TRUE(idle.read_response().has_value());
    TestClient slow(server->port());
    ASSERT_TRUE(slow.send("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    handler_entered.get_future().wait();

    std::thread stopper([&] { server->stop(); });

    // The idle keep-alive connection is closed by stop(), so stop() is under way when the
    // slow handler is released.
    EXPECT_TRUE(idle.closed_by_peer());
    release_handler.set_value();
    const auto response = slow.read_response();
    stopper.join();
    server->wait();

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "GET /slow\n");
    EXPECT_EQ(lower(response->header("connection")), "close");
    EXPECT_TRUE(slow.closed_by_peer());
    EXPECT_FALSE(TestClient(server->port()).connected());
}

TEST(HttpServer, StopClosesRequestsStillRunningAfterTheGracePeriod) {
    std::promise<void> handler_entered;
    std::promise<void> release_handler;
    std::shared_future<void> released = release_handler.get_future().share();
    auto options = test_options();
    options.shutdown_grace_ms = 50;
    auto server = start_server(options, [&](const HttpRequest& request) {
        handler_entered.set_value();
        released.wait();
        return echo(request);
    });
    TestClient stuck(server->port());
    ASSERT_TRUE(stuck.send("GET /stuck HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    handler_entered.get_future().wait();

    std::thread stopper([&] { server->stop(); });

    // After the grace period the connection is closed without an answer, while the handler
    // is still blocked; stop() then waits for the handler before it returns.
    EXPECT_FALSE(stuck.read_response().has_value());
    release_handler.set_value();
    stopper.join();
    server->wait();
}

TEST(HttpServer, StopIsIdempotentAndWaitReturns) {
    auto server = start_server(test_options(), echo);
    expect_serves(server->port());

    std::thread other([&] { server->stop(); });
    server->stop();
    other.join();
    server->stop();
    server->wait();

    EXPECT_FALSE(TestClient(server->port()).connected());
}

TEST(HttpServer, StopFromAHandlerDoesNotDeadlock) {
    std::atomic<HttpServer*> self{nullptr};
    auto server = start_server(test_options(), [&](const HttpRequest& request) {
        if (request.target == "/stop") {
            self.load()->stop();
        }
        return echo(request);
    });
    self = server.get();

    const auto response = round_trip(server->port(), "GET /stop HTTP/1.1\r\nHost: x\r\n\r\n");
    server->wait();

    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
}

TEST(HttpServer, StopBeforeStartIsHarmless) {
    HttpServer server(test_options(), echo);
    server.stop();
    server.wait();
}

}  // namespace
