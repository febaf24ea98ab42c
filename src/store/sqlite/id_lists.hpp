// Lists of ids stored in one TEXT column as "U1,U2,U3" (reply users, mentions, DM members):
// ids never contain commas, and the lists are read whole, never queried by element.
#pragma once

#include <string>
#include <vector>

namespace parley::store::sqlite {

std::string join_ids(const std::vector<std::string>& ids);

// Empty items (",," or a trailing comma) are skipped.
std::vector<std::string> split_ids(const std::string& joined);

}  // namespace parley::store::sqlite
