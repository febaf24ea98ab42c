#include "web/static_site.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace parley::web {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kIndexFile = "index.html";
constexpr std::string_view kHashedAssetsPrefix = "assets/";

// Vite puts a content hash in every file name under assets/, so browsers may keep them for
// good; everything else (index.html above all) must be revalidated to pick up a new build.
constexpr std::string_view kImmutableCache = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

// A second line of defence behind the client's own escaping: no inline or foreign scripts,
// no plugins, no framing. Avatars are links to any http(s) image.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; connect-src 'self' ws: wss:; "
    "img-src 'self' data: http: https:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'";

constexpr std::string_view kNotBuiltPage =
    "<!doctype html><title>Parley</title><p>The Parley web client is not built. Run "
    "<code>make build</code> (or <code>make run</code>) and reload this page. The Web API "
    "under /api/ works without it.</p>\n";

struct TypeByExtension {
    std::string_view extension;
    std::string_view content_type;
};

constexpr std::array<TypeByExtension, 13> kContentTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
}};

std::optional<std::string> read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    return std::move(contents).str();
}

bool is_file(const fs::path& file) {
    std::error_code error;
    return fs::is_regular_file(file, error);
}

// Only the characters Vite and our own public/ folder use in file names. Anything else
// (percent escapes, backslashes, NUL, "..") cannot name one of our files.
bool is_plain_file_path(std::string_view path) {
    if (path.empty() || path.find("..") != std::string_view::npos ||
        path.find("//") != std::string_view::npos) {
        return false;
    }
    for (char c : path) {
        bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_' || c == '/';
        if (!allowed) {
            return false;
        }
    }
    return true;
}

// A path that names a file we would have built (by its extension, or by living under
// assets/) gets a 404 when missing; any other path is a client route and gets index.html.
bool looks_like_a_file(std::string_view relative) {
    if (relative.substr(0, kHashedAssetsPrefix.size()) == kHashedAssetsPrefix) {
        return true;
    }
    std::string_view name = relative.substr(relative.rfind('/') + 1);
    for (const auto& known : kContentTypes) {
        if (name.size() > known.extension.size() &&
            name.substr(name.size() - known.extension.size()) == known.extension) {
            return true;
        }
    }
    return false;
}

net::HttpResponse not_found() {
    net::HttpResponse response;
    response.status = 404;
    response.body = R"({"ok":false,"error":"not_found"})";
    return response;
}

void add_common_headers(net::HttpResponse& response, std::string_view cache_control) {
    response.headers.emplace_back("Cache-Control", std::string(cache_control));
    response.headers.emplace_back("Vary", "Accept-Encoding");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "same-origin");
    if (response.content_type.starts_with("text/html")) {
        response.headers.emplace_back("Content-Security-Policy",
                                      std::string(kContentSecurityPolicy));
        response.headers.emplace_back("X-Frame-Options", "DENY");
    }
}

}  // namespace

std::string content_type_for(const fs::path& file) {
    std::string extension = file.extension().string();
    for (const auto& known : kContentTypes) {
        if (extension == known.extension) {
            return std::string(known.content_type);
        }
    }
    return "application/octet-stream";
}

// Hand-parsed because the grammar needed is tiny (comma-separated codings with an optional
// q-value) and Beast offers no Accept-Encoding parser.
bool accepts_gzip(std::string_view accept_encoding) {
    size_t start = 0;
    while (start <= accept_encoding.size()) {
        size_t comma = accept_encoding.find(',', start);
        std::string_view item = accept_encoding.substr(start, comma - start);
        size_t semicolon = item.find(';');
        std::string_view coding = item.substr(0, semicolon);
        while (!coding.empty() && coding.front() == ' ')
            coding.remove_prefix(1);
        while (!coding.empty() && coding.back() == ' ')
            coding.remove_suffix(1);
        if (coding == "gzip" || coding == "*") {
            std::string_view params =
                semicolon == std::string_view::npos ? "" : item.substr(semicolon + 1);
            bool refused = params.find("q=0") != std::string_view::npos &&
                           params.find("q=0.") == std::string_view::npos;
            return !refused;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return false;
}

StaticSite::StaticSite(fs::path root) : root_(std::move(root)) {}

std::optional<fs::path> StaticSite::resolve(std::string_view path) const {
    std::string_view relative = path;
    while (!relative.empty() && relative.front() == '/') {
        relative.remove_prefix(1);
    }
    if (!relative.empty() && is_plain_file_path(relative)) {
        fs::path candidate = root_ / fs::path(relative);
        if (is_file(candidate)) {
            return candidate;
        }
    }
    if (!relative.empty() && looks_like_a_file(relative)) {
        return std::nullopt;
    }
    fs::path index = root_ / kIndexFile;
    return is_file(index) ? std::optional<fs::path>(index) : std::nullopt;
}

net::HttpResponse StaticSite::serve(std::string_view path, std::string_view accept_encoding) const {
    auto file = resolve(path);
    if (!file) {
        if (!is_file(root_ / kIndexFile)) {
            net::HttpResponse response;
            response.status = 404;
            response.content_type = "text/html; charset=utf-8";
            response.body = kNotBuiltPage;
            return response;
        }
        return not_found();
    }

    net::HttpResponse response;
    response.content_type = content_type_for(*file);
    fs::path compressed = fs::path(file->string() + ".gz");
    std::optional<std::string> body;
    if (accepts_gzip(accept_encoding) && is_file(compressed)) {
        body = read_file(compressed);
        response.headers.emplace_back("Content-Encoding", "gzip");
    }
    if (!body) {
        response.headers.clear();
        body = read_file(*file);
    }
    if (!body) {
        return not_found();
    }
    response.body = std::move(*body);

    std::string relative = file->lexically_relative(root_).generic_string();
    bool immutable = relative.starts_with(kHashedAssetsPrefix);
    add_common_headers(response, immutable ? kImmutableCache : kRevalidate);
    return response;
}

}  // namespace parley::web
