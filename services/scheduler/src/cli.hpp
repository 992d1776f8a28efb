#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ingestion_client.hpp"
#include "nationpulse/base/expected.hpp"
#include "settings.hpp"

namespace nationpulse::scheduler {

/// What the command line asked np-scheduler to do.
struct Command {
  enum class Mode { kServe, kRunNow, kNext, kHelp };
  Mode mode = Mode::kServe;
  // --run-now: override GRPC_SERVER_ADDR, GRPC_JOB_TIMEOUT and the retries (none by default).
  std::optional<std::string> target;
  std::optional<std::chrono::milliseconds> timeout;
  int retries = 0;
  int count = 5;  ///< --next N
};

/// Parses the arguments after the program name; the error names the bad argument.
///   (none)                                     serve
///   --run-now [--target H:P] [--timeout D] [--retries N]
///   --next [N]
///   --help | -h
Expected<Command, std::string> ParseCommandLine(const std::vector<std::string>& args);

/// The --help text.
std::string Usage();

/// The client settings of `--run-now`: the environment's, overridden by the command line.
ClientOptions RunNowOptions(const Settings& settings, const Command& command);

/// --run-now: one job now. Each streamed message is one line on `out` ("<time> <TYPE> <message>",
/// the time being completed_at, else created_at, else when it arrived); retries and the outcome
/// go to `err`. Returns the exit code: 0 when the final message is SUCCESS, 1 otherwise.
int RunNow(IngestionClient& client, std::ostream& out, std::ostream& err);

/// --next: the next `count` fire times after `now`, one per line in the schedule's zone
/// (RFC 3339 with the UTC offset), as the service would plan them from a start at `now`. Returns how
/// many it printed: fewer when the schedule stops firing (e.g. `0 0 30 2 *` never does).
int PrintNextFires(const Settings& settings, int count, std::chrono::system_clock::time_point now,
                   std::ostream& out);

/// RFC 3339 in `zone` with whole seconds: "2025-03-30T03:00:00+02:00" ("Z" for UTC).
std::string FormatInZone(std::chrono::system_clock::time_point t, const cron::TimeZone& zone);

}  // namespace nationpulse::scheduler
