#include "dashboard.hpp"

#include <cstdio>
#include <ctime>

#include "console.hpp"

namespace nationpulse::kubepulse {

namespace {

// Kept in one place so the server-rendered rows and the script's rows cannot drift apart in look:
// the script builds exactly this markup (see kScript).
constexpr std::string_view kStyle = R"css(
:root{--bg:#f5f6f8;--fg:#1d2330;--muted:#5d6779;--card:#fff;--line:#e2e6ec;
--ok:#0f8a4f;--bad:#d92d20;--warn:#b54708;--down:#912018;--off:#8a94a6}
@media (prefers-color-scheme:dark){:root{--bg:#0f1420;--fg:#e6e9ef;--muted:#9aa3b5;--card:#171d2b;--line:#283044}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header,main,footer{max-width:1100px;margin:0 auto;padding:12px 16px}
h1{font-size:1.25rem;margin:0}
.sub,.meta,footer{color:var(--muted);font-size:.875rem}
.sub,.meta{margin:.25rem 0 0}
.overall{display:inline-block;margin-top:10px;padding:6px 14px;border-radius:999px;font-weight:600;color:#fff;background:var(--off)}
.overall.ok{background:var(--ok)}.overall.bad{background:var(--bad)}
.stale{color:var(--bad);font-weight:600}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line)}
th,td{padding:10px 12px;text-align:left;vertical-align:middle;border-bottom:1px solid var(--line)}
th{font-size:.72rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}
.name{display:block;font-weight:600}
.target{display:block;color:var(--muted);font-size:.8rem;word-break:break-all}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:.8rem;font-weight:600;color:#fff;white-space:nowrap}
.ok.badge,.ok.tick{background:var(--ok)}.bad.badge,.bad.tick{background:var(--bad)}
.warn.badge,.warn.tick{background:var(--warn)}.down.badge,.down.tick{background:var(--down)}
.off.badge,.off.tick{background:var(--off)}
.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.for,.old{color:var(--muted)}
.err{max-width:300px;font-size:.85rem;word-break:break-word}
.timeline{display:flex;gap:2px}
.tick{display:block;width:8px;height:18px;border-radius:2px;flex:0 0 auto}
@media (max-width:700px){
table,thead,tbody,tr,td{display:block;width:100%}
table{border:0;background:none}
thead{display:none}
tr{background:var(--card);border:1px solid var(--line);border-radius:10px;margin:0 0 12px;padding:4px 0}
td{border:0;padding:6px 14px;display:flex;gap:12px;justify-content:space-between;align-items:center;text-align:right}
td::before{content:attr(data-label);color:var(--muted);font-size:.72rem;text-transform:uppercase;text-align:left;flex:0 0 auto}
td:first-child{display:block;text-align:left}td:first-child::before{display:none}
.err{max-width:none}
.timeline{flex-wrap:wrap;justify-content:flex-end}
.tick{width:7px;height:14px}
}
)css";

// Builds rows with createElement/textContent only (never innerHTML), so no text from the JSON is
// ever parsed as markup.
constexpr std::string_view kScript = R"js(
(function () {
  "use strict";
  var body = document.body;
  var interval = Math.max(1, parseInt(body.getAttribute("data-interval"), 10) || 10);
  var skew = 0;
  var CLASSES = {SERVING: "ok", NOT_SERVING: "bad", UNKNOWN: "warn", SERVICE_UNKNOWN: "warn",
                 NOT_CONFIGURED: "off", PENDING: "off"};
  var LABELS = {NOT_CONFIGURED: "not configured", PENDING: "pending"};
  function cls(status) { return CLASSES[status] || "down"; }
  function label(status) { return LABELS[status] || status; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(iso) {
    var d = new Date(iso);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function age(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + "s";
    var m = Math.floor(s / 60);
    if (m < 60) return m + "m";
    var h = Math.floor(m / 60);
    if (h < 24) return h + "h " + (m % 60) + "m";
    return Math.floor(h / 24) + "d " + (h % 24) + "h";
  }
  function millis(v) { return v === null || v === undefined ? "\u2013" : v.toFixed(1) + " ms"; }
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function cell(tr, name, className) {
    var td = el("td", className);
    td.setAttribute("data-label", name);
    tr.appendChild(td);
    return td;
  }
  function timeOf(iso) {
    var t = el("time", "", clock(iso));
    t.setAttribute("datetime", iso);
    return t;
  }
  function row(s) {
    var tr = el("tr", "svc");
    tr.setAttribute("data-service", s.name);
    tr.setAttribute("data-status", s.status);
    var c = cell(tr, "Service");
    c.appendChild(el("span", "name", s.name));
    c.appendChild(el("span", "target", s.kind + " \u00b7 " + (s.target === null ? "not configured" : s.target)));
    cell(tr, "Status").appendChild(el("span", "badge " + cls(s.status), label(s.status)));
    cell(tr, "Latency", "num").textContent = millis(s.latency_ms);
    c = cell(tr, "In this status");
    if (s.since) {
      var since = el("span", "since");
      since.appendChild(timeOf(s.since));
      since.appendChild(document.createTextNode(" "));
      var f = el("span", "for", "");
      f.setAttribute("data-since", s.since);
      since.appendChild(f);
      c.appendChild(since);
    } else {
      c.textContent = "\u2013";
    }
    c = cell(tr, "Last error", "err");
    if (s.error) {
      c.appendChild(el("span", "now", s.error));
    } else if (s.last_error) {
      var old = el("span", "old", s.last_error.text + " (at ");
      old.appendChild(timeOf(s.last_error.at));
      old.appendChild(document.createTextNode(")"));
      c.appendChild(old);
    } else {
      c.textContent = "\u2013";
    }
    var tl = el("div", "timeline");
    tl.setAttribute("role", "img");
    tl.setAttribute("aria-label", "last " + s.history.length + " rounds, oldest first");
    s.history.forEach(function (h) {
      var t = el("span", "tick " + cls(h.status));
      t.title = clock(h.at) + " \u00b7 " + h.status + " \u00b7 " + millis(h.latency_ms);
      tl.appendChild(t);
    });
    cell(tr, "Recent rounds").appendChild(tl);
    return tr;
  }
  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-since]").forEach(function (e) {
      e.textContent = "for " + age(now - Date.parse(e.getAttribute("data-since")));
    });
  }
  function render(j) {
    // Ages are measured on the server's clock: the browser's may be off.
    skew = Date.parse(j.generated_at) - Date.now();
    var rows = document.createDocumentFragment();
    j.services.forEach(function (s) { rows.appendChild(row(s)); });
    document.getElementById("rows").replaceChildren(rows);
    var o = document.getElementById("overall");
    o.textContent = j.overall.text;
    o.className = "overall " + (j.overall.ok ? "ok" : (j.round > 0 && j.overall.configured > 0 ? "bad" : "off"));
    var at = document.getElementById("checked-at");
    if (j.checked_at) {
      at.textContent = clock(j.checked_at);
      at.setAttribute("datetime", j.checked_at);
    }
    document.getElementById("round").textContent = String(j.round);
    document.getElementById("stale").hidden = true;
    body.setAttribute("data-round", String(j.round));
    body.setAttribute("data-source", "live");
    tick();
  }
  function refresh() {
    fetch("api/status", {cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(render)
      .catch(function () { document.getElementById("stale").hidden = false; });
  }
  refresh();
  setInterval(refresh, interval * 1000);
  setInterval(tick, 1000);
})();
)js";

std::string ClockTime(Clock::time_point at) {
  const std::tm local = LocalTime(at);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d:%02d", local.tm_hour, local.tm_min, local.tm_sec);
  return buffer;
}

std::string Millis(const std::optional<std::chrono::microseconds>& latency) {
  if (!latency) return "\u2013";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f ms", LatencyMs(*latency));
  return buffer;
}

const char* BadgeLabel(Status status) {
  switch (status) {
    case Status::kNotConfigured:
      return "not configured";
    case Status::kPending:
      return "pending";
    default:
      return StatusName(status);
  }
}

std::string TimeElement(Clock::time_point at) {
  return "<time datetime=\"" + Rfc3339(at) + "\">" + ClockTime(at) + "</time>";
}

void AppendRow(std::string& out, const ServiceView& s, Clock::time_point now) {
  const char* cls = StatusClass(s.status);
  out += "<tr class=\"svc\" data-service=\"" + EscapeHtml(s.target.name) + "\" data-status=\"" +
         EscapeHtml(StatusName(s.status)) + "\">";
  out += "<td data-label=\"Service\"><span class=\"name\">" + EscapeHtml(s.target.name) +
         "</span><span class=\"target\">" + TargetKindName(s.target.kind) + " \u00b7 " +
         EscapeHtml(s.target.configured() ? s.target.address : "not configured") + "</span></td>";
  out += std::string("<td data-label=\"Status\"><span class=\"badge ") + cls + "\">" +
         EscapeHtml(BadgeLabel(s.status)) + "</span></td>";
  out += "<td data-label=\"Latency\" class=\"num\">" + Millis(s.latency) + "</td>";
  out += "<td data-label=\"In this status\">";
  if (s.since) {
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - *s.since);
    out += "<span class=\"since\">" + TimeElement(*s.since) + " <span class=\"for\" data-since=\"" +
           Rfc3339(*s.since) + "\">for " + FormatAge(age) + "</span></span>";
  } else {
    out += "\u2013";
  }
  out += "</td><td data-label=\"Last error\" class=\"err\">";
  if (!s.error.empty()) {
    out += "<span class=\"now\">" + EscapeHtml(s.error) + "</span>";
  } else if (s.last_error_at) {
    out += "<span class=\"old\">" + EscapeHtml(s.last_error) + " (at " + TimeElement(*s.last_error_at) +
           ")</span>";
  } else {
    out += "\u2013";
  }
  out += "</td><td data-label=\"Recent rounds\"><div class=\"timeline\" role=\"img\" aria-label=\"last " +
         std::to_string(s.history.size()) + " rounds, oldest first\">";
  for (const auto& h : s.history) {
    out += std::string("<span class=\"tick ") + StatusClass(h.status) + "\" title=\"" +
           EscapeHtml(ClockTime(h.at) + " \u00b7 " + StatusName(h.status) + " \u00b7 " + Millis(h.latency)) +
           "\"></span>";
  }
  out += "</div></td></tr>\n";
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string DashboardHtml(const BoardSnapshot& snapshot, Clock::time_point now) {
  const Overall overall = Summarize(snapshot);
  const char* overall_class =
      overall.ok ? "ok" : (snapshot.round > 0 && overall.configured > 0 ? "bad" : "off");
  const std::string interval = std::to_string(snapshot.interval.count());
  std::string out;
  out.reserve(16 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"color-scheme\" content=\"light dark\">\n";
  out += "<title>NationPulse kubepulse</title>\n<link rel=\"icon\" href=\"data:,\">\n";
  // Only without JavaScript: with it, the script refreshes the data in place.
  out += "<noscript><meta http-equiv=\"refresh\" content=\"" + interval + "\"></noscript>\n";
  out += "<style>";
  out += kStyle;
  out += "</style>\n</head>\n";
  out += "<body data-round=\"" + std::to_string(snapshot.round) + "\" data-interval=\"" + interval +
         "\" data-source=\"server\">\n";
  out += "<header>\n<h1>NationPulse kubepulse</h1>\n";
  out += "<p class=\"sub\">gRPC health of the NationPulse services, checked every " + interval + " s</p>\n";
  out += std::string("<div id=\"overall\" class=\"overall ") + overall_class +
         "\" role=\"status\" aria-live=\"polite\">" + EscapeHtml(overall.text) + "</div>\n";
  out += "<p class=\"meta\">Last round <time id=\"checked-at\"";
  if (snapshot.checked_at) {
    out += " datetime=\"" + Rfc3339(*snapshot.checked_at) + "\">" + ClockTime(*snapshot.checked_at);
  } else {
    out += ">\u2013";
  }
  out += "</time> \u00b7 round <span id=\"round\">" + std::to_string(snapshot.round) +
         "</span><span id=\"stale\" class=\"stale\" hidden> \u00b7 connection lost, showing older "
         "data</span></p>\n";
  out +=
      "</header>\n<main>\n<table class=\"board\">\n<thead><tr><th scope=\"col\">Service</th>"
      "<th scope=\"col\">Status</th><th scope=\"col\">Latency</th><th scope=\"col\">In this status</th>"
      "<th scope=\"col\">Last error</th><th scope=\"col\">Recent rounds</th></tr></thead>\n<tbody "
      "id=\"rows\">\n";
  for (const auto& s : snapshot.services) AppendRow(out, s, now);
  out += "</tbody>\n</table>\n</main>\n";
  out += "<footer>Timeline: the last " + std::to_string(snapshot.history_limit) +
         " rounds, oldest first; hover a square for its time, status and latency. "
         "JSON: <a href=\"api/status\">api/status</a> \u00b7 <a href=\"metrics\">metrics</a></footer>\n";
  out += "<script>";
  out += kScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace nationpulse::kubepulse
