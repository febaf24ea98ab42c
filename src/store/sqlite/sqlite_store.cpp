#include "store/sqlite/sqlite_store.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/metrics.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_tx.hpp"

namespace parley::store::sqlite {

Connection::Connection(const std::string& path, int flags, int busy_timeout_ms)
    : db_(path, flags, busy_timeout_ms) {}

SQLite::Statement& Connection::statement(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) {
        slot = std::make_unique<SQLite::Statement>(db_, sql);
    } else {
        slot->reset();
        slot->clearBindings();
    }
    in_use_.push_back(slot.get());
    return *slot;
}

void Connection::release_statements() {
    for (SQLite::Statement* statement : in_use_) {
        statement->reset();
    }
    in_use_.clear();
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

Error internal_error(const std::exception& e) {
    return make_error("internal_error", std::string("store: ") + e.what());
}

void configure_connection(SQLite::Database& db, bool sync_full) {
    db.exec("PRAGMA foreign_keys = ON");
    db.exec(sync_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
}

void migrate(SQLite::Database& db) {
    const auto& all = migrations();
    int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version > static_cast<int>(all.size())) {
        throw std::runtime_error("database schema version " + std::to_string(version) +
                                 " is newer than this parley binary knows");
    }
    for (size_t i = static_cast<size_t>(version); i < all.size(); ++i) {
        SQLite::Transaction transaction(db);
        db.exec(std::string(all[i]));
        db.exec("PRAGMA user_version = " + std::to_string(i + 1));
        transaction.commit();
        spdlog::info("store: applied migration version={}", i + 1);
    }
}

// A queued write: the caller's function and where its outcome goes. The caller blocks on
// `done` until the batch holding the job has committed or failed.
struct WriteJob {
    const std::function<Status(StoreWriter&)>* fn = nullptr;
    std::optional<Status> outcome;
    bool done = false;
};

class SqliteStore final : public Store {
  public:
    explicit SqliteStore(const SqliteOptions& options) : options_(options) {
        describe_metrics();
        open_writer();
        open_readers();
        writer_thread_ = std::thread([this] { run_writer(); });
    }

    ~SqliteStore() override {
        {
            std::lock_guard lock(queue_mutex_);
            stopping_ = true;
        }
        queue_changed_.notify_all();
        writer_thread_.join();
    }

    Status read(const std::function<Status(StoreReader&)>& fn) override {
        auto started = std::chrono::steady_clock::now();
        Connection& connection = checkout_reader();
        Status outcome = run_read(connection, fn);
        checkin_reader(connection);
        Metrics::global().observe_seconds("parley_store_read_seconds", "", seconds_since(started));
        return outcome;
    }

    void set_commit_listener(CommitListener listener) override {
        std::lock_guard lock(listener_mutex_);
        listener_ = std::move(listener);
    }

    Status write(const std::function<Status(StoreWriter&)>& fn) override {
        WriteJob job;
        job.fn = &fn;

        std::unique_lock lock(queue_mutex_);
        if (stopping_) {
            return make_error("internal_error", "store: closed");
        }
        queue_.push_back(&job);
        queue_changed_.notify_all();
        job_finished_.wait(lock, [&] { return job.done; });
        return std::move(*job.outcome);
    }

  private:
    static void describe_metrics() {
        auto& metrics = Metrics::global();
        metrics.describe("parley_store_read_seconds",
                         "Time of one read snapshot, pool wait included", "histogram");
        metrics.describe("parley_store_commit_seconds",
                         "Time of one group commit, from BEGIN to durable COMMIT", "histogram");
        metrics.describe("parley_store_commits_total", "Write transactions committed", "counter");
        metrics.describe("parley_store_write_jobs_total",
                         "Writes committed; divided by commits, the mean batch size", "counter");
    }

    void open_writer() {
        auto parent = std::filesystem::path(options_.path).parent_path();
        if (!parent.empty()) {
            std::filesystem::create_directories(parent);
        }
        writer_ = std::make_unique<Connection>(
            options_.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX,
            options_.busy_timeout_ms);
        writer_->db().exec("PRAGMA journal_mode = WAL");
        configure_connection(writer_->db(), options_.sync_full);
        migrate(writer_->db());
    }

    void open_readers() {
        for (size_t i = 0; i < options_.read_connections; ++i) {
            auto reader = std::make_unique<Connection>(
                options_.path, SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX,
                options_.busy_timeout_ms);
            reader->db().exec("PRAGMA foreign_keys = ON");
            free_readers_.push_back(reader.get());
            readers_.push_back(std::move(reader));
        }
    }

    Connection& checkout_reader() {
        std::unique_lock lock(readers_mutex_);
        reader_available_.wait(lock, [&] { return !free_readers_.empty(); });
        Connection* connection = free_readers_.back();
        free_readers_.pop_back();
        return *connection;
    }

    void checkin_reader(Connection& connection) {
        {
            std::lock_guard lock(readers_mutex_);
            free_readers_.push_back(&connection);
        }
        reader_available_.notify_one();
    }

    static Status run_read(Connection& connection, const std::function<Status(StoreReader&)>& fn) {
        try {
            // A deferred transaction pins one WAL snapshot for every query fn makes.
            SQLite::Transaction snapshot(connection.db());
            SqliteTx tx(connection);
            Status outcome = fn(tx);
            connection.release_statements();
            snapshot.commit();
            return outcome;
        } catch (const std::exception& e) {
            connection.release_statements();
            spdlog::error("store: read failed error=\"{}\"", e.what());
            return internal_error(e);
        }
    }

    // The writer loop: take every queued job (up to max_batch), run each inside its own
    // savepoint so one failing job rolls back alone, commit once, then wake the callers.
    void run_writer() {
        for (;;) {
            std::vector<WriteJob*> batch;
            {
                std::unique_lock lock(queue_mutex_);
                queue_changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) {
                    return;  // Stopping, and nothing left to write.
                }
                while (!queue_.empty() && batch.size() < options_.max_batch) {
                    batch.push_back(queue_.front());
                    queue_.pop_front();
                }
            }

            commit_batch(batch);

            {
                std::lock_guard lock(queue_mutex_);
                for (WriteJob* job : batch) {
                    job->done = true;
                }
            }
            job_finished_.notify_all();
        }
    }

    void commit_batch(const std::vector<WriteJob*>& batch) {
        auto started = std::chrono::steady_clock::now();
        run_batch(batch);

        auto& metrics = Metrics::global();
        metrics.observe_seconds("parley_store_commit_seconds", "", seconds_since(started));
        metrics.add("parley_store_commits_total", "");
        metrics.add("parley_store_write_jobs_total", "", static_cast<double>(batch.size()));
    }

    void run_batch(const std::vector<WriteJob*>& batch) {
        SQLite::Database& db = writer_->db();
        try {
            db.exec("BEGIN IMMEDIATE");
            for (WriteJob* job : batch) {
                job->outcome = run_job(*job);
            }
            writer_->release_statements();
            db.exec("COMMIT");
            publish_committed_events();
        } catch (const std::exception& e) {
            spdlog::error("store: batch commit failed jobs={} error=\"{}\"", batch.size(),
                          e.what());
            writer_->release_statements();
            try {
                db.exec("ROLLBACK");
            } catch (const std::exception&) {
                // Already rolled back by SQLite itself; nothing more to undo.
            }
            writer_->pending_events().clear();
            for (WriteJob* job : batch) {
                job->outcome = internal_error(e);
            }
        }
    }

    // Runs before the writers are woken, so an "ok" answer means the change's events are
    // already on their way to every listener.
    void publish_committed_events() {
        std::vector<StoredEvent> events;
        events.swap(writer_->pending_events());
        if (events.empty()) {
            return;
        }
        std::lock_guard lock(listener_mutex_);
        if (listener_) {
            listener_(std::move(events));
        }
    }

    Status run_job(WriteJob& job) {
        SQLite::Database& db = writer_->db();
        db.exec("SAVEPOINT job");
        size_t events_before = writer_->pending_events().size();
        try {
            SqliteTx tx(*writer_);
            Status outcome = (*job.fn)(tx);
            if (!outcome.ok()) {
                writer_->release_statements();
                writer_->pending_events().resize(events_before);
                db.exec("ROLLBACK TO job");
            }
            db.exec("RELEASE job");
            return outcome;
        } catch (const std::exception& e) {
            spdlog::error("store: write failed error=\"{}\"", e.what());
            writer_->release_statements();
            writer_->pending_events().resize(events_before);
            db.exec("ROLLBACK TO job");
            db.exec("RELEASE job");
            return internal_error(e);
        }
    }

    const SqliteOptions options_;
    std::unique_ptr<Connection> writer_;  // Used only by writer_thread_ after construction.

    std::mutex readers_mutex_;
    std::condition_variable reader_available_;
    std::vector<std::unique_ptr<Connection>> readers_;
    std::vector<Connection*> free_readers_;  // Guarded by readers_mutex_.

    std::mutex queue_mutex_;
    std::condition_variable queue_changed_;  // New job, or stopping.
    std::condition_variable job_finished_;
    std::deque<WriteJob*> queue_;  // Guarded by queue_mutex_.
    bool stopping_ = false;        // Guarded by queue_mutex_.
    std::thread writer_thread_;

    std::mutex listener_mutex_;
    CommitListener listener_;  // Guarded by listener_mutex_.
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options) {
    try {
        return std::make_unique<SqliteStore>(options);
    } catch (const SQLite::Exception& e) {
        throw std::runtime_error("cannot open database " + options.path + ": " + e.what());
    }
}

}  // namespace parley::store::sqlite
