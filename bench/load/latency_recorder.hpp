// Request latencies of one benchmark run, and their percentiles. Keeps every sample (a few
// million at most in a bounded run), so percentiles are exact rather than bucketed.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace parley::bench {

struct LatencySummary {
    size_t samples = 0;
    double p50_ms = 0;
    double p90_ms = 0;
    double p99_ms = 0;
    double p999_ms = 0;
    double max_ms = 0;
};

// Not thread-safe: give each generator thread its own recorder and merge() them.
class LatencyRecorder {
  public:
    void record(std::chrono::nanoseconds latency) { samples_ns_.push_back(latency.count()); }
    void merge(const LatencyRecorder& other);
    size_t size() const { return samples_ns_.size(); }

    // Nearest-rank percentiles; all zero when nothing was recorded. Sorts the samples.
    LatencySummary summarize();

  private:
    std::vector<int64_t> samples_ns_;
};

}  // namespace parley::bench
