#include "load/latency_recorder.hpp"

#include <algorithm>
#include <cmath>

namespace parley::bench {

namespace {

double to_ms(int64_t nanoseconds) {
    return static_cast<double>(nanoseconds) / 1e6;
}

// Nearest rank: the smallest sample with at least `fraction` of all samples at or below it.
int64_t percentile(const std::vector<int64_t>& sorted, double fraction) {
    const auto rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

void LatencyRecorder::merge(const LatencyRecorder& other) {
    samples_ns_.insert(samples_ns_.end(), other.samples_ns_.begin(), other.samples_ns_.end());
}

LatencySummary LatencyRecorder::summarize() {
    LatencySummary summary;
    summary.samples = samples_ns_.size();
    if (samples_ns_.empty()) {
        return summary;
    }

    std::sort(samples_ns_.begin(), samples_ns_.end());
    summary.p50_ms = to_ms(percentile(samples_ns_, 0.50));
    summary.p90_ms = to_ms(percentile(samples_ns_, 0.90));
    summary.p99_ms = to_ms(percentile(samples_ns_, 0.99));
    summary.p999_ms = to_ms(percentile(samples_ns_, 0.999));
    summary.max_ms = to_ms(samples_ns_.back());
    return summary;
}

}  // namespace parley::bench
