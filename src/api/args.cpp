#include "api/args.hpp"

#include <cctype>
#include <charconv>

#include "common/json_value.hpp"
#include "common/utf8.hpp"

namespace parley::api {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) {
            return false;
        }
    }
    return true;
}

Status add_checked(Args& args, std::string name, std::string value, const ArgLimits& limits) {
    if (args.size() >= limits.max_args || name.size() > limits.max_name_bytes ||
        value.size() > limits.max_value_bytes) {
        return make_error("invalid_form_data", "argument limits exceeded");
    }
    if (!is_valid_utf8(name) || !is_valid_utf8(value)) {
        return make_error("invalid_charset");
    }
    args.set(std::move(name), std::move(value));
    return ok_status();
}

Status parse_form(Args& args, std::string_view text, const ArgLimits& limits) {
    while (!text.empty()) {
        size_t amp = text.find('&');
        std::string_view pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        size_t eq = pair.find('=');
        auto name = form_decode(pair.substr(0, eq));
        auto value = form_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
        if (!name || !value) {
            return make_error("invalid_form_data", "bad percent-encoding");
        }
        if (auto added = add_checked(args, std::move(*name), std::move(*value), limits); !added) {
            return added;
        }
    }
    return ok_status();
}

Status parse_json(Args& args, std::string_view body, const ArgLimits& limits) {
    // The callback sees the nesting depth of every token; refusing a too-deep document stops
    // the parser before it builds anything large.
    bool too_deep = false;
    auto depth_guard = [&](int depth, Json::parse_event_t, Json&) {
        if (static_cast<size_t>(depth) > limits.max_json_depth) {
            too_deep = true;
        }
        return !too_deep;
    };
    Json document = Json::parse(body, depth_guard, /*allow_exceptions=*/false);
    if (too_deep || document.is_discarded()) {
        return make_error("invalid_json");
    }
    if (!document.is_object()) {
        return make_error("json_not_object");
    }
    for (auto& [name, value] : document.items()) {
        if (value.is_null()) {
            continue;  // JSON clients write null for "not given".
        }
        std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        if (auto added = add_checked(args, name, std::move(text), limits); !added) {
            return added;
        }
    }
    return ok_status();
}

}  // namespace

std::optional<std::string> form_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            int high = hex_value(text[i + 1]);
            int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

Result<Args> Args::parse(std::string_view query, std::string_view content_type,
                         std::string_view body, const ArgLimits& limits) {
    Args args;
    if (auto parsed = parse_form(args, query, limits); !parsed) {
        return parsed.error();
    }
    if (body.empty()) {
        return args;
    }
    if (starts_with_ci(content_type, "multipart/")) {
        // TODO(#2): multipart bodies arrive with file uploads, which Parley does not take yet.
        return make_error("invalid_form_data", "multipart bodies are not supported");
    }
    Status parsed = starts_with_ci(content_type, "application/json")
                        ? parse_json(args, body, limits)
                        : parse_form(args, body, limits);
    if (!parsed) {
        return parsed.error();
    }
    return args;
}

bool Args::has(std::string_view name) const {
    auto found = values_.find(name);
    return found != values_.end() && !found->second.empty();
}

std::optional<std::string_view> Args::get(std::string_view name) const {
    auto found = values_.find(name);
    if (found == values_.end()) {
        return std::nullopt;
    }
    return std::string_view(found->second);
}

std::string Args::text(std::string_view name) const {
    auto value = get(name);
    return value ? std::string(*value) : std::string();
}

bool Args::flag(std::string_view name, bool fallback) const {
    auto value = get(name);
    if (!value)
        return fallback;
    if (*value == "true" || *value == "1")
        return true;
    if (*value == "false" || *value == "0" || value->empty())
        return false;
    return fallback;
}

Result<int64_t> Args::integer(std::string_view name, int64_t fallback, int64_t min,
                              int64_t max) const {
    auto value = get(name);
    if (!value || value->empty()) {
        return fallback;
    }
    int64_t number = 0;
    auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
    if (ec != std::errc{} || end != value->data() + value->size() || number < min || number > max) {
        return make_error("invalid_arguments", std::string(name) + " is not a valid number");
    }
    return number;
}

void Args::set(std::string name, std::string value) {
    values_.insert_or_assign(std::move(name), std::move(value));
}

}  // namespace parley::api
