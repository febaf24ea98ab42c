// The embedded store: one SQLite file in WAL mode. One writer thread owns the only write
// connection and commits queued writes in batches (group commit), so durability costs one
// sync per batch rather than one per message. Readers use a pool of read-only connections
// and never wait for the writer. See docs/architecture.md, "Storage".
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace parley::store::sqlite {

struct SqliteOptions {
    std::string path;              // The database file; created if missing.
    bool sync_full = true;         // PRAGMA synchronous=FULL: survives power loss, not just
                                   // a killed process. NORMAL is faster and still survives
                                   // kill -9 in WAL mode.
    size_t max_batch = 512;        // Most write jobs committed together.
    size_t read_connections = 16;  // Pool size; a read beyond it waits for a free one.
    int busy_timeout_ms = 5000;    // How long a connection waits on a lock (admin CLI, etc.).
};

// Opens (creating and migrating as needed) the database. Throws std::runtime_error with a
// clear message when the file cannot be opened or migrated: a start-up failure.
std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options);

}  // namespace parley::store::sqlite
