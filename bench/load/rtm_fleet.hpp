// Many RtmClients spread over a few generator threads, each thread with its own io_context:
// what a WebSocket benchmark opens, watches and closes. Clients are opened a batch at a time
// (grow_to), so a benchmark can measure the server between batches, and are given tokens and
// source addresses round-robin.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "load/http_client.hpp"
#include "load/rtm_client.hpp"

namespace parley::bench {

struct RtmFleetOptions {
    Endpoint server;
    std::vector<std::string> tokens;            // Client i uses tokens[i % size].
    std::vector<std::string> source_addresses;  // Client i connects from [i % size]; may be empty.
    size_t threads = 1;
    size_t connects_in_flight = 16;  // Per thread: concurrent rtm.connect + handshakes.
};

class RtmFleet {
  public:
    // `handler_for(thread)` gives the frame handler of every client of generator thread
    // `thread` (0 <= thread < threads); it runs on that thread only. Starts the threads.
    RtmFleet(RtmFleetOptions options, std::function<FrameHandler(size_t thread)> handler_for);
    ~RtmFleet();  // stop()s.
    RtmFleet(const RtmFleet&) = delete;
    RtmFleet& operator=(const RtmFleet&) = delete;

    // Opens clients until `count` are open (each past its hello) and returns, or returns the
    // first failure (the clients opened so far stay open). Blocks the calling thread, which
    // must not be a generator thread.
    Status grow_to(size_t count);

    size_t size() const { return opened_; }

    // Aborts every client and joins the threads. Idempotent.
    void stop();

    // How the clients' connections ended, summed over the threads. Exact once stop() has
    // returned; before, a racy but harmless snapshot.
    RtmCloseCounts closes() const;

  private:
    struct Worker;
    struct Batch;

    static asio::awaitable<void> open_clients(Worker& worker, const RtmFleetOptions& options,
                                              std::shared_ptr<Batch> batch);

    RtmFleetOptions options_;
    std::vector<std::unique_ptr<Worker>> workers_;
    size_t opened_ = 0;
    bool stopped_ = false;
};

// Splits "a,b,c" into its items, empty items dropped.
std::vector<std::string> split_list(const std::string& text);

// One token per line of `path`, blank lines skipped; empty when the file cannot be read.
std::vector<std::string> read_lines(const std::string& path);

}  // namespace parley::bench
