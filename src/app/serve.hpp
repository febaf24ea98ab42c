// `parley serve`: wires storage, domain, API and network together and runs until SIGTERM
// or SIGINT, then shuts down gracefully. This is the one place that knows every part.
#pragma once

#include "app/config.hpp"

namespace parley::app {

// Returns the process exit code. Throws std::runtime_error on start-up failures.
int serve(const Config& config);

}  // namespace parley::app
