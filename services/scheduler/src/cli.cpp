#include "cli.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "fire_plan.hpp"

namespace nationpulse::scheduler {
namespace {

using std::chrono::system_clock;

std::optional<int> ParseInt(std::string_view text, int min, int max) {
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max)
    return std::nullopt;
  return value;
}

std::string Seconds(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3gs", std::chrono::duration<double>(d).count());
  return buf;
}

}  // namespace

Expected<Command, std::string> ParseCommandLine(const std::vector<std::string>& args) {
  Command command;
  bool run_now = false;
  bool next = false;
  bool help = false;
  std::vector<std::string> run_now_only;  // options that make sense only with --run-now
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (arg.starts_with("--")) {
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        arg.resize(eq);
      }
    }
    // The value of an option: "--opt=value" or the next argument.
    auto value = [&]() -> Expected<std::string, std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return Unexpected{arg + " needs a value"};
      return args[++i];
    };
    if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "--run-now") {
      run_now = true;
    } else if (arg == "--next") {
      next = true;
      if (inline_value) {
        const auto n = ParseInt(*inline_value, 1, 1000);
        if (!n) return Unexpected{"--next takes a count from 1 to 1000, not \"" + *inline_value + "\""};
        command.count = *n;
      } else if (i + 1 < args.size() && !args[i + 1].starts_with("-")) {
        const auto n = ParseInt(args[i + 1], 1, 1000);
        if (!n) return Unexpected{"--next takes a count from 1 to 1000, not \"" + args[i + 1] + "\""};
        command.count = *n;
        ++i;
      }
    } else if (arg == "--target") {
      auto v = value();
      if (!v) return Unexpected{v.error()};
      if (v->empty()) return Unexpected{std::string("--target must not be empty")};
      command.target = *v;
      run_now_only.push_back(arg);
    } else if (arg == "--timeout") {
      auto v = value();
      if (!v) return Unexpected{v.error()};
      const auto d = config::ParseDuration(*v);
      if (!d || *d < std::chrono::seconds(1)) {
        return Unexpected{"--timeout takes a duration of at least 1s (e.g. 90s, 30m), not \"" + *v + "\""};
      }
      command.timeout = *d;
      run_now_only.push_back(arg);
    } else if (arg == "--retries") {
      auto v = value();
      if (!v) return Unexpected{v.error()};
      const auto n = ParseInt(*v, 0, 100);
      if (!n) return Unexpected{"--retries takes a count from 0 to 100, not \"" + *v + "\""};
      command.retries = *n;
      run_now_only.push_back(arg);
    } else {
      return Unexpected{"unknown argument \"" + args[i] + "\""};
    }
  }
  if (help) {
    command.mode = Command::Mode::kHelp;
    return command;
  }
  if (run_now && next) return Unexpected{std::string("--run-now and --next exclude each other")};
  if (!run_now && !run_now_only.empty()) return Unexpected{run_now_only.front() + " needs --run-now"};
  if (run_now) command.mode = Command::Mode::kRunNow;
  if (next) command.mode = Command::Mode::kNext;
  return command;
}

std::string Usage() {
  return R"(usage: np-scheduler [--run-now [--target HOST:PORT] [--timeout DURATION] [--retries N] | --next [N] |
                    --print-env | --help]

Without arguments, runs the scheduler: calls DataIngestion/NotifyBFF on GRPC_SERVER_ADDR at every fire
time of CRON_SCHEDULE (in CRON_TZ), serves gRPC health on GRPC_PORT and /livez, /metrics on METRICS_PORT.

  --run-now            run one ingestion job now and exit (no loop, no health server); prints each
                       streamed message as "<time> <TYPE> <message>"; exit 0 when the final message is
                       SUCCESS, 1 when it is FAILED or the call failed
    --target HOST:PORT   ingestion service (default: GRPC_SERVER_ADDR, else localhost:50053)
    --timeout DURATION   deadline of the whole stream (default: GRPC_JOB_TIMEOUT, else 30m)
    --retries N          retries when the service is unavailable (default 0)
  --next [N]           print the next N (default 5) fire times of CRON_SCHEDULE in CRON_TZ and exit
  --print-env          list every environment variable the scheduler reads and exit
  --help               this text

Exit codes: 0 success, 1 job failed or service error, 2 bad arguments or configuration.
)";
}

ClientOptions RunNowOptions(const Settings& settings, const Command& command) {
  return ClientOptions{.target = command.target.value_or(settings.ingestion_target),
                       .job_timeout = command.timeout.value_or(settings.job_timeout),
                       .connect_timeout = settings.connect_timeout,
                       .retry_attempts = command.retries,
                       .retry_backoff = settings.retry_backoff,
                       .retry_backoff_max = settings.retry_backoff_max};
}

int RunNow(IngestionClient& client, std::ostream& out, std::ostream& err) {
  const JobResult result = client.Run(
      [&out](const IngestionMessage& m) {
        const auto when = m.completed_at ? *m.completed_at
                          : m.created_at ? *m.created_at
                                         : system_clock::now();
        out << FormatUtc(when) << ' ' << (m.success ? "SUCCESS" : "FAILED ") << ' ' << m.message << std::endl;
      },
      [&err, &client](int attempt, std::chrono::milliseconds delay, const std::string& error) {
        err << "np-scheduler: " << client.options().target << ": " << error << " (attempt " << attempt
            << ", retrying in " << Seconds(delay) << ")" << std::endl;
      });
  switch (result.outcome) {
    case Outcome::kSuccess:
      err << "np-scheduler: ingestion succeeded (" << result.messages << " messages)" << std::endl;
      return 0;
    case Outcome::kFailed:
      if (result.status == grpc::StatusCode::OK && result.last) {
        err << "np-scheduler: ingestion FAILED: " << result.last->message << std::endl;
      } else {
        err << "np-scheduler: NotifyBFF on " << client.options().target << " failed: " << result.error
            << std::endl;
      }
      return 1;
    case Outcome::kUnavailable:
    case Outcome::kCancelled:
      err << "np-scheduler: NotifyBFF on " << client.options().target << " failed: " << result.error
          << std::endl;
      return 1;
  }
  return 1;
}

std::string FormatInZone(system_clock::time_point t, const cron::TimeZone& zone) {
  using namespace std::chrono;
  const sys_seconds instant = floor<seconds>(t);
  const seconds offset = zone.OffsetAt(instant);
  const auto local = instant + offset;
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss hms{local - day};
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  std::string text = buf;
  if (zone.is_utc()) return text + "Z";
  const auto minutes_east = duration_cast<minutes>(offset).count();
  const long long abs_minutes = std::llabs(minutes_east);
  std::snprintf(buf, sizeof(buf), "%c%02lld:%02lld", minutes_east < 0 ? '-' : '+', abs_minutes / 60,
                abs_minutes % 60);
  return text + buf;
}

int PrintNextFires(const Settings& settings, int count, system_clock::time_point now, std::ostream& out) {
  FirePlan plan(settings.schedule, settings.time_zone, now, settings.run_on_start);
  int printed = 0;
  for (; printed < count && plan.next() != system_clock::time_point::max(); ++printed) {
    out << FormatInZone(plan.next(), settings.time_zone) << '\n';
    plan.Consume(plan.next());
  }
  out.flush();
  return printed;
}

}  // namespace nationpulse::scheduler
