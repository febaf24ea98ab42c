// Who may see and touch a conversation. Every method that names a conversation goes through
// here, so the rule lives in one place: a conversation the caller may not see is reported
// exactly like one that does not exist ("channel_not_found"), so outsiders learn nothing.
#pragma once

#include <string>

#include "chat/model.hpp"
#include "common/result.hpp"

namespace parley::store {
class StoreReader;
}

namespace parley::chat {

// May `viewer` see this conversation at all? Same team, and: public channels are visible to
// members of the team except guests; private channels, ims and mpims only to their members;
// guests see only conversations they belong to.
bool can_see(store::StoreReader& reader, const User& viewer, const Conversation& conversation);

// The conversation `id` if `viewer` may see it, else Error{"channel_not_found"}.
Result<Conversation> find_visible(store::StoreReader& reader, const User& viewer,
                                  const std::string& id);

// As find_visible, and the viewer must also be a member: Error{"not_in_channel"} otherwise.
Result<Conversation> find_joined(store::StoreReader& reader, const User& viewer,
                                 const std::string& id);

// As find_joined, and the conversation must not be archived: Error{"is_archived"}.
Result<Conversation> find_writable(store::StoreReader& reader, const User& viewer,
                                   const std::string& id);

}  // namespace parley::chat
