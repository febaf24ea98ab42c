#include "api/router.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "chat/accounts.hpp"
#include "common/json_value.hpp"
#include "common/metrics.hpp"
#include "web/static_site.hpp"

namespace parley::api {

namespace {

constexpr std::string_view kApiPrefix = "/api/";
constexpr size_t kMaxMethodNameBytes = 64;

net::HttpResponse json_response(unsigned status, const Json& body) {
    net::HttpResponse response;
    response.status = status;
    response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    return response;
}

Json error_body(const Error& error) {
    return Json{{"ok", false}, {"error", error.name}};
}

// The token from "Authorization: Bearer <token>", or else the `token` argument.
std::string presented_token(const net::HttpRequest& request, const Args& args) {
    constexpr std::string_view kBearer = "Bearer ";
    std::string_view header = request.authorization;
    if (header.size() > kBearer.size() && header.substr(0, kBearer.size()) == kBearer) {
        return std::string(header.substr(kBearer.size()));
    }
    return args.text("token");
}

bool is_method_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxMethodNameBytes) {
        return false;
    }
    for (char c : name) {
        bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_';
        if (!allowed) {
            return false;
        }
    }
    return true;
}

}  // namespace

Router::Router(Services& services, MethodTable methods, const web::StaticSite* site)
    : services_(services), methods_(std::move(methods)), site_(site) {
    auto& metrics = Metrics::global();
    metrics.describe("parley_api_requests_total", "Web API calls by method and outcome", "counter");
    metrics.describe("parley_api_request_seconds",
                     "Web API call latency, arguments parsed to response built", "histogram");
}

net::HttpResponse Router::handle(const net::HttpRequest& request) {
    std::string_view target = request.target;
    size_t question = target.find('?');
    std::string_view path = target.substr(0, question);
    std::string_view query =
        question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

    if (path.substr(0, kApiPrefix.size()) == kApiPrefix) {
        return handle_api(request, path.substr(kApiPrefix.size()), query);
    }
    if (path == "/healthz") {
        return json_response(200, Json{{"ok", true}});
    }
    if (path == "/metrics") {
        net::HttpResponse response;
        response.content_type = "text/plain; version=0.0.4";
        response.body = Metrics::global().render();
        return response;
    }
    if (site_ && (request.method == "GET" || request.method == "HEAD")) {
        return site_->serve(path, request.accept_encoding);
    }
    return json_response(404, Json{{"ok", false}, {"error", "not_found"}});
}

net::HttpResponse Router::handle_api(const net::HttpRequest& request, std::string_view method,
                                     std::string_view query) {
    if (request.method != "GET" && request.method != "POST") {
        return json_response(405, Json{{"ok", false}, {"error", "method_not_allowed"}});
    }
    auto started = std::chrono::steady_clock::now();

    Result<Json> outcome = dispatch(request, method, query);

    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string label_method = methods_.find(method) ? std::string(method) : "unknown";
    // api.test fails with whatever error the caller names; counting those by name would let
    // anyone create series without bound, so they share one label.
    std::string status = outcome.ok()                 ? "ok"
                         : label_method == "api.test" ? "test_error"
                                                      : outcome.error().name;
    auto& metrics = Metrics::global();
    metrics.add("parley_api_requests_total",
                fmt::format("method=\"{}\",status=\"{}\"", label_method, status));
    metrics.observe_seconds("parley_api_request_seconds",
                            fmt::format("method=\"{}\"", label_method), seconds);
    if (!outcome.ok()) {
        spdlog::debug("api: call failed request={} method={} error={} detail=\"{}\"",
                      request.request_id, label_method, status, outcome.error().detail);
        return json_response(200, error_body(outcome.error()));
    }
    Json body = std::move(outcome.value());
    body["ok"] = true;
    return json_response(200, body);
}

Result<Json> Router::dispatch(const net::HttpRequest& request, std::string_view method,
                              std::string_view query) {
    const MethodSpec* spec = is_method_name(method) ? methods_.find(method) : nullptr;
    if (!spec) {
        return make_error("unknown_method");
    }
    auto args = Args::parse(query, request.content_type, request.body);
    if (!args) {
        return args.error();
    }

    std::optional<Caller> caller;
    if (spec->needs_auth) {
        std::string token = presented_token(request, *args);
        if (token.empty()) {
            return make_error("not_authed");
        }
        auto identity = services_.accounts.authenticate(token);
        if (!identity) {
            return identity.error();
        }
        caller = Caller{std::move(identity->user), std::move(identity->team), identity->kind,
                        std::move(identity->token_digest)};
    }

    Call call{*args, caller ? &*caller : nullptr, services_, request.remote_address};
    return spec->fn(call);
}

}  // namespace parley::api
