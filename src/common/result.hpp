// Errors as values. Every layer below the HTTP edge returns Result<T>: either a value or an
// Error carrying a Slack error name ("channel_not_found"), which the API layer turns into
// {"ok":false,"error":...}. Exceptions are kept for start-up and configuration.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace parley {

struct Error {
    std::string name;    // Slack's error name, sent to the client as "error".
    std::string detail;  // For logs only; never sent, never holds secrets or message text.
};

inline Error make_error(std::string name, std::string detail = {}) {
    return Error{std::move(name), std::move(detail)};
}

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::move(value)) {}
    Result(Error error) : state_(std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<1>(state_); }

  private:
    std::variant<T, Error> state_;
};

// For operations that return nothing but may fail.
struct Done {};
using Status = Result<Done>;
inline Status ok_status() {
    return Done{};
}

}  // namespace parley
