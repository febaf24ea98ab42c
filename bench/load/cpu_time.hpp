// CPU time this process has used, so every throughput figure can be shown next to what the
// load generator itself took from the machine's cores (see DESIGN.md, "Known traps").
#pragma once

#include <chrono>

namespace parley::bench {

struct CpuTime {
    std::chrono::microseconds user{0};
    std::chrono::microseconds system{0};

    std::chrono::microseconds total() const { return user + system; }
    CpuTime operator-(const CpuTime& earlier) const {
        return {user - earlier.user, system - earlier.system};
    }
};

// User and system time of every thread of this process so far (getrusage RUSAGE_SELF).
CpuTime process_cpu_time();

}  // namespace parley::bench
