// Memory per idle real-time socket: opens RTM WebSockets in steps (say 1,000, then 5,000,
// 10,000) and after each step, once the server has settled, reads the server's resident and
// anonymous memory from /proc. Reports the growth per socket from the start and between
// steps, with the generator's own CPU time and the server's. It starts nothing: point it at a
// running server and give it the server's pid (bench/realtime.sh does the setup).
// See docs/benchmarks.md.
//
// The sockets stay idle apart from what the server sends unasked (presence changes while
// the others connect, pings): that is the steady state of a connected but quiet client.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "load/cpu_time.hpp"
#include "load/process_stats.hpp"
#include "load/rtm_fleet.hpp"

namespace {

using parley::bench::ProcessMemory;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string url;
    std::string tokens_file;
    pid_t server_pid = 0;
    std::string counts = "1000,5000,10000";
    std::string source_addresses;
    size_t threads = 1;
    double settle_seconds = 3;
    std::string format = "text";
};

struct Step {
    size_t sockets = 0;
    ProcessMemory memory;
    double open_seconds = 0;
    double generator_cpu_s = 0;
    double server_cpu_s = 0;
};

double per_socket(uint64_t now, uint64_t before, size_t sockets) {
    return sockets > 0 ? (static_cast<double>(now) - static_cast<double>(before)) /
                             static_cast<double>(sockets)
                       : 0;
}

void print_step(const Options& options, const Step& baseline, const Step& previous,
                const Step& step) {
    const auto& mem = step.memory;
    const double rss_per = per_socket(mem.rss_bytes, baseline.memory.rss_bytes, step.sockets);
    const double anon_per =
        per_socket(mem.anonymous_bytes, baseline.memory.anonymous_bytes, step.sockets);
    const double marginal =
        per_socket(mem.rss_bytes, previous.memory.rss_bytes, step.sockets - previous.sockets);
    // CPU since the first socket was opened, so the start-up of either process is left out.
    const double generator_cpu_s = step.generator_cpu_s - baseline.generator_cpu_s;
    const double server_cpu_s = step.server_cpu_s - baseline.server_cpu_s;
    if (options.format == "kv") {
        fmt::print(
            "sockets={} server_rss_mb={:.1f} rss_per_socket_b={:.0f} anon_per_socket_b={:.0f} "
            "marginal_rss_per_socket_b={:.0f} open_s={:.2f} generator_cpu_s={:.2f} "
            "server_cpu_s={:.2f}\n",
            step.sockets, static_cast<double>(mem.rss_bytes) / 1048576.0, rss_per, anon_per,
            marginal, step.open_seconds, generator_cpu_s, server_cpu_s);
    } else {
        fmt::print(
            "{:>7} sockets: server RSS {:7.1f} MB, {:5.0f} B/socket ({:5.0f} anonymous, {:5.0f} "
            "since the last step); opened in {:.1f} s, CPU generator {:.2f} s, server {:.2f} s\n",
            step.sockets, static_cast<double>(mem.rss_bytes) / 1048576.0, rss_per, anon_per,
            marginal, step.open_seconds, generator_cpu_s, server_cpu_s);
    }
    std::fflush(stdout);
}

std::optional<Step> measure(const Options& options, size_t sockets) {
    auto memory = parley::bench::process_memory(options.server_pid);
    auto cpu = parley::bench::process_cpu_seconds(options.server_pid);
    if (!memory || !cpu) {
        return std::nullopt;
    }
    Step step;
    step.sockets = sockets;
    step.memory = *memory;
    step.server_cpu_s = *cpu;
    step.generator_cpu_s =
        std::chrono::duration<double>(parley::bench::process_cpu_time().total()).count();
    return step;
}

std::vector<size_t> parse_counts(const std::string& text) {
    std::vector<size_t> counts;
    for (const auto& item : parley::bench::split_list(text)) {
        counts.push_back(std::stoul(item));
    }
    return counts;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    CLI::App app{"Opens idle RTM WebSockets in steps and reports server memory per socket"};
    app.add_option("--url", options.url, "Server base URL, http://HOST:PORT")->required();
    app.add_option("--tokens-file", options.tokens_file,
                   "One token per line; socket i uses token i modulo their number")
        ->required();
    app.add_option("--server-pid", options.server_pid, "Process id of `parley serve`")->required();
    app.add_option("--counts", options.counts, "Socket totals to measure at, ascending")
        ->capture_default_str();
    app.add_option("--source-addresses", options.source_addresses,
                   "Comma-separated local addresses to connect from, round-robin (e.g. "
                   "127.0.0.2,127.0.0.3); more addresses, more ephemeral ports");
    app.add_option("--threads", options.threads, "Generator threads")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    app.add_option("--settle-seconds", options.settle_seconds,
                   "Wait after each step before reading memory")
        ->capture_default_str();
    app.add_option("--format", options.format, "text, or kv for key=value lines")
        ->check(CLI::IsMember({"text", "kv"}))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    auto endpoint = parley::bench::parse_http_url(options.url);
    auto tokens = parley::bench::read_lines(options.tokens_file);
    auto counts = parse_counts(options.counts);
    if (!endpoint || tokens.empty() || counts.empty()) {
        fmt::print(stderr, "need --url http://HOST:PORT, a non-empty --tokens-file and --counts\n");
        return 2;
    }

    parley::bench::RtmFleet fleet(
        {*endpoint, tokens, parley::bench::split_list(options.source_addresses), options.threads},
        [](size_t) { return [](std::string_view) {}; });
    auto baseline = measure(options, 0);
    if (!baseline) {
        fmt::print(stderr, "cannot read /proc/{}: is the server running?\n", options.server_pid);
        return 2;
    }

    Step previous = *baseline;
    int exit_code = 0;
    for (const size_t count : counts) {
        const auto started = Clock::now();
        if (parley::Status grown = fleet.grow_to(count); !grown) {
            fmt::print(stderr, "stopped at {} sockets: {} ({})\n", fleet.size(), grown.error().name,
                       grown.error().detail);
            exit_code = 1;
            break;
        }
        const double open_seconds = std::chrono::duration<double>(Clock::now() - started).count();
        std::this_thread::sleep_for(std::chrono::duration<double>(options.settle_seconds));

        auto step = measure(options, count);
        if (!step) {
            fmt::print(stderr, "the server went away at {} sockets\n", count);
            return 1;
        }
        step->open_seconds = open_seconds;
        print_step(options, *baseline, previous, *step);
        previous = *step;
    }

    fleet.stop();
    const auto closes = fleet.closes();
    if (closes.slow_consumer + closes.by_server + closes.failed > 0) {
        fmt::print(stderr, "sockets closed while idle: {} slow-consumer, {} by server, {} failed\n",
                   closes.slow_consumer, closes.by_server, closes.failed);
        exit_code = 1;
    }
    return exit_code;
}
