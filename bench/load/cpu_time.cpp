#include "load/cpu_time.hpp"

#include <sys/resource.h>

namespace parley::bench {

namespace {

std::chrono::microseconds to_micros(const timeval& time) {
    return std::chrono::seconds(time.tv_sec) + std::chrono::microseconds(time.tv_usec);
}

}  // namespace

CpuTime process_cpu_time() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return {to_micros(usage.ru_utime), to_micros(usage.ru_stime)};
}

}  // namespace parley::bench
