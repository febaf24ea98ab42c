// One HTTP/1.1 connection: a coroutine on the connection's strand that reads requests with
// bounded sizes and timeouts, runs the handler on the worker pool, and writes the responses,
// keeping the connection alive between requests. A WebSocket upgrade ends the session: the
// socket moves to a WebSocketConnectionImpl. Only http_server.cpp creates sessions.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "net/beast.hpp"
#include "net/server_context.hpp"
#include "net/websocket_upgrade.hpp"

namespace parley::net {

class HttpSession {
  public:
    // `socket` must be bound to a strand: every operation of this session runs there.
    // `context` and the pool behind `workers` must outlive the session.
    HttpSession(asio::ip::tcp::socket socket, ServerContext& context,
                asio::thread_pool::executor_type workers, uint64_t connection_id);
    ~HttpSession();
    HttpSession(const HttpSession&) = delete;
    HttpSession& operator=(const HttpSession&) = delete;

    // Serves requests until the connection closes. Spawn it on executor(); the coroutine
    // keeps `self` alive. Never throws: failures close the connection.
    static asio::awaitable<void> run(std::shared_ptr<HttpSession> self);

    // The connection's strand. close_if_idle() and close() must run there (post them).
    asio::any_io_executor executor() { return stream_.get_executor(); }

    // Closes the connection if it is waiting for its next request; a connection busy with a
    // request finishes it first (and then closes, because the server is stopping).
    void close_if_idle();

    // Closes the connection whatever it is doing; pending operations end with an error.
    void close();

  private:
    enum class Phase { kIdle, kReading, kHandling, kWriting, kClosing, kClosed };
    enum class ReadOutcome {
        kComplete,
        kClosed,
        kTimedOut,
        kMalformed,
        kHeaderTooLarge,
        kBodyTooLarge
    };

    asio::awaitable<void> serve();
    asio::awaitable<bool> wait_for_request();
    asio::awaitable<ReadOutcome> read_request(RequestParser& parser);
    asio::awaitable<void> answer_read_failure(ReadOutcome outcome);
    // Runs the handler and writes its response; true when the connection stays open for
    // another request (otherwise it has been closed).
    asio::awaitable<bool> respond(WireRequest& wire_request,
                                  std::chrono::steady_clock::time_point started);
    asio::awaitable<HttpResponse> handle_on_worker(const HttpRequest& request);
    // A WebSocket upgrade request: refused (404, or the acceptor's refusal) and closed, or
    // handed to a WebSocketConnectionImpl with the socket. Either way this session ends.
    asio::awaitable<void> upgrade(WireRequest& wire_request,
                                  std::chrono::steady_clock::time_point started);
    asio::awaitable<void> refuse_upgrade(const HttpRequest& request, HttpResponse refusal,
                                         unsigned http_version,
                                         std::chrono::steady_clock::time_point started);
    void hand_over(const WireRequest& wire_request, const WebSocketRoute& route,
                   AcceptedSession& session);
    asio::awaitable<bool> write(WireResponse& response);
    asio::awaitable<void> linger_and_close();
    void close_after_response();
    static ReadOutcome classify_read_error(const ErrorCode& ec);

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;  // Bytes read but not yet parsed (pipelined requests).
    ServerContext& context_;
    asio::thread_pool::executor_type workers_;
    const uint64_t connection_id_;
    const std::string remote_address_;
    Phase phase_ = Phase::kIdle;  // Only touched on the strand.
};

}  // namespace parley::net
