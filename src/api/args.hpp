// A Web API call's arguments, gathered from the query string and the body (form-urlencoded
// or JSON), with the limits every argument must respect. Values are kept as text: a JSON
// body's non-string values (blocks, numbers, booleans) are kept as their JSON text, which is
// how Slack's form-encoded clients send them too, so methods read both the same way.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace parley::api {

struct ArgLimits {
    size_t max_args = 64;
    size_t max_name_bytes = 64;
    size_t max_value_bytes = 256 * 1024;  // A 40,000 character message in 4-byte UTF-8 fits.
    size_t max_json_depth = 32;
};

class Args {
  public:
    // Errors: "invalid_form_data" (bad encoding, too many or too large arguments),
    // "invalid_json", "json_not_object", "invalid_charset" (text that is not UTF-8).
    static Result<Args> parse(std::string_view query, std::string_view content_type,
                              std::string_view body, const ArgLimits& limits = {});

    // Present and non-empty.
    bool has(std::string_view name) const;
    // The value, or nothing if absent. An empty value counts as present here.
    std::optional<std::string_view> get(std::string_view name) const;
    // The value, or "" if absent.
    std::string text(std::string_view name) const;
    // "true"/"1" are true, "false"/"0"/"" false; anything else gives `fallback`.
    bool flag(std::string_view name, bool fallback = false) const;
    // An integer in [min, max]; absent or empty gives `fallback`; anything else is
    // Error{"invalid_arguments"}.
    Result<int64_t> integer(std::string_view name, int64_t fallback, int64_t min,
                            int64_t max) const;

    void set(std::string name, std::string value);

    template <class Visit>
    void for_each(Visit visit) const {
        for (const auto& [name, value] : values_) {
            visit(name, value);
        }
    }
    size_t size() const { return values_.size(); }

  private:
    std::map<std::string, std::string, std::less<>> values_;
};

// Percent-decoding for application/x-www-form-urlencoded ('+' is a space). Nothing on a
// malformed escape.
std::optional<std::string> form_decode(std::string_view text);

}  // namespace parley::api
