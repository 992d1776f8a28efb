#pragma once

#include <string>
#include <string_view>

#include "pulse_board.hpp"

namespace nationpulse::kubepulse {

/// `text` safe inside HTML text and quoted attributes (& < > " ' escaped).
std::string EscapeHtml(std::string_view text);

/// The whole dashboard page (GET /): self-contained (inline CSS and JS, no external asset, works
/// offline), rendered with the snapshot's data so it is useful without JavaScript. One row per
/// target (name, coloured status badge, latency, since when and for how long, last error, a
/// timeline of the recent rounds with tooltips), a headline ("All services serving" / "2 of 4 not
/// serving") and the last round's time. Its script fetches api/status every interval and redraws
/// the rows with DOM text nodes only, then marks <body data-source="live" data-round="N">; without
/// JavaScript a <noscript> meta refresh reloads the page every interval. Below 700 px the table
/// turns into one card per row. Every text from the snapshot is escaped. Times shown are the
/// process's local time (the script switches them to the browser's).
std::string DashboardHtml(const BoardSnapshot& snapshot, Clock::time_point now);

}  // namespace nationpulse::kubepulse
