#include "service.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "console.hpp"
#include "nationpulse/cache/redis.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/http/server.hpp"
#include "nationpulse/kafka/kafka.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "prober.hpp"
#include "pulse_board.hpp"

namespace nationpulse::kubepulse {

using namespace std::chrono_literals;

namespace {

using SteadyClock = std::chrono::steady_clock;

// The log library writes JSON lines to stdout too: one fwrite per block (stdio locks the stream
// for each call, as spdlog does per line) keeps a block and a log line from interleaving.
void WriteToStdout(std::string_view block) {
  std::fwrite(block.data(), 1, block.size(), stdout);
  std::fflush(stdout);
}

std::int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch()).count();
}

// Wraps a direct dependency ping as a probe: SERVING when it answers, UNHEALTHY (PING ERROR) otherwise.
template <typename Ping>
ProbeTask PingTask(Ping ping) {
  return {[ping = std::move(ping)]() {
            const auto start = SteadyClock::now();
            std::string error = ping();
            ProbeResult r;
            r.latency = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start);
            r.status = error.empty() ? Status::kServing : Status::kPingError;
            r.error = std::move(error);
            return r;
          },
          Status::kPingError};
}

http::Response Text(http::Status status, std::string_view content_type, std::string body) {
  http::Response res{status, 11};
  res.set(http::bhttp::field::content_type, content_type);
  res.set(http::bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(body);
  return res;
}

}  // namespace

struct KubePulseService::Impl {
  Impl(Settings s, ConsoleSink sink)
      : settings(std::move(s)),
        targets(Targets(settings)),
        board(targets, settings.interval, settings.timeout),
        console(std::move(sink)),
        up(registry.AddGauge("nationpulse_service_up",
                             "1 when the service answered its last health check with SERVING, else 0.",
                             {"service"})),
        probe_duration(registry.AddHistogram(
            "nationpulse_kubepulse_probe_duration_seconds", "Time one health probe took, failures included.",
            {"service"}, {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})),
        status_changes(registry.AddCounter("nationpulse_kubepulse_status_changes_total",
                                           "Changes of a service's status between two rounds.", {"service"})),
        rounds_total(registry.AddCounter("nationpulse_kubepulse_rounds_total", "Pulse rounds completed.")
                         .WithLabels({})) {
    // Rows that are probed get their counters at 0 now, so a rate() works from the first scrape.
    for (const auto& t : targets) {
      if (t.configured()) status_changes.WithLabels({t.name});
    }
  }

  void Loop();
  ProbeTask TaskFor(const Target& target);
  http::Response Healthz() const;

  Settings settings;
  std::vector<Target> targets;
  PulseBoard board;
  ConsoleSink console;
  metrics::Registry registry;
  metrics::Family<metrics::Gauge>& up;
  metrics::Family<metrics::Histogram>& probe_duration;
  metrics::Family<metrics::Counter>& status_changes;
  metrics::Counter& rounds_total;
  std::unique_ptr<db::Pool> postgres;
  std::unique_ptr<cache::Redis> redis;
  std::unique_ptr<kafka::Producer> kafka;
  std::unique_ptr<Prober> prober;
  std::unique_ptr<http::Server> http;
  std::thread loop;
  std::atomic<bool> loop_running{false};
  /// When the loop last made progress (start, then each recorded round), steady clock in ns.
  std::atomic<std::int64_t> progress_ns{0};
  std::atomic<bool> started{false};
  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stopping = false;  ///< guarded by stop_mutex
};

ProbeTask KubePulseService::Impl::TaskFor(const Target& target) {
  if (!target.configured()) return {};
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout);
  switch (target.kind) {
    case TargetKind::kGrpc:
      return {[address = target.address, timeout] { return ProbeGrpc(address, timeout); }, Status::kRpcError};
    case TargetKind::kPostgres:
      return PingTask([this]() -> std::string {
        auto r = postgres->Ping();
        return r ? std::string() : std::string(db::KindName(r.error().kind)) + ": " + r.error().message;
      });
    case TargetKind::kRedis:
      return PingTask([this]() -> std::string {
        auto r = redis->Ping();
        return r ? std::string() : r.error().message;
      });
    case TargetKind::kKafka:
      return PingTask([this, timeout]() -> std::string {
        auto r = kafka->Ping(timeout);
        return r ? std::string() : r.error().message;
      });
  }
  return {};
}

void KubePulseService::Impl::Loop() {
  std::vector<Status> previous(targets.size(), Status::kPending);
  for (;;) {
    const auto round_started = SteadyClock::now();
    const auto at = Clock::now();
    std::vector<ProbeResult> results = prober->RunRound();
    {
      std::lock_guard lock(stop_mutex);
      if (stopping) return;  // an interrupted round is not a round: nothing printed or recorded
    }
    const std::vector<std::size_t> changed = board.Record(at, results);
    console(ConsoleBlock(LocalTime(at), targets, results));
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (!targets[i].configured()) continue;
      const std::string& name = targets[i].name;
      up.WithLabels({name}).Set(IsUp(results[i].status) ? 1 : 0);
      probe_duration.WithLabels({name}).Observe(std::chrono::duration<double>(results[i].latency).count());
    }
    for (const std::size_t i : changed) {
      status_changes.WithLabels({targets[i].name}).Inc();
      nlohmann::json fields = {{"service", targets[i].name},
                               {"from", StatusName(previous[i])},
                               {"to", StatusName(results[i].status)}};
      if (!results[i].error.empty()) fields["error"] = results[i].error;
      if (IsUp(results[i].status)) {
        log::Info("status changed", fields);
      } else {
        log::Warn("status changed", fields);
      }
    }
    for (std::size_t i = 0; i < targets.size(); ++i) previous[i] = results[i].status;
    rounds_total.Inc();
    progress_ns = SteadyNowNs();

    std::unique_lock lock(stop_mutex);
    if (stop_cv.wait_until(lock, round_started + settings.interval, [this] { return stopping; })) return;
  }
}

http::Response KubePulseService::Impl::Healthz() const {
  const std::string problem =
      LoopProblem(loop_running, std::chrono::nanoseconds(SteadyNowNs() - progress_ns), settings.interval);
  if (problem.empty()) return Text(http::Status::ok, "application/json", R"({"status":"ok"})");
  return Text(http::Status::service_unavailable, "application/json",
              nlohmann::json{{"status", "unhealthy"}, {"reason", problem}}.dump());
}

std::string LoopProblem(bool loop_running, std::chrono::nanoseconds since_progress,
                        std::chrono::seconds interval) {
  if (!loop_running) return "the round loop is not running";
  // A round takes at most the timeout (<= interval) plus a little: three intervals without one is a hang.
  if (since_progress > 3 * interval) {
    return "no round completed in the last " + std::to_string(3 * interval.count()) + " s";
  }
  return "";
}

KubePulseService::KubePulseService(Settings settings)
    : KubePulseService(std::move(settings), WriteToStdout) {}

KubePulseService::KubePulseService(Settings settings, ConsoleSink console)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(console))) {}

KubePulseService::~KubePulseService() { Stop(); }

void KubePulseService::Start() {
  auto& s = *impl_;
  if (const auto unset = UnsetTargetVariables(s.settings); !unset.empty()) {
    log::Warn("targets not configured: shown as NOT_CONFIGURED and never probed", {{"variables", unset}});
  }
  if (s.settings.probe_infra && !s.settings.postgres && !s.settings.redis &&
      s.settings.kafka_brokers.empty()) {
    log::Warn("KUBEPULSE_PROBE_INFRA is on but none of PG_DB_ADDR, REDIS_ADDR, KAFKA_BROKERS is set");
  }
  if (s.settings.postgres) s.postgres = std::make_unique<db::Pool>(*s.settings.postgres);
  if (s.settings.redis) s.redis = std::make_unique<cache::Redis>(*s.settings.redis);
  if (!s.settings.kafka_brokers.empty()) {
    s.kafka = std::make_unique<kafka::Producer>(kafka::ProducerOptions{
        .brokers = s.settings.kafka_brokers,
        .delivery_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(s.settings.timeout),
        .client_id = "nationpulse-kubepulse"});
  }

  http::Router router;
  router.Add(
      http::Verb::get, "/",
      [&s](const http::Request&, http::RequestContext&) {
        auto res = Text(http::Status::ok, "text/html; charset=utf-8", s.board.Html(Clock::now()));
        // The page needs nothing but itself and api/status: say so, so nothing else can run in it.
        res.set("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
                "frame-ancestors 'none'");
        res.set("Referrer-Policy", "no-referrer");
        return res;
      },
      http::InlineRoute());
  router.Add(
      http::Verb::get, "/api/status",
      [&s](const http::Request&, http::RequestContext&) {
        return Text(http::Status::ok, "application/json", s.board.Json(Clock::now()));
      },
      http::InlineRoute());
  router.Add(
      http::Verb::get, "/metrics",
      [&s](const http::Request&, http::RequestContext&) {
        return Text(http::Status::ok, "text/plain; version=0.0.4; charset=utf-8", s.registry.Serialize());
      },
      http::InlineRoute());
  router.Add(
      http::Verb::get, "/healthz", [&s](const http::Request&, http::RequestContext&) { return s.Healthz(); },
      http::InlineRoute());
  http::ServerOptions http_options;
  http_options.address = s.settings.http_address;
  http_options.port = s.settings.http_port;
  http_options.io_threads = 1;
  http_options.worker_threads = 1;
  s.http = std::make_unique<http::Server>(http_options, std::move(router), std::vector<http::Middleware>{});
  s.http->Start();

  std::vector<ProbeTask> tasks;
  for (const auto& t : s.targets) tasks.push_back(s.TaskFor(t));
  // A little grace over the probe timeout: gRPC reports DEADLINE_EXCEEDED just after it.
  s.prober = std::make_unique<Prober>(
      std::move(tasks), std::chrono::duration_cast<std::chrono::milliseconds>(s.settings.timeout) + 500ms);
  s.progress_ns = SteadyNowNs();
  s.loop_running = true;
  s.loop = std::thread([&s] {
    try {
      s.Loop();
    } catch (const std::exception& e) {
      log::Error("round loop failed", {{"error", e.what()}});
    }
    s.loop_running = false;
  });
  s.started = true;

  nlohmann::json shown = nlohmann::json::array();
  for (const auto& t : s.targets) {
    shown.push_back({{"name", t.name}, {"kind", TargetKindName(t.kind)}, {"target", t.address}});
  }
  log::Info("kubepulse started", {{"http_port", s.http->port()},
                                  {"interval_s", s.settings.interval.count()},
                                  {"timeout_s", s.settings.timeout.count()},
                                  {"targets", shown}});
}

void KubePulseService::Stop() {
  if (!impl_ || !impl_->started.exchange(false)) return;
  auto& s = *impl_;
  {
    std::lock_guard lock(s.stop_mutex);
    s.stopping = true;
  }
  s.stop_cv.notify_all();
  s.prober->Stop();  // wakes a round in progress; waits for the probes in flight (bounded by the timeout)
  if (s.loop.joinable()) s.loop.join();
  if (s.http) s.http->Stop();
}

std::uint16_t KubePulseService::http_port() const { return impl_->http ? impl_->http->port() : 0; }

std::uint64_t KubePulseService::rounds() const { return impl_->board.Snapshot().round; }

}  // namespace nationpulse::kubepulse
