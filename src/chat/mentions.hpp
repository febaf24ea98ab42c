// Mentions inside message text, in Slack's markup: <@U…> and <@U…|label> for people,
// <#C…> and <#C…|label> for channels, <!channel>, <!here> and <!everyone> (also with a
// "|label"). Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "chat/model.hpp"

namespace parley::chat {

// At most this many distinct users and, separately, channels are taken from one text. A
// 40,000 character message could otherwise name thousands, and every mentioned user costs a
// row in the store.
constexpr size_t kMaxMentionsPerKind = 500;

// Every well-formed mention in `text`, users and channels in order of first appearance
// without duplicates. Malformed markup (an unclosed '<', an id of the wrong shape, an
// unknown <!command>) is ignored, never an error. Runs in time linear in the text.
Mentions parse_mentions(std::string_view text);

}  // namespace parley::chat
