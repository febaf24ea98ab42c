#include "chat/messages.hpp"

#include <algorithm>

#include "chat/access.hpp"
#include "chat/mentions.hpp"
#include "common/ids.hpp"
#include "common/utf8.hpp"
#include "realtime/events.hpp"
#include "store/store.hpp"

namespace parley::chat {

namespace {

constexpr std::string_view kSkinToneSeparator = "::";

bool is_reply(const Message& message) {
    return message.thread_ts != 0 && message.thread_ts != message.ts;
}

bool names_user(const std::string& channel) {
    return is_id_shaped(channel, 'U') || is_id_shaped(channel, 'W');
}

Status check_content(const std::string& text, const std::string& blocks_json) {
    if (text.empty() && blocks_json.empty()) {
        return make_error("no_text");
    }
    if (utf8_length(text) > kMaxMessageChars) {
        return make_error("msg_too_long");
    }
    return ok_status();
}

// A message that exists and is not a tombstone, or Error{"message_not_found"}.
Result<Message> find_live_message(store::StoreReader& reader, const std::string& conversation_id,
                                  TsMicros ts) {
    auto message = reader.find_message(conversation_id, ts);
    if (!message || message->deleted) {
        return make_error("message_not_found");
    }
    return std::move(*message);
}

// A visible conversation that may still change: update and delete are governed by who wrote
// the message, not by membership, so they need only visibility.
Result<Conversation> find_changeable(store::StoreReader& reader, const User& actor,
                                     const std::string& channel) {
    auto conversation = find_visible(reader, actor, channel);
    if (conversation && conversation->is_archived) {
        return make_error("is_archived");
    }
    return conversation;
}

using ConversationFinder = Result<Conversation> (*)(store::StoreReader&, const User&,
                                                    const std::string&);

// One write transaction that finds the conversation (as `find` allows the actor to) and a
// live message in it, then runs `change(tx, conversation, message)`: the shape of every
// action on one message (delete, reactions, pins).
template <class Change>
Status change_live_message(store::Store& store, ConversationFinder find, const User& actor,
                           const std::string& channel, TsMicros ts, Change&& change) {
    return store.write([&](store::StoreWriter& tx) -> Status {
        auto conversation = find(tx, actor, channel);
        if (!conversation) {
            return conversation.error();
        }
        auto message = find_live_message(tx, conversation->id, ts);
        if (!message) {
            return message.error();
        }
        return change(tx, *conversation, *message);
    });
}

// The DM between `author` and `user_id`, created (with both as members) if it does not
// exist yet. A DM with oneself has one participant.
Result<Conversation> open_dm(store::StoreWriter& tx, const User& author,
                             const std::string& user_id) {
    auto other = tx.find_user(user_id);
    if (!other || other->team_id != author.team_id || other->deleted) {
        return make_error("channel_not_found");
    }
    std::vector<std::string> users = {author.id, other->id};
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    if (auto existing = tx.find_dm(author.team_id, users)) {
        return std::move(*existing);
    }

    // TODO(#2): guests should only reach people they share a conversation with;
    // conversations.open does not check it either, so both wait for one shared rule.
    Conversation dm;
    dm.id = new_id('D');
    dm.team_id = author.team_id;
    dm.kind = ConversationKind::im;
    dm.creator = author.id;
    dm.created = now_seconds();
    dm.dm_users = users;
    if (auto inserted = tx.insert_conversation(dm); !inserted) {
        return inserted.error();
    }
    for (const auto& user : users) {
        tx.add_member(Membership{dm.id, user, dm.created, 0, true});
    }
    realtime::dm_created(tx, dm);
    return dm;
}

// Where a post goes: a conversation id, or the DM with a user id.
Result<Conversation> resolve_target(store::StoreWriter& tx, const User& author,
                                    const std::string& channel) {
    if (!names_user(channel)) {
        return find_writable(tx, author, channel);
    }
    auto dm = open_dm(tx, author, channel);
    if (!dm) {
        return dm;
    }
    return find_writable(tx, author, dm->id);
}

// A new message in a DM brings the DM back for anyone who had closed it.
void reopen_dm(store::StoreWriter& tx, const Conversation& conversation) {
    if (conversation.kind != ConversationKind::im && conversation.kind != ConversationKind::mpim) {
        return;
    }
    for (const auto& user : conversation.dm_users) {
        auto membership = tx.find_membership(conversation.id, user);
        if (membership && !membership->is_open) {
            tx.set_open(conversation.id, user, true);
        }
    }
}

Message new_message(const User& author, const Conversation& conversation,
                    const PostRequest& request) {
    Message message;
    message.conversation_id = conversation.id;
    message.user_id = author.id;
    message.subtype = request.subtype;
    message.text = request.text;
    message.blocks_json = request.blocks_json;
    message.thread_ts = request.thread_ts;
    message.client_msg_id = request.client_msg_id;
    message.mentions = parse_mentions(request.text);
    if (request.thread_ts != 0 && request.reply_broadcast) {
        message.subtype = "thread_broadcast";
    }
    return message;
}

// The inclusive bounds [low, high] a window covers, 0 meaning unbounded, or nothing when
// the window is empty. Paging positions are exclusive whatever `inclusive` says.
struct Bounds {
    TsMicros low = 0;
    TsMicros high = 0;
};

std::optional<Bounds> bounds_of(const ReadWindow& window, bool newest_first) {
    Bounds bounds;
    if (window.oldest != 0) {
        bounds.low = window.inclusive ? window.oldest : window.oldest + 1;
    }
    if (window.latest != 0) {
        bounds.high = window.inclusive ? window.latest : window.latest - 1;
        if (bounds.high <= 0) {
            return std::nullopt;
        }
    }
    if (window.after) {
        if (newest_first) {
            TsMicros below = *window.after - 1;
            if (below <= 0) {
                return std::nullopt;
            }
            bounds.high = bounds.high == 0 ? below : std::min(bounds.high, below);
        } else {
            bounds.low = std::max(bounds.low, *window.after + 1);
        }
    }
    if (bounds.low != 0 && bounds.high != 0 && bounds.low > bounds.high) {
        return std::nullopt;
    }
    return bounds;
}

store::MessageRange range_of(const Bounds& bounds, size_t limit) {
    store::MessageRange range;
    range.oldest = bounds.low;
    range.latest = bounds.high;
    range.inclusive = true;
    range.limit = limit + 1;  // One more than asked tells whether there is more.
    return range;
}

void finish_page(MessagePage& page, size_t limit) {
    if (page.messages.size() > limit) {
        page.messages.resize(limit);
        page.has_more = true;
        page.next_position = page.messages.back().ts;
    }
}

size_t reactions_by(const Message& message, const std::string& user_id) {
    size_t count = 0;
    for (const auto& reaction : message.reactions) {
        count +=
            static_cast<size_t>(std::count(reaction.users.begin(), reaction.users.end(), user_id));
    }
    return count;
}

bool has_reaction_name(const Message& message, const std::string& name) {
    return std::any_of(message.reactions.begin(), message.reactions.end(),
                       [&](const Reaction& reaction) { return reaction.name == name; });
}

bool has_reacted(const Message& message, const std::string& name, const std::string& user_id) {
    return std::any_of(
        message.reactions.begin(), message.reactions.end(), [&](const Reaction& reaction) {
            return reaction.name == name && std::find(reaction.users.begin(), reaction.users.end(),
                                                      user_id) != reaction.users.end();
        });
}

bool is_emoji_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '-';
}

}  // namespace

bool is_valid_reaction_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxReactionNameBytes) {
        return false;
    }
    std::string_view base = name;
    size_t separator = name.find(kSkinToneSeparator);
    if (separator != std::string_view::npos) {
        std::string_view tone = name.substr(separator + kSkinToneSeparator.size());
        if (tone.size() != 11 || tone.substr(0, 10) != "skin-tone-" || tone[10] < '2' ||
            tone[10] > '6') {
            return false;
        }
        base = name.substr(0, separator);
    }
    return !base.empty() && std::all_of(base.begin(), base.end(), is_emoji_char);
}

Result<Posted> Messages::post(const User& author, const PostRequest& request) {
    if (auto valid = check_content(request.text, request.blocks_json); !valid) {
        return valid.error();
    }

    std::optional<Posted> posted;
    Status written = store_.write([&](store::StoreWriter& tx) -> Status {
        auto conversation = resolve_target(tx, author, request.channel);
        if (!conversation) {
            return conversation.error();
        }

        // Inside the write: the single writer makes "look, then insert" atomic, so two
        // retries of one post cannot both insert.
        if (!request.client_msg_id.empty()) {
            auto earlier =
                tx.find_message_by_client_id(conversation->id, author.id, request.client_msg_id);
            if (earlier) {
                posted = Posted{*conversation, std::move(*earlier), {}, false};
                return ok_status();
            }
        }

        std::string parent_user_id;
        if (request.thread_ts != 0) {
            auto parent = tx.find_message(conversation->id, request.thread_ts);
            if (!parent || is_reply(*parent)) {
                return make_error("thread_not_found");
            }
            parent_user_id = parent->user_id;
        }

        Message message = new_message(author, *conversation, request);
        tx.insert_message(message);
        reopen_dm(tx, *conversation);
        realtime::message_posted(tx, *conversation, message);
        posted = Posted{*conversation, std::move(message), std::move(parent_user_id), true};
        return ok_status();
    });
    if (!written) {
        return written.error();
    }
    return std::move(*posted);
}

Result<Message> Messages::update(const User& editor, const std::string& channel, TsMicros ts,
                                 const MessageEdit& edit) {
    if (edit.text && utf8_length(*edit.text) > kMaxMessageChars) {
        return make_error("msg_too_long");
    }

    std::optional<Message> updated;
    Status written = store_.write([&](store::StoreWriter& tx) -> Status {
        auto conversation = find_changeable(tx, editor, channel);
        if (!conversation) {
            return conversation.error();
        }
        auto message = find_live_message(tx, conversation->id, ts);
        if (!message) {
            return message.error();
        }
        if (message->user_id != editor.id) {
            return make_error("cant_update_message");
        }

        Message before = *message;
        if (edit.text) {
            message->text = *edit.text;
        }
        if (edit.blocks_json) {
            message->blocks_json = *edit.blocks_json;
        }
        if (auto valid = check_content(message->text, message->blocks_json); !valid) {
            return valid;
        }
        message->mentions = parse_mentions(message->text);
        message->edited_by = editor.id;
        message->edited_ts = now_micros();
        tx.update_message(*message);
        realtime::message_changed(tx, *conversation, editor.id, before, *message);
        updated = std::move(*message);
        return ok_status();
    });
    if (!written) {
        return written.error();
    }
    return std::move(*updated);
}

Status Messages::delete_message(const User& actor, const std::string& channel, TsMicros ts) {
    return change_live_message(
        store_, find_changeable, actor, channel, ts,
        [&](store::StoreWriter& tx, const Conversation& conversation,
            const Message& message) -> Status {
            if (message.user_id != actor.id && !is_admin_or_owner(actor.role)) {
                return make_error("cant_delete_message");
            }

            // Read before the delete changes it: events carry the parent's state before and after.
            std::optional<Message> parent;
            if (is_reply(message)) {
                parent = tx.find_message(conversation.id, message.thread_ts);
            }
            tx.delete_message(conversation.id, ts);
            realtime::message_deleted(tx, conversation, actor.id, message, parent);
            return ok_status();
        });
}

Status Messages::add_reaction(const User& actor, const std::string& channel, TsMicros ts,
                              const std::string& name) {
    if (!is_valid_reaction_name(name)) {
        return make_error("invalid_name");
    }
    return change_live_message(
        store_, find_writable, actor, channel, ts,
        [&](store::StoreWriter& tx, const Conversation& conversation,
            const Message& message) -> Status {
            if (has_reacted(message, name, actor.id)) {
                return make_error("already_reacted");
            }
            if (!has_reaction_name(message, name) &&
                message.reactions.size() >= kMaxReactionNamesPerMessage) {
                return make_error("too_many_emoji");
            }
            if (reactions_by(message, actor.id) >= kMaxReactionsPerUser) {
                return make_error("too_many_reactions");
            }
            if (auto added = tx.add_reaction(conversation.id, ts, name, actor.id); !added) {
                return added;
            }
            realtime::reaction_added(tx, conversation, message, actor.id, name);
            return ok_status();
        });
}

Status Messages::remove_reaction(const User& actor, const std::string& channel, TsMicros ts,
                                 const std::string& name) {
    if (!is_valid_reaction_name(name)) {
        return make_error("invalid_name");
    }
    return change_live_message(
        store_, find_writable, actor, channel, ts,
        [&](store::StoreWriter& tx, const Conversation& conversation,
            const Message& message) -> Status {
            if (auto removed = tx.remove_reaction(conversation.id, ts, name, actor.id); !removed) {
                return removed;
            }
            realtime::reaction_removed(tx, conversation, message, actor.id, name);
            return ok_status();
        });
}

Status Messages::pin(const User& actor, const std::string& channel, TsMicros ts) {
    return change_live_message(
        store_, find_writable, actor, channel, ts,
        [&](store::StoreWriter& tx, const Conversation& conversation,
            const Message& message) -> Status {
            if (message.pinned) {
                return make_error("already_pinned");
            }
            if (tx.pinned_messages(conversation.id).size() >= kMaxPinsPerConversation) {
                return make_error("too_many_pins");
            }
            if (auto pinned = tx.add_pin(conversation.id, ts, actor.id); !pinned) {
                return pinned;
            }
            realtime::pin_added(tx, conversation, ts, actor.id);
            return ok_status();
        });
}

Status Messages::unpin(const User& actor, const std::string& channel, TsMicros ts) {
    return change_live_message(store_, find_writable, actor, channel, ts,
                               [&](store::StoreWriter& tx, const Conversation& conversation,
                                   const Message& message) -> Status {
                                   if (auto unpinned = tx.remove_pin(conversation.id, ts);
                                       !unpinned) {
                                       return unpinned;
                                   }
                                   realtime::pin_removed(tx, conversation, message, actor.id);
                                   return ok_status();
                               });
}

Result<Message> Messages::find(const User& viewer, const std::string& channel, TsMicros ts) {
    std::optional<Message> found;
    Status read = store_.read([&](store::StoreReader& reader) -> Status {
        auto conversation = find_visible(reader, viewer, channel);
        if (!conversation) {
            return conversation.error();
        }
        auto message = find_live_message(reader, conversation->id, ts);
        if (!message) {
            return message.error();
        }
        found = std::move(*message);
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    return std::move(*found);
}

Result<std::vector<Message>> Messages::pins(const User& viewer, const std::string& channel) {
    std::vector<Message> pinned;
    Status read = store_.read([&](store::StoreReader& reader) -> Status {
        auto conversation = find_visible(reader, viewer, channel);
        if (!conversation) {
            return conversation.error();
        }
        pinned = reader.pinned_messages(conversation->id);
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    return pinned;
}

Result<MessagePage> Messages::history(const User& viewer, const std::string& channel,
                                      const ReadWindow& window) {
    MessagePage page;
    Status read = store_.read([&](store::StoreReader& reader) -> Status {
        auto conversation = find_visible(reader, viewer, channel);
        if (!conversation) {
            return conversation.error();
        }
        auto bounds = bounds_of(window, /*newest_first=*/true);
        if (bounds) {
            page.messages = reader.history(conversation->id, range_of(*bounds, window.limit));
        }
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    finish_page(page, window.limit);
    return page;
}

Result<MessagePage> Messages::replies(const User& viewer, const std::string& channel, TsMicros ts,
                                      const ReadWindow& window) {
    MessagePage page;
    Status read = store_.read([&](store::StoreReader& reader) -> Status {
        auto conversation = find_visible(reader, viewer, channel);
        if (!conversation) {
            return conversation.error();
        }
        auto target = reader.find_message(conversation->id, ts);
        if (!target) {
            return make_error("thread_not_found");
        }

        // A reply's ts names its thread too, as in Slack.
        std::optional<Message> parent = target;
        if (is_reply(*target)) {
            parent = reader.find_message(conversation->id, target->thread_ts);
        }
        TsMicros thread_ts = is_reply(*target) ? target->thread_ts : target->ts;
        page.parent_user_id = parent ? parent->user_id : std::string();

        auto bounds = bounds_of(window, /*newest_first=*/false);
        if (bounds) {
            page.messages =
                reader.replies(conversation->id, thread_ts, range_of(*bounds, window.limit));
        }
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    finish_page(page, window.limit);
    return page;
}

Status Messages::mark(const User& viewer, const std::string& channel, TsMicros ts) {
    return store_.write([&](store::StoreWriter& tx) -> Status {
        auto conversation = find_joined(tx, viewer, channel);
        if (!conversation) {
            return conversation.error();
        }
        tx.set_last_read(conversation->id, viewer.id, ts);
        realtime::conversation_marked(tx, *conversation, viewer.id, ts);
        return ok_status();
    });
}

Result<std::string> Messages::permalink(const User& viewer, const std::string& channel, TsMicros ts,
                                        std::string_view public_url) {
    std::optional<Message> message;
    Status read = store_.read([&](store::StoreReader& reader) -> Status {
        auto conversation = find_visible(reader, viewer, channel);
        if (!conversation) {
            return conversation.error();
        }
        message = reader.find_message(conversation->id, ts);
        return message ? ok_status() : Status(make_error("message_not_found"));
    });
    if (!read) {
        return read.error();
    }

    std::string base(public_url);
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    std::string digits = format_ts(ts);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    std::string link = base + "/archives/" + channel + "/p" + digits;
    if (is_reply(*message)) {
        link += "?thread_ts=" + format_ts(message->thread_ts) + "&cid=" + channel;
    }
    return link;
}

}  // namespace parley::chat
