// Conversions between Beast's messages (the wire) and Parley's plain HttpRequest and
// HttpResponse, plus the few responses the server writes on its own (400, 413, 431, 500).
// Pure functions: no I/O, no logging, callable from any thread.
#pragma once

#include <string>
#include <string_view>

#include "net/beast.hpp"
#include "net/http_types.hpp"

namespace parley::net {

// Moves the body out of `wire`; the other fields are copied.
HttpRequest to_http_request(WireRequest& wire, std::string remote_address, std::string request_id);

// Why a handler's response cannot be sent as is; empty when it can.
std::string response_problem(const HttpResponse& response);

// A response with {"ok":false,"error":"<error_name>"} as its body.
HttpResponse error_response(unsigned status, std::string_view error_name);

// Builds the wire response: adds Server and Content-Length, sets Connection for
// `keep_alive`, drops extra headers the server owns (Content-Length, Transfer-Encoding,
// Connection, Server) and, for a HEAD request, the body. `response` must have no
// response_problem().
WireResponse to_wire_response(HttpResponse response, unsigned http_version, bool keep_alive,
                              bool head_request);

// The path of a target, without the query (which may carry a token): safe to log.
std::string_view path_of(std::string_view target);

}  // namespace parley::net
