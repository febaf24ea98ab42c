// The real-time events the domain appends to the event log: run real operations against a
// real SQLite file and read back what the log holds, in order, with its audience.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "api/call.hpp"
#include "api/router.hpp"
#include "auth/signin_throttle.hpp"
#include "chat/accounts.hpp"
#include "chat/conversations.hpp"
#include "chat/messages.hpp"
#include "common/json_value.hpp"
#include "common/slack_ts.hpp"
#include "net/http_types.hpp"
#include "realtime/hub.hpp"
#include "realtime/tickets.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley {
namespace {

using store::EventAudience;
using store::StoredEvent;

constexpr const char* kPassword = "correct horse battery";

// One event as read back from the log, with its payload parsed.
struct Event {
    std::string type;
    EventAudience audience;
    std::string conversation_id;
    std::string user_id;
    Json payload;
};

class DomainEvents : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "parley-events-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        store_ = store::sqlite::open_sqlite_store({.path = (dir_ / "parley.db").string()});
        accounts_ = std::make_unique<chat::Accounts>(*store_, throttle_);
        conversations_ = std::make_unique<chat::Conversations>(*store_);
        messages_ = std::make_unique<chat::Messages>(*store_);

        chat::NewUser owner;
        owner.email = "alice@example.com";
        owner.password = kPassword;
        auto created = accounts_->create_workspace("Events", owner);
        ASSERT_TRUE(created);
        alice_ = created->user;
        alice_token_ = created->token;
        team_id_ = created->team.id;
        bob_ = add_user("bob@example.com");
        carol_ = add_user("carol@example.com");
        general_id_ = find_general();
        skip_to_now();
    }

    void TearDown() override {
        store_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    chat::User add_user(const std::string& email) {
        chat::NewUser user;
        user.team_id = team_id_;
        user.email = email;
        user.password = kPassword;
        auto created = accounts_->create_user(user);
        EXPECT_TRUE(created);
        return created ? created->user : chat::User{};
    }

    std::string find_general() {
        std::string id;
        (void)store_->read([&](store::StoreReader& reader) -> Status {
            id = reader.find_general_channel(team_id_)->id;
            return ok_status();
        });
        return id;
    }

    // Events appended since the last call (or since SetUp), oldest first.
    std::vector<Event> new_events() {
        std::vector<StoredEvent> stored;
        EXPECT_TRUE(store_->read([&](store::StoreReader& reader) -> Status {
            stored = reader.events_after(team_id_, seen_seq_, 1000);
            return ok_status();
        }));
        std::vector<Event> events;
        for (const auto& row : stored) {
            seen_seq_ = row.seq;
            Json payload = Json::parse(row.payload);
            EXPECT_EQ(payload.at("type"), row.type);
            events.push_back(Event{row.type, row.audience, row.conversation_id, row.user_id,
                                   std::move(payload)});
        }
        return events;
    }

    void skip_to_now() { (void)new_events(); }

    chat::ConversationView create_channel(const std::string& name, bool is_private) {
        auto created = conversations_->create(alice_, name, is_private);
        EXPECT_TRUE(created);
        return *created;
    }

    chat::Message post(const chat::User& author, const std::string& channel,
                       const std::string& text, TsMicros thread_ts = 0, bool broadcast = false) {
        chat::PostRequest request;
        request.channel = channel;
        request.text = text;
        request.thread_ts = thread_ts;
        request.reply_broadcast = broadcast;
        auto posted = messages_->post(author, request);
        EXPECT_TRUE(posted);
        return posted ? posted->message : chat::Message{};
    }

    std::filesystem::path dir_;
    auth::SigninThrottle throttle_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<chat::Accounts> accounts_;
    std::unique_ptr<chat::Conversations> conversations_;
    std::unique_ptr<chat::Messages> messages_;
    std::string team_id_;
    std::string general_id_;
    chat::User alice_;
    chat::User bob_;
    chat::User carol_;
    std::string alice_token_;
    int64_t seen_seq_ = 0;
};

// ---- Messages ----------------------------------------------------------------------------

TEST_F(DomainEvents, PostAppendsMessageForTheConversation) {
    chat::Message message = post(bob_, general_id_, "hello");

    auto events = new_events();
    ASSERT_EQ(events.size(), 1u);
    const Event& event = events[0];
    EXPECT_EQ(event.type, "message");
    EXPECT_EQ(event.audience, EventAudience::conversation);
    EXPECT_EQ(event.conversation_id, general_id_);
    EXPECT_EQ(event.user_id, bob_.id);
    EXPECT_EQ(event.payload["channel"], general_id_);
    EXPECT_EQ(event.payload["user"], bob_.id);
    EXPECT_EQ(event.payload["text"], "hello");
    EXPECT_EQ(event.payload["team"], team_id_);
    EXPECT_EQ(event.payload["ts"], format_ts(message.ts));
    EXPECT_EQ(event.payload["event_ts"], format_ts(message.ts));
    EXPECT_FALSE(event.payload.contains("subtype"));
}

TEST_F(DomainEvents, MeMessageKeepsItsSubtype) {
    chat::PostRequest request;
    request.channel = general_id_;
    request.text = "waves";
    request.subtype = "me_message";
    ASSERT_TRUE(messages_->post(bob_, request));

    auto events = new_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].payload["subtype"], "me_message");
}

TEST_F(DomainEvents, ReplyAppendsMessageThenMessageRepliedWithTheParentsNewState) {
    chat::Message parent = post(alice_, general_id_, "question");
    skip_to_now();
    chat::Message reply = post(bob_, general_id_, "answer", parent.ts);

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "message");
    EXPECT_EQ(events[0].payload["ts"], format_ts(reply.ts));
    EXPECT_EQ(events[0].payload["thread_ts"], format_ts(parent.ts));
    EXPECT_EQ(events[0].payload["parent_user_id"], alice_.id);
    EXPECT_FALSE(events[0].payload.contains("root"));

    EXPECT_EQ(events[1].type, "message");
    EXPECT_EQ(events[1].audience, EventAudience::conversation);
    EXPECT_EQ(events[1].payload["subtype"], "message_replied");
    EXPECT_EQ(events[1].payload["hidden"], true);
    EXPECT_EQ(events[1].payload["message"]["ts"], format_ts(parent.ts));
    EXPECT_EQ(events[1].payload["message"]["reply_count"], 1);
    EXPECT_EQ(events[1].payload["message"]["latest_reply"], format_ts(reply.ts));
}

TEST_F(DomainEvents, BroadcastReplyCarriesItsRoot) {
    chat::Message parent = post(alice_, general_id_, "question");
    skip_to_now();
    post(bob_, general_id_, "answer for all", parent.ts, /*broadcast=*/true);

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].payload["subtype"], "thread_broadcast");
    EXPECT_EQ(events[0].payload["root"]["ts"], format_ts(parent.ts));
    EXPECT_EQ(events[0].payload["root"]["reply_count"], 1);
}

TEST_F(DomainEvents, EditAppendsMessageChangedWithThePreviousMessage) {
    chat::Message message = post(bob_, general_id_, "helo");
    skip_to_now();
    chat::MessageEdit edit;
    edit.text = "hello";
    ASSERT_TRUE(messages_->update(bob_, general_id_, message.ts, edit));

    auto events = new_events();
    ASSERT_EQ(events.size(), 1u);
    Json& payload = events[0].payload;
    EXPECT_EQ(events[0].user_id, bob_.id);
    EXPECT_EQ(payload["subtype"], "message_changed");
    EXPECT_EQ(payload["hidden"], true);
    EXPECT_EQ(payload["channel"], general_id_);
    EXPECT_EQ(payload["ts"], payload["event_ts"]);
    EXPECT_EQ(payload["message"]["ts"], format_ts(message.ts));
    EXPECT_EQ(payload["message"]["text"], "hello");
    EXPECT_EQ(payload["message"]["edited"]["user"], bob_.id);
    EXPECT_EQ(payload["previous_message"]["text"], "helo");
}

TEST_F(DomainEvents, DeleteAppendsMessageDeleted) {
    chat::Message message = post(bob_, general_id_, "oops");
    skip_to_now();
    ASSERT_TRUE(messages_->delete_message(alice_, general_id_, message.ts));

    auto events = new_events();
    ASSERT_EQ(events.size(), 1u);
    Json& payload = events[0].payload;
    EXPECT_EQ(events[0].user_id, alice_.id);
    EXPECT_EQ(payload["subtype"], "message_deleted");
    EXPECT_EQ(payload["hidden"], true);
    EXPECT_EQ(payload["deleted_ts"], format_ts(message.ts));
    EXPECT_EQ(payload["previous_message"]["text"], "oops");
}

TEST_F(DomainEvents, DeletedParentWithRepliesBecomesATombstoneThroughMessageChanged) {
    chat::Message parent = post(alice_, general_id_, "question");
    chat::Message reply = post(bob_, general_id_, "answer", parent.ts);
    skip_to_now();

    ASSERT_TRUE(messages_->delete_message(alice_, general_id_, parent.ts));
    auto events = new_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].payload["subtype"], "message_changed");
    EXPECT_EQ(events[0].payload["message"]["subtype"], "tombstone");
    EXPECT_EQ(events[0].payload["previous_message"]["text"], "question");

    // The last reply takes the tombstone with it: both are announced as deleted.
    ASSERT_TRUE(messages_->delete_message(bob_, general_id_, reply.ts));
    events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].payload["subtype"], "message_deleted");
    EXPECT_EQ(events[0].payload["deleted_ts"], format_ts(reply.ts));
    EXPECT_EQ(events[1].payload["subtype"], "message_deleted");
    EXPECT_EQ(events[1].payload["deleted_ts"], format_ts(parent.ts));
}

TEST_F(DomainEvents, DeletedReplyUpdatesItsLiveParent) {
    chat::Message parent = post(alice_, general_id_, "question");
    chat::Message reply = post(bob_, general_id_, "answer", parent.ts);
    skip_to_now();

    ASSERT_TRUE(messages_->delete_message(bob_, general_id_, reply.ts));
    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].payload["subtype"], "message_deleted");
    EXPECT_EQ(events[1].payload["subtype"], "message_changed");
    EXPECT_EQ(events[1].payload["previous_message"]["reply_count"], 1);
    EXPECT_FALSE(events[1].payload["message"].contains("reply_count"));  // No thread left.
}

TEST_F(DomainEvents, ReactionsNameTheItemAndItsAuthor) {
    chat::Message message = post(bob_, general_id_, "nice");
    skip_to_now();
    ASSERT_TRUE(messages_->add_reaction(carol_, general_id_, message.ts, "tada"));
    ASSERT_TRUE(messages_->remove_reaction(carol_, general_id_, message.ts, "tada"));

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "reaction_added");
    EXPECT_EQ(events[0].audience, EventAudience::conversation);
    EXPECT_EQ(events[0].conversation_id, general_id_);
    EXPECT_EQ(events[0].user_id, carol_.id);
    EXPECT_EQ(events[0].payload["user"], carol_.id);
    EXPECT_EQ(events[0].payload["reaction"], "tada");
    EXPECT_EQ(events[0].payload["item_user"], bob_.id);
    EXPECT_EQ(events[0].payload["item"],
              (Json{{"type", "message"}, {"channel", general_id_}, {"ts", format_ts(message.ts)}}));
    EXPECT_TRUE(events[0].payload.contains("event_ts"));
    EXPECT_EQ(events[1].type, "reaction_removed");
}

TEST_F(DomainEvents, PinsCarryTheMessageAndWhoPinnedIt) {
    chat::Message message = post(bob_, general_id_, "read this");
    skip_to_now();
    ASSERT_TRUE(messages_->pin(alice_, general_id_, message.ts));
    ASSERT_TRUE(messages_->unpin(alice_, general_id_, message.ts));

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "pin_added");
    EXPECT_EQ(events[0].audience, EventAudience::conversation);
    EXPECT_EQ(events[0].payload["user"], alice_.id);
    EXPECT_EQ(events[0].payload["channel_id"], general_id_);
    Json& item = events[0].payload["item"];
    EXPECT_EQ(item["type"], "message");
    EXPECT_EQ(item["channel"], general_id_);
    EXPECT_EQ(item["created_by"], alice_.id);
    EXPECT_GT(item["created"].get<int64_t>(), 0);
    EXPECT_EQ(item["message"]["text"], "read this");
    EXPECT_EQ(item["message"]["pinned_to"], Json::array({general_id_}));

    EXPECT_EQ(events[1].type, "pin_removed");
    EXPECT_EQ(events[1].payload["has_pins"], false);
    EXPECT_FALSE(events[1].payload["item"]["message"].contains("pinned_to"));
}

TEST_F(DomainEvents, MarkTellsOnlyTheReaderWithTheKindsEventName) {
    chat::Message first = post(alice_, general_id_, "one");
    post(alice_, general_id_, "two");
    skip_to_now();
    ASSERT_TRUE(messages_->mark(bob_, general_id_, first.ts));

    auto events = new_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "channel_marked");
    EXPECT_EQ(events[0].audience, EventAudience::user);
    EXPECT_EQ(events[0].user_id, bob_.id);
    EXPECT_EQ(events[0].payload["channel"], general_id_);
    EXPECT_EQ(events[0].payload["ts"], format_ts(first.ts));
    EXPECT_EQ(events[0].payload["unread_count_display"], 1);

    auto dm = conversations_->open_dm(bob_, {alice_.id});
    ASSERT_TRUE(dm);
    skip_to_now();
    ASSERT_TRUE(messages_->mark(bob_, dm->view.conversation.id, first.ts));
    events = new_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "im_marked");

    auto secret = create_channel("secret-marks", /*is_private=*/true);
    skip_to_now();
    ASSERT_TRUE(messages_->mark(alice_, secret.conversation.id, first.ts));
    events = new_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "group_marked");
}

// ---- Conversations -----------------------------------------------------------------------

TEST_F(DomainEvents, PublicChannelIsAnnouncedToTheTeamAndJoinedByItsCreator) {
    auto channel = create_channel("launch", /*is_private=*/false);
    const std::string& id = channel.conversation.id;

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "channel_created");
    EXPECT_EQ(events[0].audience, EventAudience::team);
    EXPECT_EQ(events[0].payload["channel"]["id"], id);
    EXPECT_EQ(events[0].payload["channel"]["name"], "launch");
    EXPECT_EQ(events[0].payload["channel"]["creator"], alice_.id);
    EXPECT_EQ(events[0].payload["channel"]["is_channel"], true);
    EXPECT_FALSE(events[0].payload["channel"].contains("is_member"));  // Differs per viewer.

    EXPECT_EQ(events[1].type, "channel_joined");
    EXPECT_EQ(events[1].audience, EventAudience::user);
    EXPECT_EQ(events[1].user_id, alice_.id);
    EXPECT_EQ(events[1].payload["channel"]["is_member"], true);
}

TEST_F(DomainEvents, PrivateChannelIsToldToItsCreatorOnly) {
    auto channel = create_channel("hush", /*is_private=*/true);

    auto events = new_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "group_joined");
    EXPECT_EQ(events[0].audience, EventAudience::user);
    EXPECT_EQ(events[0].user_id, alice_.id);
    EXPECT_EQ(events[0].payload["channel"]["id"], channel.conversation.id);
    EXPECT_EQ(events[0].payload["channel"]["is_private"], true);
}

TEST_F(DomainEvents, JoinTellsTheMembersAndTheJoiner) {
    auto channel = create_channel("launch", /*is_private=*/false);
    const std::string& id = channel.conversation.id;
    skip_to_now();
    ASSERT_TRUE(conversations_->join(bob_, id));

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "member_joined_channel");
    EXPECT_EQ(events[0].audience, EventAudience::conversation);
    EXPECT_EQ(events[0].conversation_id, id);
    EXPECT_EQ(events[0].user_id, bob_.id);
    EXPECT_EQ(events[0].payload["user"], bob_.id);
    EXPECT_EQ(events[0].payload["channel"], id);
    EXPECT_EQ(events[0].payload["channel_type"], "C");
    EXPECT_EQ(events[0].payload["team"], team_id_);
    EXPECT_FALSE(events[0].payload.contains("inviter"));

    EXPECT_EQ(events[1].type, "channel_joined");
    EXPECT_EQ(events[1].audience, EventAudience::user);
    EXPECT_EQ(events[1].user_id, bob_.id);
    EXPECT_EQ(events[1].payload["channel"]["num_members"], 2);

    // Joining again changes nothing and says nothing.
    ASSERT_TRUE(conversations_->join(bob_, id));
    EXPECT_TRUE(new_events().empty());
}

TEST_F(DomainEvents, InviteToPrivateChannelNamesTheInviterAndSendsGroupJoined) {
    auto channel = create_channel("hush", /*is_private=*/true);
    const std::string& id = channel.conversation.id;
    skip_to_now();
    ASSERT_TRUE(conversations_->invite(alice_, id, {bob_.id, carol_.id}));

    auto events = new_events();
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].type, "member_joined_channel");
    EXPECT_EQ(events[0].user_id, bob_.id);
    EXPECT_EQ(events[0].payload["channel_type"], "G");
    EXPECT_EQ(events[0].payload["inviter"], alice_.id);
    EXPECT_EQ(events[1].type, "group_joined");
    EXPECT_EQ(events[1].audience, EventAudience::user);
    EXPECT_EQ(events[1].user_id, bob_.id);
    EXPECT_EQ(events[2].type, "member_joined_channel");
    EXPECT_EQ(events[2].user_id, carol_.id);
    EXPECT_EQ(events[3].type, "group_joined");
    EXPECT_EQ(events[3].user_id, carol_.id);
}

TEST_F(DomainEvents, LeaveTellsTheMembersAndTheLeaver) {
    auto channel = create_channel("launch", /*is_private=*/false);
    const std::string& id = channel.conversation.id;
    ASSERT_TRUE(conversations_->join(bob_, id));
    skip_to_now();
    ASSERT_TRUE(conversations_->leave(bob_, id));

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "member_left_channel");
    EXPECT_EQ(events[0].audience, EventAudience::conversation);
    EXPECT_EQ(events[0].user_id, bob_.id);  // Still hears it, though no longer a member.
    EXPECT_EQ(events[0].payload["user"], bob_.id);
    EXPECT_EQ(events[0].payload["channel_type"], "C");
    EXPECT_EQ(events[1].type, "channel_left");
    EXPECT_EQ(events[1].audience, EventAudience::user);
    EXPECT_EQ(events[1].user_id, bob_.id);
    EXPECT_EQ(events[1].payload["channel"], id);
}

TEST_F(DomainEvents, KickFromPrivateChannelSendsGroupLeftWithTheActor) {
    auto channel = create_channel("hush", /*is_private=*/true);
    const std::string& id = channel.conversation.id;
    ASSERT_TRUE(conversations_->invite(alice_, id, {bob_.id}));
    skip_to_now();
    ASSERT_TRUE(conversations_->kick(alice_, id, bob_.id));

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "member_left_channel");
    EXPECT_EQ(events[0].user_id, bob_.id);
    EXPECT_EQ(events[0].payload["channel_type"], "G");
    EXPECT_EQ(events[1].type, "group_left");
    EXPECT_EQ(events[1].user_id, bob_.id);
    EXPECT_EQ(events[1].payload["actor_id"], alice_.id);
}

TEST_F(DomainEvents, RenameGoesToTheTeamForPublicAndToMembersForPrivate) {
    auto open_channel = create_channel("launch", /*is_private=*/false);
    auto hidden = create_channel("hush", /*is_private=*/true);
    skip_to_now();

    ASSERT_TRUE(conversations_->rename(alice_, open_channel.conversation.id, "liftoff"));
    ASSERT_TRUE(conversations_->rename(alice_, hidden.conversation.id, "quiet"));
    ASSERT_TRUE(conversations_->rename(alice_, hidden.conversation.id, "quiet"));  // No change.

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "channel_rename");
    EXPECT_EQ(events[0].audience, EventAudience::team);
    EXPECT_EQ(events[0].payload["channel"]["id"], open_channel.conversation.id);
    EXPECT_EQ(events[0].payload["channel"]["name"], "liftoff");
    EXPECT_EQ(events[0].payload["channel"]["created"], open_channel.conversation.created);
    EXPECT_EQ(events[1].type, "group_rename");
    EXPECT_EQ(events[1].audience, EventAudience::conversation);
    EXPECT_EQ(events[1].conversation_id, hidden.conversation.id);
}

TEST_F(DomainEvents, ArchiveAndUnarchiveNameTheActor) {
    auto open_channel = create_channel("launch", /*is_private=*/false);
    auto hidden = create_channel("hush", /*is_private=*/true);
    skip_to_now();

    ASSERT_TRUE(conversations_->archive(alice_, open_channel.conversation.id));
    ASSERT_TRUE(conversations_->unarchive(alice_, open_channel.conversation.id));
    ASSERT_TRUE(conversations_->archive(alice_, hidden.conversation.id));

    auto events = new_events();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].type, "channel_archive");
    EXPECT_EQ(events[0].audience, EventAudience::team);
    EXPECT_EQ(events[0].payload["channel"], open_channel.conversation.id);
    EXPECT_EQ(events[0].payload["user"], alice_.id);
    EXPECT_EQ(events[1].type, "channel_unarchive");
    EXPECT_EQ(events[2].type, "group_archive");
    EXPECT_EQ(events[2].audience, EventAudience::conversation);
    EXPECT_EQ(events[2].user_id, alice_.id);
}

TEST_F(DomainEvents, NewImIsAnnouncedToEachParticipantWithTheOtherAsUser) {
    auto opened = conversations_->open_dm(alice_, {bob_.id});
    ASSERT_TRUE(opened);
    const std::string& id = opened->view.conversation.id;

    auto events = new_events();
    ASSERT_EQ(events.size(), 2u);
    for (auto& event : events) {
        EXPECT_EQ(event.type, "im_created");
        EXPECT_EQ(event.audience, EventAudience::user);
        EXPECT_EQ(event.conversation_id, id);
        EXPECT_EQ(event.payload["channel"]["id"], id);
        EXPECT_EQ(event.payload["channel"]["is_im"], true);
        std::string other = event.user_id == alice_.id ? bob_.id : alice_.id;
        EXPECT_EQ(event.payload["user"], other);
        EXPECT_EQ(event.payload["channel"]["user"], other);
    }
    EXPECT_NE(events[0].user_id, events[1].user_id);

    // Opening it again while open says nothing; closing and reopening tell the closer.
    ASSERT_TRUE(conversations_->open_dm(alice_, {bob_.id}));
    EXPECT_TRUE(new_events().empty());
    ASSERT_TRUE(conversations_->close(alice_, id));
    ASSERT_TRUE(conversations_->reopen(alice_, id));
    events = new_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "im_close");
    EXPECT_EQ(events[0].user_id, alice_.id);
    EXPECT_EQ(events[1].type, "im_open");
    EXPECT_EQ(events[1].audience, EventAudience::user);
}

TEST_F(DomainEvents, NewMpimSendsMpimJoinedToEveryParticipant) {
    auto opened = conversations_->open_dm(alice_, {bob_.id, carol_.id});
    ASSERT_TRUE(opened);

    auto events = new_events();
    ASSERT_EQ(events.size(), 3u);
    std::vector<std::string> told;
    for (auto& event : events) {
        EXPECT_EQ(event.type, "mpim_joined");
        EXPECT_EQ(event.audience, EventAudience::user);
        EXPECT_EQ(event.payload["channel"]["is_mpim"], true);
        told.push_back(event.user_id);
    }
    std::sort(told.begin(), told.end());
    std::vector<std::string> participants = {alice_.id, bob_.id, carol_.id};
    std::sort(participants.begin(), participants.end());
    EXPECT_EQ(told, participants);
}

TEST_F(DomainEvents, PostingToAUserCreatesTheImBeforeTheMessage) {
    post(alice_, bob_.id, "hi bob");

    auto events = new_events();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].type, "im_created");
    EXPECT_EQ(events[1].type, "im_created");
    EXPECT_EQ(events[2].type, "message");
    EXPECT_EQ(events[2].conversation_id, events[0].conversation_id);
}

// ---- People ------------------------------------------------------------------------------

TEST_F(DomainEvents, NewUserJoinsTheTeamAndGeneral) {
    chat::User dave = add_user("dave@example.com");

    auto events = new_events();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].type, "team_join");
    EXPECT_EQ(events[0].audience, EventAudience::team);
    EXPECT_EQ(events[0].payload["user"]["id"], dave.id);
    EXPECT_EQ(events[0].payload["user"]["name"], "dave");
    EXPECT_EQ(events[1].type, "member_joined_channel");
    EXPECT_EQ(events[1].conversation_id, general_id_);
    EXPECT_EQ(events[1].user_id, dave.id);
    EXPECT_EQ(events[2].type, "channel_joined");
}

TEST_F(DomainEvents, AcceptedInvitationIsATeamJoin) {
    auto invitation = accounts_->invite(alice_, "erin@example.com", chat::Role::member, 1, 3600);
    ASSERT_TRUE(invitation);
    chat::NewUser erin;
    erin.email = "erin@example.com";
    erin.password = kPassword;
    auto joined = accounts_->accept_invitation(invitation->secret, erin, "127.0.0.1");
    ASSERT_TRUE(joined);

    auto events = new_events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events[0].type, "team_join");
    EXPECT_EQ(events[0].payload["user"]["id"], joined->user.id);
}

TEST_F(DomainEvents, DeactivationIsAUserChange) {
    ASSERT_TRUE(accounts_->deactivate_user(carol_.id));

    auto events = new_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "user_change");
    EXPECT_EQ(events[0].audience, EventAudience::team);
    EXPECT_EQ(events[0].user_id, carol_.id);
    EXPECT_EQ(events[0].payload["user"]["deleted"], true);
    EXPECT_TRUE(events[0].payload.contains("event_ts"));
}

TEST_F(DomainEvents, ProfileSetThroughTheWebApiIsAUserChange) {
    realtime::Hub hub("test-epoch", 0, realtime::HubOptions{});
    realtime::TicketBook tickets;
    api::Services services{*store_,   *accounts_, *conversations_, *messages_,
                           throttle_, hub,        tickets,         {}};
    api::Router router(services, api::build_method_table());
    net::HttpRequest request;
    request.method = "POST";
    request.target = "/api/users.profile.set";
    request.content_type = "application/x-www-form-urlencoded";
    request.authorization = "Bearer " + alice_token_;
    request.body = "name=title&value=Captain";
    request.remote_address = "127.0.0.1";
    auto response = router.handle(request);
    ASSERT_EQ(Json::parse(response.body)["ok"], true) << response.body;

    auto events = new_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "user_change");
    EXPECT_EQ(events[0].audience, EventAudience::team);
    EXPECT_EQ(events[0].payload["user"]["id"], alice_.id);
    EXPECT_EQ(events[0].payload["user"]["profile"]["title"], "Captain");
}

// ---- Failures append nothing -------------------------------------------------------------

TEST_F(DomainEvents, PostToAnArchivedChannelAppendsNothing) {
    auto channel = create_channel("launch", /*is_private=*/false);
    ASSERT_TRUE(conversations_->archive(alice_, channel.conversation.id));
    skip_to_now();

    chat::PostRequest request;
    request.channel = channel.conversation.id;
    request.text = "anyone?";
    auto posted = messages_->post(alice_, request);
    ASSERT_FALSE(posted);
    EXPECT_EQ(posted.error().name, "is_archived");
    EXPECT_TRUE(new_events().empty());
}

TEST_F(DomainEvents, InviteThatFailsPartWayAppendsNothing) {
    auto channel = create_channel("hush", /*is_private=*/true);
    ASSERT_TRUE(conversations_->invite(alice_, channel.conversation.id, {carol_.id}));
    skip_to_now();

    // bob would be added, carol is already in: the call adds nobody and says nothing.
    auto invited = conversations_->invite(alice_, channel.conversation.id, {bob_.id, carol_.id});
    ASSERT_FALSE(invited);
    EXPECT_EQ(invited.error().name, "already_in_channel");
    EXPECT_TRUE(new_events().empty());
}

TEST_F(DomainEvents, RepeatedPostWithTheSameClientMsgIdAppendsOnce) {
    chat::PostRequest request;
    request.channel = general_id_;
    request.text = "once";
    request.client_msg_id = "4d6c1e0a-retry";
    ASSERT_TRUE(messages_->post(bob_, request));
    ASSERT_TRUE(messages_->post(bob_, request));
    EXPECT_EQ(new_events().size(), 1u);
}

TEST_F(DomainEvents, FailedReactionAndPinAppendNothing) {
    chat::Message message = post(bob_, general_id_, "nice");
    ASSERT_TRUE(messages_->add_reaction(carol_, general_id_, message.ts, "tada"));
    skip_to_now();

    EXPECT_FALSE(messages_->add_reaction(carol_, general_id_, message.ts, "tada"));
    EXPECT_FALSE(messages_->remove_reaction(bob_, general_id_, message.ts, "tada"));
    EXPECT_FALSE(messages_->unpin(alice_, general_id_, message.ts));
    EXPECT_TRUE(new_events().empty());
}

}  // namespace
}  // namespace parley
