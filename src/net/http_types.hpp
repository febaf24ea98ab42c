// Plain HTTP request and response values passed between the network layer and the API
// layer. Nothing here depends on Beast, so code above src/net/ never includes it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parley::net {

struct HttpRequest {
    std::string method;           // "GET", "POST", ...
    std::string target;           // Path and query as sent: "/api/chat.postMessage?x=1".
    std::string content_type;     // Value of Content-Type, may be empty.
    std::string authorization;    // Value of Authorization, may be empty. Never log it.
    std::string accept_encoding;  // Value of Accept-Encoding, may be empty.
    std::string body;
    std::string remote_address;  // Peer IP address, for throttling and logs.
    std::string request_id;      // Assigned by the server, for log lines.
};

struct HttpResponse {
    unsigned status = 200;
    std::string content_type = "application/json; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // Extra headers.
};

}  // namespace parley::net
