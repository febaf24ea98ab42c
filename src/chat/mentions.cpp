#include "chat/mentions.hpp"

#include <algorithm>

#include "common/ids.hpp"

namespace parley::chat {

namespace {

void add_unique(std::vector<std::string>& ids, std::string_view id) {
    if (ids.size() >= kMaxMentionsPerKind) {
        return;
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
        ids.emplace_back(id);
    }
}

// The part before an optional "|label".
std::string_view target_of(std::string_view inside) {
    return inside.substr(0, inside.find('|'));
}

// `inside` is the markup between '<' and '>', e.g. "@U123|alice" or "!here".
void apply_markup(std::string_view inside, Mentions& mentions) {
    if (inside.empty()) {
        return;
    }
    std::string_view target = target_of(inside.substr(1));
    switch (inside[0]) {
        case '@':
            // U: people; W: people of an enterprise grid, which Slack clients may send.
            if (is_id_shaped(target, 'U') || is_id_shaped(target, 'W')) {
                add_unique(mentions.users, target);
            }
            break;
        case '#':
            if (is_id_shaped(target, 'C') || is_id_shaped(target, 'G')) {
                add_unique(mentions.channels, target);
            }
            break;
        case '!':
            if (target == "channel") {
                mentions.channel = true;
            } else if (target == "here") {
                mentions.here = true;
            } else if (target == "everyone") {
                mentions.everyone = true;
            }
            break;
        default:
            break;  // A link (<https://…>) or plain text between brackets.
    }
}

}  // namespace

Mentions parse_mentions(std::string_view text) {
    Mentions mentions;
    size_t i = text.find('<');
    while (i != std::string_view::npos) {
        // The markup ends at the next '>'. A '<' before it means the first one was never
        // closed: start again from the later one, so every byte is looked at a bounded
        // number of times.
        size_t end = text.find_first_of("<>", i + 1);
        if (end == std::string_view::npos) {
            break;
        }
        if (text[end] == '<') {
            i = end;
            continue;
        }
        apply_markup(text.substr(i + 1, end - i - 1), mentions);
        i = text.find('<', end + 1);
    }
    return mentions;
}

}  // namespace parley::chat
