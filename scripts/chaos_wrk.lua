-- wrk script of `make chaos` (scripts/chaos.sh): counts answers by HTTP status and prints one
-- machine-readable line at the end of the run. Environment:
--   CHAOS_TOKEN     access token, sent as `Authorization: Bearer` (for routes behind the gate)
--   CHAOS_DELAY_MS  pause of each connection before its next request (0 = as fast as possible)
-- Output: RESULT requests=<n> p50_ms=<x> p99_ms=<x> max_ms=<x> statuses=<code>:<n>,...
--         connect=<n> read=<n> write=<n> timeout=<n>
local token = os.getenv("CHAOS_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local delay_ms = tonumber(os.getenv("CHAOS_DELAY_MS") or "0") or 0

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {} -- global: read by done() through thread:get
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses") or {}
    for code, n in pairs(s) do
      total[code] = (total[code] or 0) + n
    end
  end
  local codes = {}
  for code, _ in pairs(total) do
    table.insert(codes, code)
  end
  table.sort(codes)
  local parts = {}
  for _, code in ipairs(codes) do
    table.insert(parts, string.format("%d:%d", code, total[code]))
  end
  local answered = summary.requests
  io.write(string.format(
    "RESULT requests=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f statuses=%s connect=%d read=%d write=%d timeout=%d\n",
    answered, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    table.concat(parts, ","), summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
end
