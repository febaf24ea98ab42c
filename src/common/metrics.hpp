// Counters, gauges and latency histograms, rendered in Prometheus' text format at
// GET /metrics. Hand-written because Debian ships no C++ Prometheus client; it is small.
// Series are keyed by name plus a label string such as `method="chat.postMessage"`.
// One mutex guards everything: it is touched once or twice per API request, never per
// delivered event (the real-time hub keeps its own atomic counters and reports them here).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

class Metrics {
  public:
    static Metrics& global();

    void add(std::string_view name, std::string_view labels, double amount = 1);
    void set(std::string_view name, std::string_view labels, double value);
    void observe_seconds(std::string_view name, std::string_view labels, double seconds);
    // Called at render time, for values that live elsewhere (open sockets, queue depth).
    void gauge_callback(std::string name, std::function<double()> read);
    // HELP text, once per metric name.
    void describe(std::string name, std::string help, std::string type);

    std::string render();

  private:
    struct Histogram {
        std::vector<uint64_t> bucket_counts;
        uint64_t count = 0;
        double sum = 0;
    };

    std::mutex mutex_;
    std::map<std::string, std::map<std::string, double>> values_;         // Guarded.
    std::map<std::string, std::map<std::string, Histogram>> histograms_;  // Guarded.
    std::map<std::string, std::function<double()>> callbacks_;            // Guarded.
    std::map<std::string, std::pair<std::string, std::string>> help_;     // Guarded.
};

}  // namespace parley
