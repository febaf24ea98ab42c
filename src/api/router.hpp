// The HTTP edge of the Web API: turns an HttpRequest into a method call and the method's
// Result into Slack's JSON envelope. Every error becomes {"ok":false,"error":"..."} with
// HTTP 200, as Slack's SDKs expect. Also serves /healthz and /metrics.
#pragma once

#include "api/call.hpp"
#include "net/http_types.hpp"

namespace parley::api {

class Router {
  public:
    Router(Services& services, MethodTable methods);

    // Called on a worker thread; may block on the store. Never throws for client input.
    net::HttpResponse handle(const net::HttpRequest& request);

  private:
    net::HttpResponse handle_api(const net::HttpRequest& request, std::string_view method,
                                 std::string_view query);
    Result<Json> dispatch(const net::HttpRequest& request, std::string_view method,
                          std::string_view query);

    Services& services_;
    const MethodTable methods_;
};

}  // namespace parley::api
