// The SQLite schema as an ordered list of migrations.
#pragma once

#include <string_view>
#include <vector>

namespace parley::store::sqlite {

const std::vector<std::string_view>& migrations();

}  // namespace parley::store::sqlite
