// Serves the built web client (web/dist) as a single-page application: files by path, the
// precompressed `.gz` sibling when the browser accepts gzip, and index.html for every
// extensionless path so that routes like /join/<code> load the client. Never lists
// directories and never leaves the web root.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "net/http_types.hpp"

namespace parley::web {

class StaticSite {
  public:
    // `root` need not exist: a server started before the client was built answers every page
    // with a short note saying so, rather than failing to start.
    explicit StaticSite(std::filesystem::path root);

    // For GET and HEAD of a non-API path. Returns 404 (Slack-style JSON) for missing files.
    net::HttpResponse serve(std::string_view path, std::string_view accept_encoding) const;

  private:
    std::optional<std::filesystem::path> resolve(std::string_view path) const;

    std::filesystem::path root_;
};

// The content type for a file name, by extension; application/octet-stream when unknown.
std::string content_type_for(const std::filesystem::path& file);

// True when an Accept-Encoding value allows gzip (a "gzip;q=0" refusal counts as no).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace parley::web
