#include "chat/conversations.hpp"

#include <algorithm>
#include <utility>

#include "chat/access.hpp"
#include "common/ids.hpp"
#include "common/slack_ts.hpp"
#include "common/utf8.hpp"
#include "realtime/events.hpp"

namespace parley::chat {

namespace {

using store::read_value;
using store::write_value;

// Conversations read per query when listing all of a user's memberships.
constexpr size_t kMemberViewsBatch = 500;

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool is_punctuation(char c) {
    return c == '-' || c == '_';
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    return text;
}

bool is_dm(const Conversation& conversation) {
    return !conversation.is_channel_kind();
}

Error unsupported_type() {
    return make_error("method_not_supported_for_channel_type");
}

// The user `id` if it is an active member of `team_id`; deactivated users only when
// `allow_deleted`.
std::optional<User> find_team_user(store::StoreReader& reader, const std::string& team_id,
                                   const std::string& id, bool allow_deleted) {
    auto user = reader.find_user(id);
    if (!user || user->team_id != team_id || (user->deleted && !allow_deleted)) {
        return std::nullopt;
    }
    return user;
}

ConversationView view_of(store::StoreReader& reader, const User& viewer,
                         Conversation conversation) {
    ConversationView view;
    view.membership = reader.find_membership(conversation.id, viewer.id);
    view.member_count = reader.count_members(conversation.id);
    if (conversation.kind == ConversationKind::im) {
        auto other = std::find_if(conversation.dm_users.begin(), conversation.dm_users.end(),
                                  [&](const std::string& id) { return id != viewer.id; });
        if (other != conversation.dm_users.end()) {
            auto user = reader.find_user(*other);
            view.dm_user_deleted = !user || user->deleted;
        }
    }
    view.conversation = std::move(conversation);
    return view;
}

Membership new_membership(const std::string& conversation_id, const std::string& user_id) {
    Membership membership;
    membership.conversation_id = conversation_id;
    membership.user_id = user_id;
    membership.joined = now_seconds();
    return membership;
}

// Asks the store for one more row than the page holds: its presence says a next page exists.
// For a member: messages by others after the read position, and those mentioning the viewer.
void add_unread_counts(store::StoreReader& reader, const User& viewer, ConversationView& view) {
    if (!view.membership) {
        return;
    }
    TsMicros after = view.membership->last_read;
    const std::string& id = view.conversation.id;
    view.unread_count = reader.count_unread(id, viewer.id, after);
    view.unread_mention_count = reader.count_unread_mentions(id, viewer.id, after);
}

store::Page probe_page(const store::Page& page) {
    return store::Page{page.after, page.limit + 1};
}

ConversationPage to_page(store::StoreReader& reader, const User& viewer,
                         std::vector<Conversation> conversations, size_t limit) {
    ConversationPage page;
    bool more = conversations.size() > limit;
    conversations.resize(std::min(conversations.size(), limit));
    if (more && !conversations.empty()) {
        page.next_after = conversations.back().id;
    }
    for (auto& conversation : conversations) {
        page.conversations.push_back(view_of(reader, viewer, std::move(conversation)));
    }
    return page;
}

// The conversations of `member` that `viewer` may see, as one page. Rows the viewer may not
// see are skipped, so this reads further batches until the page is full or the member's
// list ends; every batch moves forward, so the loop ends.
std::vector<Conversation> visible_member_conversations(store::StoreReader& reader,
                                                       const User& viewer, const User& member,
                                                       const store::ConversationFilter& filter,
                                                       const store::Page& page) {
    std::vector<Conversation> visible;
    store::Page batch = probe_page(page);
    for (;;) {
        auto rows = reader.list_user_conversations(member.id, filter, batch);
        for (auto& row : rows) {
            if (visible.size() < batch.limit && can_see(reader, viewer, row)) {
                visible.push_back(std::move(row));
            }
        }
        if (rows.size() < batch.limit || visible.size() >= batch.limit) {
            return visible;
        }
        batch.after = rows.back().id;
    }
}

// Who may rename: see the header.
bool may_rename(const User& viewer, const Conversation& channel) {
    if (is_admin_or_owner(viewer.role)) {
        return true;
    }
    return !channel.is_general && channel.creator == viewer.id;
}

// Who may kick: see the header.
bool may_kick(const User& kicker, const Conversation& channel) {
    if (kicker.role == Role::guest) {
        return false;
    }
    if (channel.kind == ConversationKind::private_channel) {
        return true;
    }
    return is_admin_or_owner(kicker.role) || channel.creator == kicker.id;
}

// The distinct participants of a DM the viewer opens with `user_ids`, sorted, viewer included.
std::vector<std::string> dm_participants(const User& viewer,
                                         const std::vector<std::string>& user_ids) {
    std::vector<std::string> participants = user_ids;
    participants.push_back(viewer.id);
    std::sort(participants.begin(), participants.end());
    participants.erase(std::unique(participants.begin(), participants.end()), participants.end());
    return participants;
}

Result<OpenOutcome> open_found_dm(store::StoreWriter& writer, const User& viewer, Conversation dm) {
    // A participant always belongs to the DM; the row is made again in case it was lost.
    writer.add_member(new_membership(dm.id, viewer.id));
    auto membership = writer.find_membership(dm.id, viewer.id);
    OpenOutcome outcome;
    outcome.existed = true;
    outcome.was_open = membership && membership->is_open;
    writer.set_open(dm.id, viewer.id, true);
    if (!outcome.was_open) {
        realtime::dm_opened(writer, dm, viewer.id);
    }
    outcome.view = view_of(writer, viewer, std::move(dm));
    return outcome;
}

Result<OpenOutcome> create_dm(store::StoreWriter& writer, const User& viewer,
                              const std::vector<User>& participants) {
    Conversation dm;
    dm.team_id = viewer.team_id;
    dm.creator = viewer.id;
    dm.created = now_seconds();
    std::vector<std::string> handles;
    for (const auto& user : participants) {
        dm.dm_users.push_back(user.id);
        handles.push_back(user.name);
    }
    if (participants.size() <= 2) {
        dm.kind = ConversationKind::im;
        dm.id = new_id('D');
    } else {
        dm.kind = ConversationKind::mpim;
        dm.id = new_id('G');
        dm.name = mpim_name(std::move(handles));
    }
    if (auto inserted = writer.insert_conversation(dm); !inserted) {
        return inserted.error();
    }

    // TODO(#2): Slack shows a new DM to the other side only once a message arrives; here it
    // is open for everyone at once, which the messages service need not then re-open.
    for (const auto& user : participants) {
        writer.add_member(new_membership(dm.id, user.id));
    }
    realtime::dm_created(writer, dm);
    OpenOutcome outcome;
    outcome.view = view_of(writer, viewer, std::move(dm));
    return outcome;
}

}  // namespace

Status check_channel_name(std::string_view name) {
    if (name.empty()) {
        return make_error("invalid_name_required");
    }
    if (utf8_length(name) > kMaxChannelNameChars) {
        return make_error("invalid_name_maxlength");
    }
    if (!std::all_of(name.begin(), name.end(), is_name_char)) {
        return make_error("invalid_name_specials");
    }
    if (std::all_of(name.begin(), name.end(), is_punctuation)) {
        return make_error("invalid_name_punctuation");
    }
    return ok_status();
}

std::optional<std::vector<std::string>> parse_id_list(std::string_view text) {
    std::vector<std::string> ids;
    while (!text.empty()) {
        size_t comma = text.find(',');
        std::string_view item = trim_spaces(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        if (item.empty()) {
            continue;
        }
        if (!is_id_shaped(item)) {
            return std::nullopt;
        }
        if (std::find(ids.begin(), ids.end(), item) == ids.end()) {
            ids.emplace_back(item);
        }
    }
    if (ids.empty()) {
        return std::nullopt;
    }
    return ids;
}

std::string mpim_name(std::vector<std::string> handles) {
    std::sort(handles.begin(), handles.end());
    std::string name = "mpdm-";
    for (size_t i = 0; i < handles.size(); ++i) {
        if (i > 0) {
            name += "--";
        }
        name += handles[i];
    }
    return name + "-1";
}

Result<ConversationView> Conversations::create(const User& creator, const std::string& name,
                                               bool is_private) {
    if (creator.role == Role::guest) {
        return make_error("restricted_action");
    }
    if (auto valid = check_channel_name(name); !valid) {
        return valid.error();
    }

    Conversation channel;
    channel.kind =
        is_private ? ConversationKind::private_channel : ConversationKind::public_channel;
    channel.id = new_id(is_private ? 'G' : 'C');
    channel.team_id = creator.team_id;
    channel.name = name;
    channel.creator = creator.id;
    channel.created = now_seconds();

    return write_value<ConversationView>(
        store_, [&](store::StoreWriter& writer) -> Result<ConversationView> {
            if (writer.find_channel_by_name(creator.team_id, name)) {
                return make_error("name_taken");
            }
            if (auto inserted = writer.insert_conversation(channel); !inserted) {
                return inserted.error();
            }
            writer.add_member(new_membership(channel.id, creator.id));
            realtime::channel_created(writer, channel);
            return view_of(writer, creator, channel);
        });
}

Result<ConversationView> Conversations::info(const User& viewer, const std::string& id) {
    return read_value<ConversationView>(
        store_, [&](store::StoreReader& reader) -> Result<ConversationView> {
            auto conversation = find_visible(reader, viewer, id);
            if (!conversation) {
                return conversation.error();
            }
            ConversationView view = view_of(reader, viewer, std::move(*conversation));
            add_unread_counts(reader, viewer, view);
            return view;
        });
}

Result<ConversationPage> Conversations::list(const User& viewer,
                                             const store::ConversationFilter& filter,
                                             const store::Page& page) {
    return read_value<ConversationPage>(
        store_, [&](store::StoreReader& reader) -> Result<ConversationPage> {
            // Guests see public channels only through their own membership.
            auto rows = viewer.role == Role::guest
                            ? reader.list_user_conversations(viewer.id, filter, probe_page(page))
                            : reader.list_conversations(viewer.team_id, viewer.id, filter,
                                                        probe_page(page));
            return to_page(reader, viewer, std::move(rows), page.limit);
        });
}

Result<ConversationPage> Conversations::list_for_user(const User& viewer,
                                                      const std::string& user_id,
                                                      const store::ConversationFilter& filter,
                                                      const store::Page& page) {
    return read_value<ConversationPage>(
        store_, [&](store::StoreReader& reader) -> Result<ConversationPage> {
            if (user_id.empty() || user_id == viewer.id) {
                auto rows = reader.list_user_conversations(viewer.id, filter, probe_page(page));
                return to_page(reader, viewer, std::move(rows), page.limit);
            }
            auto member = find_team_user(reader, viewer.team_id, user_id, /*allow_deleted=*/true);
            if (!member) {
                return make_error("user_not_found");
            }
            auto rows = visible_member_conversations(reader, viewer, *member, filter, page);
            return to_page(reader, viewer, std::move(rows), page.limit);
        });
}

Result<std::vector<ConversationView>> Conversations::member_views(const User& viewer) {
    using Views = std::vector<ConversationView>;
    return read_value<Views>(store_, [&](store::StoreReader& reader) -> Result<Views> {
        store::ConversationFilter every_kind{true, true, true, true, false};
        store::Page page{"", kMemberViewsBatch};
        Views views;
        for (;;) {
            auto batch = reader.list_user_conversations(viewer.id, every_kind, page);
            for (auto& conversation : batch) {
                ConversationView view = view_of(reader, viewer, std::move(conversation));
                add_unread_counts(reader, viewer, view);
                views.push_back(std::move(view));
            }
            if (batch.size() < page.limit) {
                return views;
            }
            page.after = views.back().conversation.id;
        }
    });
}

Result<MemberPage> Conversations::members(const User& viewer, const std::string& id,
                                          const store::Page& page) {
    return read_value<MemberPage>(store_, [&](store::StoreReader& reader) -> Result<MemberPage> {
        auto conversation = find_visible(reader, viewer, id);
        if (!conversation) {
            return conversation.error();
        }
        MemberPage members;
        members.user_ids = reader.list_member_ids(id, probe_page(page));
        if (members.user_ids.size() > page.limit) {
            members.user_ids.resize(page.limit);
            if (!members.user_ids.empty()) {
                members.next_after = members.user_ids.back();
            }
        }
        return members;
    });
}

Result<JoinOutcome> Conversations::join(const User& viewer, const std::string& id) {
    return write_value<JoinOutcome>(store_, [&](store::StoreWriter& writer) -> Result<JoinOutcome> {
        auto channel = find_visible(writer, viewer, id);
        if (!channel) {
            return channel.error();
        }
        if (channel->kind != ConversationKind::public_channel) {
            return unsupported_type();
        }
        if (channel->is_archived) {
            return make_error("is_archived");
        }

        JoinOutcome outcome;
        outcome.already_member = writer.find_membership(id, viewer.id).has_value();
        if (!outcome.already_member) {
            writer.add_member(new_membership(id, viewer.id));
            realtime::member_joined_channel(writer, *channel, viewer.id, "");
        }
        outcome.view = view_of(writer, viewer, std::move(*channel));
        return outcome;
    });
}

Result<LeaveOutcome> Conversations::leave(const User& viewer, const std::string& id) {
    return write_value<LeaveOutcome>(
        store_, [&](store::StoreWriter& writer) -> Result<LeaveOutcome> {
            auto channel = find_visible(writer, viewer, id);
            if (!channel) {
                return channel.error();
            }
            if (is_dm(*channel)) {
                return unsupported_type();
            }
            if (channel->is_general) {
                return make_error("cant_leave_general");
            }
            if (!writer.find_membership(id, viewer.id)) {
                return LeaveOutcome{.was_member = false};
            }
            if (channel->is_archived) {
                return make_error("is_archived");
            }
            // A private channel nobody belongs to could never be seen or joined again.
            if (channel->kind == ConversationKind::private_channel &&
                writer.count_members(id) <= 1) {
                return make_error("last_member");
            }

            writer.remove_member(id, viewer.id);
            realtime::member_left_channel(writer, *channel, viewer.id, viewer.id);
            return LeaveOutcome{.was_member = true};
        });
}

Result<ConversationView> Conversations::invite(const User& inviter, const std::string& id,
                                               const std::vector<std::string>& user_ids) {
    if (user_ids.empty()) {
        return make_error("user_not_found");
    }
    if (user_ids.size() > kMaxInvitedUsers) {
        return make_error("too_many_users");
    }

    return write_value<ConversationView>(
        store_, [&](store::StoreWriter& writer) -> Result<ConversationView> {
            auto channel = find_writable(writer, inviter, id);
            if (!channel) {
                return channel.error();
            }
            if (is_dm(*channel)) {
                return unsupported_type();
            }
            if (inviter.role == Role::guest) {
                return make_error("restricted_action");
            }

            // Every user is checked before any is added: the call adds all of them or none.
            for (const auto& user_id : user_ids) {
                if (user_id == inviter.id) {
                    return make_error("cant_invite_self");
                }
                if (!find_team_user(writer, inviter.team_id, user_id, /*allow_deleted=*/false)) {
                    return make_error("user_not_found");
                }
                if (writer.find_membership(id, user_id)) {
                    return make_error("already_in_channel");
                }
            }
            for (const auto& user_id : user_ids) {
                writer.add_member(new_membership(id, user_id));
                realtime::member_joined_channel(writer, *channel, user_id, inviter.id);
            }
            return view_of(writer, inviter, std::move(*channel));
        });
}

Status Conversations::kick(const User& kicker, const std::string& id, const std::string& user_id) {
    return write_value<Done>(store_, [&](store::StoreWriter& writer) -> Result<Done> {
        auto channel = find_writable(writer, kicker, id);
        if (!channel) {
            return channel.error();
        }
        if (is_dm(*channel)) {
            return unsupported_type();
        }
        if (user_id == kicker.id) {
            return make_error("cant_kick_self");
        }
        if (channel->is_general) {
            return make_error("cant_kick_from_general");
        }
        if (!may_kick(kicker, *channel)) {
            return make_error("restricted_action");
        }
        if (!find_team_user(writer, kicker.team_id, user_id, /*allow_deleted=*/true)) {
            return make_error("user_not_found");
        }
        if (!writer.find_membership(id, user_id)) {
            return make_error("not_in_channel");
        }

        writer.remove_member(id, user_id);
        realtime::member_left_channel(writer, *channel, user_id, kicker.id);
        return Done{};
    });
}

Result<OpenOutcome> Conversations::open_dm(const User& viewer,
                                           const std::vector<std::string>& user_ids) {
    if (user_ids.empty()) {
        return make_error("users_list_not_supplied");
    }
    auto participant_ids = dm_participants(viewer, user_ids);
    if (participant_ids.size() > kMaxDmOthers + 1) {
        return make_error("too_many_users");
    }

    return write_value<OpenOutcome>(store_, [&](store::StoreWriter& writer) -> Result<OpenOutcome> {
        std::vector<User> participants;
        for (const auto& user_id : participant_ids) {
            auto user = find_team_user(writer, viewer.team_id, user_id, /*allow_deleted=*/true);
            if (!user) {
                return make_error("user_not_found");
            }
            participants.push_back(std::move(*user));
        }

        // The viewer is a participant, so finding the DM by its participants is access enough.
        if (auto existing = writer.find_dm(viewer.team_id, participant_ids)) {
            return open_found_dm(writer, viewer, std::move(*existing));
        }
        bool anyone_deleted = std::any_of(participants.begin(), participants.end(),
                                          [](const User& user) { return user.deleted; });
        if (anyone_deleted) {
            return make_error("user_not_found");
        }
        return create_dm(writer, viewer, participants);
    });
}

Result<OpenOutcome> Conversations::reopen(const User& viewer, const std::string& id) {
    return write_value<OpenOutcome>(store_, [&](store::StoreWriter& writer) -> Result<OpenOutcome> {
        auto dm = find_joined(writer, viewer, id);
        if (!dm) {
            return dm.error();
        }
        if (!is_dm(*dm)) {
            return unsupported_type();
        }
        return open_found_dm(writer, viewer, std::move(*dm));
    });
}

Result<CloseOutcome> Conversations::close(const User& viewer, const std::string& id) {
    return write_value<CloseOutcome>(store_,
                                     [&](store::StoreWriter& writer) -> Result<CloseOutcome> {
                                         auto dm = find_joined(writer, viewer, id);
                                         if (!dm) {
                                             return dm.error();
                                         }
                                         if (!is_dm(*dm)) {
                                             return unsupported_type();
                                         }
                                         auto membership = writer.find_membership(id, viewer.id);
                                         if (!membership || !membership->is_open) {
                                             return CloseOutcome{.was_open = false};
                                         }
                                         writer.set_open(id, viewer.id, false);
                                         realtime::dm_closed(writer, *dm, viewer.id);
                                         return CloseOutcome{.was_open = true};
                                     });
}

Result<ConversationView> Conversations::set_topic(const User& viewer, const std::string& id,
                                                  const std::string& topic) {
    return set_topic_or_purpose(viewer, id, topic, /*is_topic=*/true);
}

Result<ConversationView> Conversations::set_purpose(const User& viewer, const std::string& id,
                                                    const std::string& purpose) {
    return set_topic_or_purpose(viewer, id, purpose, /*is_topic=*/false);
}

Result<ConversationView> Conversations::set_topic_or_purpose(const User& viewer,
                                                             const std::string& id,
                                                             const std::string& text,
                                                             bool is_topic) {
    return write_value<ConversationView>(
        store_, [&](store::StoreWriter& writer) -> Result<ConversationView> {
            auto conversation = find_writable(writer, viewer, id);
            if (!conversation) {
                return conversation.error();
            }
            if (utf8_length(text) > kMaxTopicChars) {
                return make_error("too_long");
            }

            TopicOrPurpose& field = is_topic ? conversation->topic : conversation->purpose;
            field.value = text;
            field.creator = viewer.id;
            field.last_set = now_seconds();
            if (auto updated = writer.update_conversation(*conversation); !updated) {
                return updated.error();
            }
            return view_of(writer, viewer, std::move(*conversation));
        });
}

Result<ConversationView> Conversations::rename(const User& viewer, const std::string& id,
                                               const std::string& name) {
    return write_value<ConversationView>(
        store_, [&](store::StoreWriter& writer) -> Result<ConversationView> {
            auto channel = find_joined(writer, viewer, id);
            if (!channel) {
                return channel.error();
            }
            if (is_dm(*channel)) {
                return unsupported_type();
            }
            if (channel->is_archived) {
                return make_error("is_archived");
            }
            if (!may_rename(viewer, *channel)) {
                return make_error("not_authorized");
            }
            if (auto valid = check_channel_name(name); !valid) {
                return valid.error();
            }

            if (channel->name != name) {
                if (writer.find_channel_by_name(viewer.team_id, name)) {
                    return make_error("name_taken");
                }
                channel->name = name;
                if (auto updated = writer.update_conversation(*channel); !updated) {
                    return updated.error();
                }
                realtime::channel_renamed(writer, *channel);
            }
            return view_of(writer, viewer, std::move(*channel));
        });
}

Status Conversations::archive(const User& viewer, const std::string& id) {
    return set_archived(viewer, id, true);
}

Status Conversations::unarchive(const User& viewer, const std::string& id) {
    return set_archived(viewer, id, false);
}

Status Conversations::set_archived(const User& viewer, const std::string& id, bool archived) {
    return write_value<Done>(store_, [&](store::StoreWriter& writer) -> Result<Done> {
        auto channel = find_visible(writer, viewer, id);
        if (!channel) {
            return channel.error();
        }
        if (is_dm(*channel)) {
            return unsupported_type();
        }
        if (viewer.role == Role::guest) {
            return make_error("restricted_action");
        }
        if (!is_admin_or_owner(viewer.role) && !writer.find_membership(id, viewer.id)) {
            return make_error("not_in_channel");
        }
        if (channel->is_general) {
            return make_error("cant_archive_general");
        }
        if (channel->is_archived == archived) {
            return make_error(archived ? "already_archived" : "not_archived");
        }

        // Members stay: unarchiving gives the channel back exactly as it was.
        channel->is_archived = archived;
        if (auto updated = writer.update_conversation(*channel); !updated) {
            return updated.error();
        }
        if (archived) {
            realtime::channel_archived(writer, *channel, viewer.id);
        } else {
            realtime::channel_unarchived(writer, *channel, viewer.id);
        }
        return Done{};
    });
}

}  // namespace parley::chat
