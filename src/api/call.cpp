#include "api/call.hpp"

namespace parley::api {

void MethodTable::add(std::string name, MethodFn fn, bool needs_auth) {
    methods_.insert_or_assign(std::move(name), MethodSpec{fn, needs_auth});
}

const MethodSpec* MethodTable::find(std::string_view name) const {
    auto found = methods_.find(name);
    return found == methods_.end() ? nullptr : &found->second;
}

MethodTable build_method_table() {
    MethodTable table;
    register_account_methods(table);
    register_user_methods(table);
    register_conversation_methods(table);
    register_message_methods(table);
    register_realtime_methods(table);
    register_client_methods(table);
    return table;
}

}  // namespace parley::api
