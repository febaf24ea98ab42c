// Real-time fan-out: S RTM WebSockets, one per member, in channels of about S members;
// posters post chat.postMessage into those channels at a set rate (or as fast as the server
// acknowledges) and every socket receives every message. Each message's text carries the
// time it was sent, so every delivery is a post-to-delivery latency sample (poster and
// sockets are in this process and share its steady clock). Reports deliveries and posts per
// second, latency percentiles, slow-consumer closes and the CPU time of both processes.
// It starts nothing: bench/realtime.sh seeds the members and starts the server.
// See docs/benchmarks.md.
//
// A run is valid only without closes: a socket closed with 4008 means this generator read
// more slowly than the server wrote, so the figure is the generator's limit, not the server's.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "load/cpu_time.hpp"
#include "load/http_client.hpp"
#include "load/latency_recorder.hpp"
#include "load/process_stats.hpp"
#include "load/rtm_fleet.hpp"

#include <boost/asio/detached.hpp>

namespace {

namespace asio = boost::asio;
using parley::bench::LatencyRecorder;
using Clock = std::chrono::steady_clock;

// What marks the generator's own messages, followed by the send time in nanoseconds of the
// steady clock. Frames are searched for it rather than parsed: full JSON parsing of
// hundreds of thousands of frames a second would take the core the server needs.
constexpr std::string_view kStampMarker = "\"text\":\"bench t=";

struct Options {
    std::string url;
    std::string token;
    std::string tokens_file;
    std::string channels;
    size_t sockets = 0;  // 0: one per token.
    double rate = 0;     // Posts per second in all; 0: as fast as acknowledged.
    size_t posters = 32;
    double seconds = 10;
    double warmup_seconds = 2;
    double drain_seconds = 2;
    size_t threads = 1;
    size_t text_bytes = 100;
    std::string source_addresses;
    pid_t server_pid = 0;
    std::string format = "text";
};

int64_t to_ns(Clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

// The measured window, as steady-clock nanoseconds: posts sent in it are measured, and so are
// deliveries received in it. Read by every generator thread.
struct Window {
    std::atomic<int64_t> start_ns{INT64_MAX};
    std::atomic<int64_t> end_ns{INT64_MAX};
};

// What the sockets of one generator thread received. Only that thread touches it until the
// fleet has stopped.
struct Receiver {
    uint64_t received_in_window = 0;  // Frames of measured or unmeasured posts.
    LatencyRecorder latencies;        // Of every delivery of a post sent in the window.
    uint64_t late = 0;                // Deliveries of measured posts after the window.
};

void on_frame(const Window& window, Receiver& receiver, std::string_view frame) {
    const size_t marker = frame.find(kStampMarker);
    if (marker == std::string_view::npos) {
        return;
    }
    const int64_t now = to_ns(Clock::now());
    int64_t sent = 0;
    const char* begin = frame.data() + marker + kStampMarker.size();
    std::from_chars(begin, frame.data() + frame.size(), sent);

    const int64_t start = window.start_ns.load(std::memory_order_relaxed);
    const int64_t end = window.end_ns.load(std::memory_order_relaxed);
    if (now >= start && now < end) {
        ++receiver.received_in_window;
    }
    if (sent >= start && sent < end) {
        receiver.latencies.record(std::chrono::nanoseconds(now - sent));
        receiver.late += now >= end ? 1 : 0;
    }
}

// The posting side, on its own thread.
struct Posters {
    Options options;
    parley::bench::Endpoint endpoint;
    std::vector<std::string> channels;
    const Window* window = nullptr;
    Clock::time_point deadline;

    uint64_t measured = 0;  // Acknowledged posts sent in the window.
    uint64_t errors = 0;
    std::string first_error;
    LatencyRecorder ack_latencies;
};

std::string post_body(const Posters& posters, const std::string& channel, Clock::time_point at) {
    std::string text = fmt::format("bench t={} ", to_ns(at));
    if (text.size() < posters.options.text_bytes) {
        text.append(posters.options.text_bytes - text.size(), 'x');
    }
    return "channel=" + parley::bench::form_encode(channel) +
           "&text=" + parley::bench::form_encode(text);
}

// A helper rather than inline: GCC 12 mishandles temporaries of a conditional expression
// inside a coroutine.
std::string failure_text(const parley::Result<parley::bench::HttpReply>& reply) {
    if (reply) {
        return reply->body.substr(0, 200);
    }
    return reply.error().name + ": " + reply.error().detail;
}

// One keep-alive connection posting round-robin over the channels. At a set rate each poster
// keeps its own schedule (rate / posters) and sends late rather than skip, so a slow server
// shows as latency, not as a quietly lower rate.
asio::awaitable<void> post_loop(Posters& posters, size_t index) {
    auto executor = co_await asio::this_coro::executor;
    parley::bench::HttpConnection http(executor, posters.endpoint);
    asio::steady_timer timer(executor);
    const bool paced = posters.options.rate > 0;
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(paced ? posters.options.posters / posters.options.rate : 0));
    auto next = Clock::now() + interval * index / posters.options.posters;

    for (uint64_t sequence = index;; sequence += posters.options.posters) {
        if (paced) {
            timer.expires_at(next);
            co_await timer.async_wait(asio::use_awaitable);
            next += interval;
        }
        const auto sent_at = Clock::now();
        if (sent_at >= posters.deadline) {
            break;
        }
        const auto& channel = posters.channels[sequence % posters.channels.size()];
        auto reply = co_await http.post_form("/api/chat.postMessage", posters.options.token,
                                             post_body(posters, channel, sent_at));
        if (!reply || reply->body.find("\"ok\":true") == std::string::npos) {
            ++posters.errors;
            if (posters.first_error.empty()) {
                posters.first_error = failure_text(reply);
            }
            continue;
        }
        const int64_t sent_ns = to_ns(sent_at);
        if (sent_ns >= posters.window->start_ns && sent_ns < posters.window->end_ns) {
            ++posters.measured;
            posters.ack_latencies.record(Clock::now() - sent_at);
        }
    }
}

struct Report {
    size_t sockets = 0;
    double window_s = 0;
    uint64_t deliveries = 0;
    uint64_t late = 0;
    double expected = 0;
    parley::bench::LatencySummary latency;
    parley::bench::LatencySummary ack;
    parley::bench::RtmCloseCounts closes;
    double generator_cpu_s = 0;
    double server_cpu_s = 0;
    uint64_t posts = 0;
    uint64_t errors = 0;
    uint64_t undelivered = 0;  // Counted in `latency` as lower bounds.
};

void print_report(const Options& options, const Report& r) {
    const double deliveries_per_s = r.window_s > 0 ? r.deliveries / r.window_s : 0;
    const double posts_per_s = r.window_s > 0 ? r.posts / r.window_s : 0;
    const double delivered = r.expected > 0 ? (r.latency.samples - r.undelivered) / r.expected : 0;
    if (options.format == "kv") {
        fmt::print(
            "deliveries_per_s={:.0f} posts_per_s={:.1f} delivered_fraction={:.4f} "
            "p50_ms={:.2f} p90_ms={:.2f} p99_ms={:.2f} p999_ms={:.2f} max_ms={:.2f} "
            "ack_p50_ms={:.2f} ack_p99_ms={:.2f} slow_closes={} other_closes={} "
            "generator_cpu_s={:.2f} server_cpu_s={:.2f} window_s={:.2f} sockets={} errors={} "
            "late={} latency_lower_bound={}\n",
            deliveries_per_s, posts_per_s, delivered, r.latency.p50_ms, r.latency.p90_ms,
            r.latency.p99_ms, r.latency.p999_ms, r.latency.max_ms, r.ack.p50_ms, r.ack.p99_ms,
            r.closes.slow_consumer, r.closes.by_server + r.closes.failed, r.generator_cpu_s,
            r.server_cpu_s, r.window_s, r.sockets, r.errors, r.late, r.undelivered > 0 ? 1 : 0);
        return;
    }
    fmt::print("sockets:          {} in {} channel(s)\n", r.sockets,
               parley::bench::split_list(options.channels).size());
    fmt::print("posts:            {:.1f}/s ({} acknowledged in {:.1f} s, {} errors)\n", posts_per_s,
               r.posts, r.window_s, r.errors);
    fmt::print("deliveries:       {:.0f}/s; {:.2f}% of the measured posts' deliveries arrived\n",
               deliveries_per_s, 100 * delivered);
    fmt::print("latency ms:       p50 {:.2f}  p90 {:.2f}  p99 {:.2f}  p99.9 {:.2f}  max {:.2f}{}\n",
               r.latency.p50_ms, r.latency.p90_ms, r.latency.p99_ms, r.latency.p999_ms,
               r.latency.max_ms,
               r.undelivered > 0 ? " (lower bounds: some deliveries never arrived)" : "");
    fmt::print("post ack ms:      p50 {:.2f}  p99 {:.2f}\n", r.ack.p50_ms, r.ack.p99_ms);
    fmt::print("closes:           {} slow consumer (4008), {} other\n", r.closes.slow_consumer,
               r.closes.by_server + r.closes.failed);
    fmt::print(
        "cpu seconds:      generator {:.2f}, server {:.2f} ({:.0f}% and {:.0f}% of a core)\n",
        r.generator_cpu_s, r.server_cpu_s, 100 * r.generator_cpu_s / r.window_s,
        100 * r.server_cpu_s / r.window_s);
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    CLI::App app{"Measures RTM fan-out: deliveries per second and post-to-delivery latency"};
    app.add_option("--url", options.url, "Server base URL, http://HOST:PORT")->required();
    app.add_option("--token", options.token, "Poster's token, a member of every channel")
        ->required();
    app.add_option("--tokens-file", options.tokens_file,
                   "Sockets' tokens, one per line, each a member of every channel")
        ->required();
    app.add_option("--channels", options.channels, "Comma-separated channel ids to post into")
        ->required();
    app.add_option("--sockets", options.sockets, "Sockets to open (0: one per token)")
        ->capture_default_str();
    app.add_option("--rate", options.rate, "Posts per second in all (0: flat out)")
        ->capture_default_str();
    app.add_option("--posters", options.posters, "Keep-alive posting connections")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    app.add_option("--seconds", options.seconds, "Posting time, warm-up included")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--warmup-seconds", options.warmup_seconds, "Posting time not measured")
        ->capture_default_str();
    app.add_option("--drain-seconds", options.drain_seconds,
                   "Wait after posting for deliveries still on their way")
        ->capture_default_str();
    app.add_option("--threads", options.threads, "Generator threads reading sockets")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    app.add_option("--text-bytes", options.text_bytes, "Length of each message's text")
        ->check(CLI::Range(40, 4000))
        ->capture_default_str();
    app.add_option("--source-addresses", options.source_addresses,
                   "Comma-separated local addresses to connect from, round-robin");
    app.add_option("--server-pid", options.server_pid, "Server's pid, for its CPU time");
    app.add_option("--format", options.format, "text, or kv for one key=value line")
        ->check(CLI::IsMember({"text", "kv"}))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    auto endpoint = parley::bench::parse_http_url(options.url);
    auto tokens = parley::bench::read_lines(options.tokens_file);
    auto channels = parley::bench::split_list(options.channels);
    if (!endpoint || tokens.empty() || channels.empty() || options.warmup_seconds < 0 ||
        options.warmup_seconds >= options.seconds) {
        fmt::print(stderr,
                   "need --url, a non-empty --tokens-file, --channels, and a warm-up "
                   "shorter than --seconds\n");
        return 2;
    }
    const size_t sockets = options.sockets > 0 ? options.sockets : tokens.size();

    // Open every socket before posting starts.
    Window window;
    std::vector<Receiver> receivers(options.threads);
    parley::bench::RtmFleet fleet(
        {*endpoint, tokens, parley::bench::split_list(options.source_addresses), options.threads},
        [&](size_t thread) {
            return [&window, &receiver = receivers[thread]](std::string_view frame) {
                on_frame(window, receiver, frame);
            };
        });
    if (parley::Status opened = fleet.grow_to(sockets); !opened) {
        fmt::print(stderr, "could not open socket {}: {} ({})\n", fleet.size() + 1,
                   opened.error().name, opened.error().detail);
        return 1;
    }

    // Post for the run's length; measure after the warm-up.
    const auto to_duration = [](double seconds) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    };
    const auto start = Clock::now();
    const auto measure_start = start + to_duration(options.warmup_seconds);
    const auto measure_end = start + to_duration(options.seconds);
    window.start_ns = to_ns(measure_start);
    window.end_ns = to_ns(measure_end);
    Posters posters{options, *endpoint, channels, &window, measure_end};

    std::optional<double> server_cpu_start;
    parley::bench::CpuTime generator_cpu_start;
    std::thread measure_start_probe([&] {
        std::this_thread::sleep_until(measure_start);
        generator_cpu_start = parley::bench::process_cpu_time();
        server_cpu_start = parley::bench::process_cpu_seconds(options.server_pid);
    });
    asio::io_context posting(1);
    for (size_t i = 0; i < options.posters; ++i) {
        asio::co_spawn(posting, post_loop(posters, i), asio::detached);
    }
    posting.run();
    measure_start_probe.join();
    const auto generator_cpu = parley::bench::process_cpu_time() - generator_cpu_start;
    const auto server_cpu_end = parley::bench::process_cpu_seconds(options.server_pid);

    // Let deliveries on their way arrive, then close everything.
    std::this_thread::sleep_for(to_duration(options.drain_seconds));
    fleet.stop();
    const auto drained_at = Clock::now();

    Report report;
    report.sockets = fleet.size();
    report.window_s = std::chrono::duration<double>(measure_end - measure_start).count();
    LatencyRecorder all;
    for (auto& receiver : receivers) {
        report.deliveries += receiver.received_in_window;
        report.late += receiver.late;
        all.merge(receiver.latencies);
    }
    // A delivery that never arrived took at least from the end of the window to the end of
    // the drain: counted as that, the percentiles become lower bounds instead of describing
    // only the lucky deliveries.
    const double expected = static_cast<double>(posters.measured) * fleet.size();
    report.undelivered = static_cast<uint64_t>(std::max(0.0, expected - all.size()));
    for (uint64_t i = 0; i < report.undelivered; ++i) {
        all.record(drained_at - measure_end);
    }
    report.latency = all.summarize();
    report.ack = posters.ack_latencies.summarize();
    report.posts = posters.measured;
    report.errors = posters.errors;
    report.expected = expected;
    report.closes = fleet.closes();
    report.generator_cpu_s = std::chrono::duration<double>(generator_cpu.total()).count();
    if (server_cpu_start && server_cpu_end) {
        report.server_cpu_s = *server_cpu_end - *server_cpu_start;
    }
    print_report(options, report);
    if (!posters.first_error.empty()) {
        fmt::print(stderr, "first post error: {}\n", posters.first_error);
    }

    const bool valid =
        report.closes.slow_consumer + report.closes.by_server + report.closes.failed == 0 &&
        posters.errors == 0 && report.posts > 0;
    if (!valid) {
        fmt::print(stderr, "invalid run: sockets closed or posts failed\n");
    }
    return valid ? 0 : 1;
}
