// Write throughput and the cost of durability: posts chat.postMessage as fast as the server
// acknowledges it, over N concurrent keep-alive connections, and reports messages per second,
// latency percentiles and the generator's own CPU time. It starts nothing: point it at a
// running server (bench/run.sh does the setup). See docs/benchmarks.md.
//
// Every connection is one coroutine on a single generator thread, with one request in
// flight, so N connections means at most N posts waiting on the server: with
// chat.postMessage answering only after commit, N is the most group commit can batch.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "load/cpu_time.hpp"
#include "load/http_client.hpp"
#include "load/latency_recorder.hpp"

#include <boost/asio/detached.hpp>

namespace {

namespace asio = boost::asio;
using parley::bench::CpuTime;
using parley::bench::Endpoint;
using parley::bench::HttpConnection;
using parley::bench::LatencyRecorder;
using Clock = std::chrono::steady_clock;

// A run with this many failed posts stops early: something is wrong, and spinning on a
// failing server would only hide it.
constexpr uint64_t kMaxErrors = 100;

struct Options {
    std::string url;
    std::string token;
    std::string channel;
    size_t connections = 1;
    double seconds = 10;
    uint64_t messages = 0;  // 0: no limit, only time.
    double warmup_seconds = 0;
    size_t text_bytes = 100;
    std::string format = "text";
};

// The shared state of one run. Everything runs on the single generator thread, so nothing
// here needs a lock.
struct Run {
    Options options;
    Endpoint endpoint;
    Clock::time_point measure_start;
    Clock::time_point deadline;
    std::optional<CpuTime> cpu_at_measure_start;

    uint64_t started = 0;   // Posts sent, warm-up included.
    uint64_t measured = 0;  // Acknowledged posts sent after the warm-up.
    uint64_t errors = 0;
    uint64_t connects = 0;
    std::string first_error;
    LatencyRecorder latencies;
    Clock::time_point last_finish;

    bool should_stop(Clock::time_point now) const {
        return now >= deadline || errors >= kMaxErrors ||
               (options.messages > 0 && started >= options.messages);
    }
};

std::string post_body(const Run& run, size_t connection, uint64_t sequence) {
    std::string text = fmt::format("bench c={} n={} ", connection, sequence);
    if (text.size() < run.options.text_bytes) {
        text.append(run.options.text_bytes - text.size(), 'x');
    }
    return "channel=" + parley::bench::form_encode(run.options.channel) +
           "&text=" + parley::bench::form_encode(text);
}

// Slack's answer is {"ok":true,...}; a substring test is enough for text the generator wrote,
// and keeps JSON parsing off the generator's CPU budget.
bool acknowledged(const parley::bench::HttpReply& reply) {
    return reply.status == 200 && reply.body.find("\"ok\":true") != std::string::npos;
}

void note_error(Run& run, std::string what) {
    ++run.errors;
    if (run.first_error.empty()) {
        run.first_error = std::move(what);
    }
}

asio::awaitable<void> post_loop(Run& run, size_t connection_index) {
    HttpConnection connection(co_await asio::this_coro::executor, run.endpoint);
    for (uint64_t sequence = 0;; ++sequence) {
        const auto sent_at = Clock::now();
        if (run.should_stop(sent_at)) {
            break;
        }
        ++run.started;

        auto reply = co_await connection.post_form("/api/chat.postMessage", run.options.token,
                                                   post_body(run, connection_index, sequence));
        const auto finished_at = Clock::now();
        if (!reply) {
            note_error(run, reply.error().name + ": " + reply.error().detail);
            continue;
        }
        if (!acknowledged(*reply)) {
            note_error(run, fmt::format("HTTP {}: {}", reply->status, reply->body.substr(0, 200)));
            continue;
        }
        if (sent_at >= run.measure_start) {
            ++run.measured;
            run.latencies.record(finished_at - sent_at);
            run.last_finish = std::max(run.last_finish, finished_at);
        }
    }
    run.connects += connection.connects();
}

asio::awaitable<void> mark_measure_start(Run& run) {
    asio::steady_timer timer(co_await asio::this_coro::executor, run.measure_start);
    co_await timer.async_wait(asio::use_awaitable);
    run.cpu_at_measure_start = parley::bench::process_cpu_time();
}

void print_report(Run& run) {
    const CpuTime cpu = parley::bench::process_cpu_time() - *run.cpu_at_measure_start;
    const double elapsed_s =
        std::chrono::duration<double>(run.last_finish - run.measure_start).count();
    const double rate = elapsed_s > 0 ? static_cast<double>(run.measured) / elapsed_s : 0;
    const double cpu_s = std::chrono::duration<double>(cpu.total()).count();
    const auto latency = run.latencies.summarize();

    if (run.options.format == "kv") {
        fmt::print(
            "msgs_per_s={:.1f} p50_ms={:.2f} p90_ms={:.2f} p99_ms={:.2f} max_ms={:.2f} "
            "generator_cpu_s={:.2f} elapsed_s={:.2f} messages={} errors={} connects={}\n",
            rate, latency.p50_ms, latency.p90_ms, latency.p99_ms, latency.max_ms, cpu_s, elapsed_s,
            run.measured, run.errors, run.connects);
    } else {
        fmt::print("connections:      {}\n", run.options.connections);
        fmt::print("measured:         {} messages in {:.2f} s (after {:.1f} s warm-up)\n",
                   run.measured, elapsed_s, run.options.warmup_seconds);
        fmt::print("throughput:       {:.1f} messages/s\n", rate);
        fmt::print("latency ms:       p50 {:.2f}  p90 {:.2f}  p99 {:.2f}  max {:.2f}\n",
                   latency.p50_ms, latency.p90_ms, latency.p99_ms, latency.max_ms);
        fmt::print(
            "generator cpu:    {:.2f} s ({:.0f}% of one core; user {:.2f} s, sys {:.2f} s)\n",
            cpu_s, elapsed_s > 0 ? 100 * cpu_s / elapsed_s : 0,
            std::chrono::duration<double>(cpu.user).count(),
            std::chrono::duration<double>(cpu.system).count());
        fmt::print("errors:           {}  connects: {}\n", run.errors, run.connects);
    }
    if (!run.first_error.empty()) {
        fmt::print(stderr, "first error: {}\n", run.first_error);
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    CLI::App app{"Posts chat.postMessage over keep-alive connections and reports throughput"};
    app.add_option("--url", options.url, "Server base URL, http://HOST:PORT")->required();
    app.add_option("--token", options.token, "Bearer token of a member of the channel")
        ->envname("PARLEY_TOKEN")
        ->required();
    app.add_option("--channel", options.channel, "Channel id to post into")->required();
    app.add_option("--connections", options.connections, "Concurrent keep-alive connections")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    app.add_option("--seconds", options.seconds, "Run length, warm-up included; caps --messages")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--messages", options.messages, "Stop after this many posts (0: no limit)")
        ->capture_default_str();
    app.add_option("--warmup-seconds", options.warmup_seconds, "Posts not measured at the start")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("--text-bytes", options.text_bytes, "Length of each message's text")
        ->check(CLI::Range(1, 40000))
        ->capture_default_str();
    app.add_option("--format", options.format, "text, or kv for one key=value line")
        ->check(CLI::IsMember({"text", "kv"}))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    Run run;
    run.options = options;
    auto endpoint = parley::bench::parse_http_url(options.url);
    if (!endpoint) {
        fmt::print(stderr, "--url must look like http://127.0.0.1:8080, got '{}'\n", options.url);
        return 2;
    }
    run.endpoint = *endpoint;

    const auto start = Clock::now();
    const auto to_duration = [](double seconds) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    };
    run.measure_start = start + to_duration(options.warmup_seconds);
    run.deadline = start + to_duration(options.seconds);
    run.last_finish = run.measure_start;

    asio::io_context ioc(1);
    asio::co_spawn(ioc, mark_measure_start(run), asio::detached);
    for (size_t i = 0; i < options.connections; ++i) {
        asio::co_spawn(ioc, post_loop(run, i), asio::detached);
    }
    ioc.run();

    if (!run.cpu_at_measure_start) {
        run.cpu_at_measure_start = parley::bench::process_cpu_time();  // Ended during warm-up.
    }
    print_report(run);
    return run.errors == 0 && run.measured > 0 ? 0 : 1;
}
