#include "load/process_stats.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace parley::bench {

namespace {

// The value in kB of the line "<key>: <value> kB" of a /proc file, in bytes.
std::optional<uint64_t> kilobytes_field(const std::string& path, const std::string& key) {
    std::ifstream file(path);
    for (std::string line; std::getline(file, line);) {
        if (line.starts_with(key + ":")) {
            std::istringstream fields(line.substr(key.size() + 1));
            uint64_t kilobytes = 0;
            if (fields >> kilobytes) {
                return kilobytes * 1024;
            }
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<ProcessMemory> process_memory(pid_t pid) {
    const std::string proc = "/proc/" + std::to_string(pid);
    auto rss = kilobytes_field(proc + "/status", "VmRSS");
    auto anonymous = kilobytes_field(proc + "/smaps_rollup", "Anonymous");
    if (!rss) {
        return std::nullopt;
    }
    return ProcessMemory{*rss, anonymous.value_or(0)};
}

std::optional<double> process_cpu_seconds(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    // The command name (field 2) may hold spaces; fields are counted after its ')'.
    const size_t close = text.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream stream(text.substr(close + 2));
    std::vector<std::string> fields{std::istream_iterator<std::string>(stream),
                                    std::istream_iterator<std::string>()};
    // utime and stime are fields 14 and 15; after ')' the state is field 3, at index 0.
    if (fields.size() < 13) {
        return std::nullopt;
    }
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

}  // namespace parley::bench
