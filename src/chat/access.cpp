#include "chat/access.hpp"

#include "store/store.hpp"

namespace parley::chat {

bool can_see(store::StoreReader& reader, const User& viewer, const Conversation& conversation) {
    if (conversation.team_id != viewer.team_id) {
        return false;
    }
    if (conversation.kind == ConversationKind::public_channel && viewer.role != Role::guest) {
        return true;
    }
    return reader.find_membership(conversation.id, viewer.id).has_value();
}

Result<Conversation> find_visible(store::StoreReader& reader, const User& viewer,
                                  const std::string& id) {
    auto conversation = reader.find_conversation(id);
    if (!conversation || !can_see(reader, viewer, *conversation)) {
        return make_error("channel_not_found");
    }
    return std::move(*conversation);
}

Result<Conversation> find_joined(store::StoreReader& reader, const User& viewer,
                                 const std::string& id) {
    auto conversation = find_visible(reader, viewer, id);
    if (!conversation) {
        return conversation;
    }
    if (!reader.find_membership(id, viewer.id)) {
        return make_error("not_in_channel");
    }
    return conversation;
}

Result<Conversation> find_writable(store::StoreReader& reader, const User& viewer,
                                   const std::string& id) {
    auto conversation = find_joined(reader, viewer, id);
    if (conversation && conversation->is_archived) {
        return make_error("is_archived");
    }
    return conversation;
}

}  // namespace parley::chat
