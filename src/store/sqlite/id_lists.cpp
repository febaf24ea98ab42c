#include "store/sqlite/id_lists.hpp"

namespace parley::store::sqlite {

std::string join_ids(const std::vector<std::string>& ids) {
    std::string joined;
    for (const auto& id : ids) {
        if (!joined.empty()) {
            joined += ',';
        }
        joined += id;
    }
    return joined;
}

std::vector<std::string> split_ids(const std::string& joined) {
    std::vector<std::string> ids;
    size_t start = 0;
    while (start < joined.size()) {
        size_t comma = joined.find(',', start);
        size_t end = comma == std::string::npos ? joined.size() : comma;
        if (end > start) {
            ids.push_back(joined.substr(start, end - start));
        }
        start = end + 1;
    }
    return ids;
}

}  // namespace parley::store::sqlite
