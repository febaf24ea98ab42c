#include "load/rtm_fleet.hpp"

#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <thread>

#include <boost/asio/detached.hpp>

namespace parley::bench {

// One generator thread: its io_context, its clients and their close counts. Everything but
// the thread handle is touched only on the thread (or after it has been joined).
struct RtmFleet::Worker {
    explicit Worker(FrameHandler on_frame)
        : guard(asio::make_work_guard(io)), handler(std::move(on_frame)) {}

    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard;
    FrameHandler handler;
    std::vector<std::unique_ptr<RtmClient>> clients;
    RtmCloseCounts closes;
    std::thread thread;
};

// The clients one grow_to() call opens on one thread, shared by its connecting coroutines.
struct RtmFleet::Batch {
    std::vector<size_t> indexes;  // Fleet-wide client numbers still to open on this thread.
    size_t next = 0;
    std::optional<Error> failure;
    size_t running = 0;
    std::promise<void> done;
};

RtmFleet::RtmFleet(RtmFleetOptions options, std::function<FrameHandler(size_t)> handler_for)
    : options_(std::move(options)) {
    const size_t threads = std::max<size_t>(options_.threads, 1);
    for (size_t i = 0; i < threads; ++i) {
        workers_.push_back(std::make_unique<Worker>(handler_for(i)));
    }
    for (auto& worker : workers_) {
        worker->thread = std::thread([&io = worker->io] { io.run(); });
    }
}

RtmFleet::~RtmFleet() {
    stop();
}

// Opens the batch's clients one after another on one HTTP connection; several of these run
// per thread. Each opened client then reads on its own until the fleet stops.
asio::awaitable<void> RtmFleet::open_clients(Worker& worker, const RtmFleetOptions& options,
                                             std::shared_ptr<Batch> batch) {
    // Plain statements around co_await: GCC 12 mis-destroys temporaries that share a full
    // expression with a co_await (a conditional's std::string crashed here).
    const auto executor = co_await asio::this_coro::executor;
    HttpConnection http(executor, options.server);
    while (batch->next < batch->indexes.size() && !batch->failure) {
        const size_t index = batch->indexes[batch->next++];
        std::string source;
        if (!options.source_addresses.empty()) {
            source = options.source_addresses[index % options.source_addresses.size()];
        }
        auto client = std::make_unique<RtmClient>(executor, std::move(source));
        std::string token = options.tokens[index % options.tokens.size()];
        Status connected = co_await client->connect(http, std::move(token));
        if (!connected) {
            batch->failure = connected.error();
            break;
        }
        RtmClient& opened = *client;
        worker.clients.push_back(std::move(client));
        asio::co_spawn(worker.io, opened.read_until_closed(worker.handler, worker.closes),
                       asio::detached);
    }
    if (--batch->running == 0) {
        batch->done.set_value();
    }
}

Status RtmFleet::grow_to(size_t count) {
    if (options_.tokens.empty()) {
        return make_error("no_tokens");
    }
    std::vector<std::shared_ptr<Batch>> batches;
    for (size_t i = 0; i < workers_.size(); ++i) {
        batches.push_back(std::make_shared<Batch>());
    }
    for (size_t index = opened_; index < count; ++index) {
        batches[index % workers_.size()]->indexes.push_back(index);
    }

    std::vector<std::future<void>> finished;
    for (size_t i = 0; i < workers_.size(); ++i) {
        auto& batch = batches[i];
        finished.push_back(batch->done.get_future());
        batch->running = std::max<size_t>(options_.connects_in_flight, 1);
        Worker& worker = *workers_[i];
        asio::post(worker.io, [&worker, this, batch] {
            for (size_t k = batch->running; k > 0; --k) {
                asio::co_spawn(worker.io, open_clients(worker, options_, batch), asio::detached);
            }
        });
    }
    for (auto& future : finished) {
        future.wait();
    }

    opened_ = 0;
    for (const auto& worker : workers_) {
        opened_ += worker->clients.size();
    }
    for (const auto& batch : batches) {
        if (batch->failure) {
            return *batch->failure;
        }
    }
    return ok_status();
}

void RtmFleet::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    for (auto& worker : workers_) {
        asio::post(worker->io, [&worker = *worker] {
            for (auto& client : worker.clients) {
                client->abort();
            }
            worker.guard.reset();
        });
    }
    for (auto& worker : workers_) {
        worker->thread.join();
    }
}

RtmCloseCounts RtmFleet::closes() const {
    RtmCloseCounts total;
    for (const auto& worker : workers_) {
        total.slow_consumer += worker->closes.slow_consumer;
        total.by_server += worker->closes.by_server;
        total.failed += worker->closes.failed;
    }
    return total;
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream stream(text);
    for (std::string item; std::getline(stream, item, ',');) {
        if (!item.empty()) {
            items.push_back(item);
        }
    }
    return items;
}

std::vector<std::string> read_lines(const std::string& path) {
    std::vector<std::string> lines;
    std::ifstream file(path);
    for (std::string line; std::getline(file, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

}  // namespace parley::bench
