#include "common/metrics.hpp"

#include <fmt/format.h>

#include <array>

namespace parley {

namespace {
// Upper bounds in seconds: 100 µs to 10 s, enough to see both cache hits and disk stalls.
constexpr std::array<double, 14> kBucketsSeconds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 10.0};

std::string series(const std::string& name, const std::string& labels) {
    return labels.empty() ? name : name + "{" + labels + "}";
}

std::string with_le(const std::string& labels, const std::string& le) {
    return labels.empty() ? "le=\"" + le + "\"" : labels + ",le=\"" + le + "\"";
}
}  // namespace

Metrics& Metrics::global() {
    static Metrics instance;
    return instance;
}

void Metrics::add(std::string_view name, std::string_view labels, double amount) {
    std::lock_guard lock(mutex_);
    values_[std::string(name)][std::string(labels)] += amount;
}

void Metrics::set(std::string_view name, std::string_view labels, double value) {
    std::lock_guard lock(mutex_);
    values_[std::string(name)][std::string(labels)] = value;
}

void Metrics::observe_seconds(std::string_view name, std::string_view labels, double seconds) {
    std::lock_guard lock(mutex_);
    Histogram& histogram = histograms_[std::string(name)][std::string(labels)];
    if (histogram.bucket_counts.empty()) {
        histogram.bucket_counts.assign(kBucketsSeconds.size(), 0);
    }
    for (size_t i = 0; i < kBucketsSeconds.size(); ++i) {
        if (seconds <= kBucketsSeconds[i]) {
            ++histogram.bucket_counts[i];
        }
    }
    ++histogram.count;
    histogram.sum += seconds;
}

void Metrics::gauge_callback(std::string name, std::function<double()> read) {
    std::lock_guard lock(mutex_);
    callbacks_[std::move(name)] = std::move(read);
}

void Metrics::describe(std::string name, std::string help, std::string type) {
    std::lock_guard lock(mutex_);
    help_[std::move(name)] = {std::move(help), std::move(type)};
}

std::string Metrics::render() {
    std::lock_guard lock(mutex_);
    std::string out;
    auto header = [&](const std::string& name) {
        auto found = help_.find(name);
        if (found != help_.end()) {
            out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, found->second.first, name,
                               found->second.second);
        }
    };
    for (const auto& [name, by_labels] : values_) {
        header(name);
        for (const auto& [labels, value] : by_labels) {
            out += fmt::format("{} {}\n", series(name, labels), value);
        }
    }
    for (const auto& [name, read] : callbacks_) {
        header(name);
        out += fmt::format("{} {}\n", name, read());
    }
    for (const auto& [name, by_labels] : histograms_) {
        header(name);
        for (const auto& [labels, histogram] : by_labels) {
            for (size_t i = 0; i < kBucketsSeconds.size(); ++i) {
                out += fmt::format("{}_bucket{{{}}} {}\n", name,
                                   with_le(labels, fmt::format("{}", kBucketsSeconds[i])),
                                   histogram.bucket_counts[i]);
            }
            out +=
                fmt::format("{}_bucket{{{}}} {}\n", name, with_le(labels, "+Inf"), histogram.count);
            out += fmt::format("{} {}\n", series(name + "_sum", labels), histogram.sum);
            out += fmt::format("{} {}\n", series(name + "_count", labels), histogram.count);
        }
    }
    return out;
}

}  // namespace parley
