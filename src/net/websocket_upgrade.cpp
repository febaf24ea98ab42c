#include "net/websocket_upgrade.hpp"

#include <exception>
#include <string>

#include <spdlog/spdlog.h>

#include "common/metrics.hpp"
#include "net/http_wire.hpp"

namespace parley::net {

AcceptedSession::~AcceptedSession() {
    close_unclaimed();
}

AcceptedSession& AcceptedSession::operator=(AcceptedSession&& other) noexcept {
    if (this != &other) {
        close_unclaimed();
        session_ = std::exchange(other.session_, nullptr);
    }
    return *this;
}

void AcceptedSession::close_unclaimed() noexcept {
    if (!session_) {
        return;
    }
    try {
        session_->on_close();
    } catch (...) {
        spdlog::error("ws_session_failed callback=on_close error=unclaimed");
    }
    session_.reset();
}

AcceptorOutcome invoke_acceptor(const WebSocketRoute& route, const HttpRequest& request) {
    AcceptorOutcome outcome;
    outcome.refusal = error_response(403, "forbidden");
    try {
        outcome.session = AcceptedSession(route.acceptor(request, outcome.refusal));
    } catch (const std::exception& error) {
        spdlog::error("ws_acceptor_failed request_id={} path={} error=\"{}\"", request.request_id,
                      route.path, error.what());
        outcome.refusal = error_response(500, "internal_error");
        return outcome;
    } catch (...) {
        spdlog::error("ws_acceptor_failed request_id={} path={} error=unknown", request.request_id,
                      route.path);
        outcome.refusal = error_response(500, "internal_error");
        return outcome;
    }
    if (outcome.session) {
        return outcome;
    }

    std::string problem = response_problem(outcome.refusal);
    if (problem.empty() && outcome.refusal.status < 400) {
        problem = "refusal_status_below_400";
    }
    if (!problem.empty()) {
        spdlog::error("ws_acceptor_bad_refusal request_id={} path={} problem={}",
                      request.request_id, route.path, problem);
        Metrics::global().add("parley_http_handler_failures_total", "");
        outcome.refusal = error_response(500, "internal_error");
    }
    return outcome;
}

}  // namespace parley::net
