// The HTTP edge of the Web API: turns an HttpRequest into a method call and the method's
// Result into Slack's JSON envelope. Every error becomes {"ok":false,"error":"..."} with
// HTTP 200, as Slack's SDKs expect. Also serves /healthz, /metrics and, for every other
// GET, the web client's files.
#pragma once

#include "api/call.hpp"
#include "net/http_types.hpp"

namespace parley::web {
class StaticSite;
}

namespace parley::api {

class Router {
  public:
    // `site` may be null: then only the API, /healthz and /metrics are served.
    Router(Services& services, MethodTable methods, const web::StaticSite* site = nullptr);

    // Called on a worker thread; may block on the store. Never throws for client input.
    net::HttpResponse handle(const net::HttpRequest& request);

  private:
    net::HttpResponse handle_api(const net::HttpRequest& request, std::string_view method,
                                 std::string_view query);
    Result<Json> dispatch(const net::HttpRequest& request, std::string_view method,
                          std::string_view query);

    Services& services_;
    const MethodTable methods_;
    const web::StaticSite* site_;
};

}  // namespace parley::api
