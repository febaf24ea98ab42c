#include "chat/model.hpp"

namespace parley::chat {

std::string_view role_name(Role role) {
    switch (role) {
        case Role::owner:
            return "owner";
        case Role::admin:
            return "admin";
        case Role::member:
            return "member";
        case Role::guest:
            return "guest";
    }
    return "member";
}

std::optional<Role> parse_role(std::string_view name) {
    if (name == "owner")
        return Role::owner;
    if (name == "admin")
        return Role::admin;
    if (name == "member")
        return Role::member;
    if (name == "guest")
        return Role::guest;
    return std::nullopt;
}

}  // namespace parley::chat
