#include "net/http_wire.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <boost/beast/core/string.hpp>

namespace parley::net {
namespace {

// Header names the server sets itself; a handler's copy would contradict them.
constexpr std::array<std::string_view, 4> kServerOwnedHeaders = {
    "Content-Length", "Transfer-Encoding", "Connection", "Server"};

bool is_token_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_valid_header_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), is_token_char);
}

// Rejects CR and LF above all: they would let a value inject headers or split the response.
bool is_valid_header_value(std::string_view value) {
    return std::none_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && u != '\t') || u == 0x7f;
    });
}

bool is_server_owned(std::string_view name) {
    return std::any_of(kServerOwnedHeaders.begin(), kServerOwnedHeaders.end(),
                       [name](std::string_view owned) {
                           return beast::iequals(beast::string_view(name.data(), name.size()),
                                                 beast::string_view(owned.data(), owned.size()));
                       });
}

}  // namespace

HttpRequest to_http_request(WireRequest& wire, std::string remote_address, std::string request_id) {
    HttpRequest request;
    request.method = std::string(wire.method_string());
    request.target = std::string(wire.target());
    request.content_type = std::string(wire[http::field::content_type]);
    request.authorization = std::string(wire[http::field::authorization]);
    request.accept_encoding = std::string(wire[http::field::accept_encoding]);
    request.body = std::move(wire.body());
    request.remote_address = std::move(remote_address);
    request.request_id = std::move(request_id);
    return request;
}

std::string response_problem(const HttpResponse& response) {
    // 1xx are the server's business (100 Continue), and Beast cannot encode codes above 999.
    if (response.status < 200 || response.status > 599) {
        return "status_out_of_range";
    }

    // HTTP forbids a body on these; Beast would throw while framing it.
    const bool bodiless = response.status == 204 || response.status == 304;
    if (bodiless && !response.body.empty()) {
        return "body_on_bodiless_status";
    }

    if (!is_valid_header_value(response.content_type)) {
        return "invalid_content_type";
    }
    for (const auto& [name, value] : response.headers) {
        if (!is_valid_header_name(name) || !is_valid_header_value(value)) {
            return "invalid_header";
        }
    }
    return {};
}

HttpResponse error_response(unsigned status, std::string_view error_name) {
    HttpResponse response;
    response.status = status;
    // Error names are fixed snake_case words chosen by the server, so no JSON escaping.
    response.body = R"({"ok":false,"error":")" + std::string(error_name) + R"("})";
    return response;
}

WireResponse to_wire_response(HttpResponse response, unsigned http_version, bool keep_alive,
                              bool head_request) {
    WireResponse wire;
    wire.version(http_version);
    wire.result(response.status);
    wire.set(http::field::server, "parley");
    if (!response.content_type.empty()) {
        wire.set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) {
        if (!is_server_owned(name)) {
            wire.insert(name, value);
        }
    }
    wire.keep_alive(keep_alive);

    wire.body() = std::move(response.body);
    wire.prepare_payload();

    // A HEAD response announces the GET body's length but carries no body.
    if (head_request) {
        wire.body().clear();
    }
    return wire;
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

}  // namespace parley::net
