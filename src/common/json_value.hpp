// The one JSON type used across Parley (nlohmann-json, from Debian). Headers that only pass
// JSON around should include <nlohmann/json_fwd.hpp> instead, to keep compile times down.
#pragma once

#include <nlohmann/json.hpp>

namespace parley {
using Json = nlohmann::json;
}
