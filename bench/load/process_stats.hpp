// Another process's memory and CPU time, read from /proc (Linux), so that a benchmark can
// show the server's cost next to the generator's own (cpu_time.hpp).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace parley::bench {

struct ProcessMemory {
    uint64_t rss_bytes = 0;        // Resident set (VmRSS in /proc/PID/status).
    uint64_t anonymous_bytes = 0;  // Resident anonymous memory: the heap and thread stacks
                                   // (Anonymous in /proc/PID/smaps_rollup), no file pages.
};

// nullopt when the process is gone or /proc cannot be read.
std::optional<ProcessMemory> process_memory(pid_t pid);

// User plus system CPU seconds the process has used so far (/proc/PID/stat).
std::optional<double> process_cpu_seconds(pid_t pid);

}  // namespace parley::bench
