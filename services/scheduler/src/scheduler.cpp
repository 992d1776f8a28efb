#include "scheduler.hpp"

#include "nationpulse/log/log.hpp"

namespace nationpulse::scheduler {
namespace {

using std::chrono::system_clock;

double UnixSeconds(system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

nlohmann::json OptionalTime(const std::optional<system_clock::time_point>& t) {
  return t ? nlohmann::json(FormatUtc(*t)) : nlohmann::json(nullptr);
}

}  // namespace

Scheduler::Scheduler(LoopOptions options, Job job, metrics::Registry& registry)
    : options_(std::move(options)),
      job_(std::move(job)),
      runs_(registry.AddCounter("nationpulse_scheduler_runs_total",
                                "Ingestion runs by result; skipped counts fire times not run because a run "
                                "was in progress or that were missed (never replayed).",
                                {"result"})),
      duration_(registry
                    .AddHistogram("nationpulse_scheduler_run_duration_seconds",
                                  "Wall time of one ingestion run, retries included.", {},
                                  {1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600})
                    .WithLabels({})),
      next_run_(registry
                    .AddGauge("nationpulse_scheduler_next_run_timestamp_seconds",
                              "Unix time of the next fire time (0 when there is none).")
                    .WithLabels({})),
      last_success_(registry
                        .AddGauge("nationpulse_scheduler_last_success_timestamp_seconds",
                                  "Unix time the last successful run ended (0 before the first).")
                        .WithLabels({})) {
  // Every result exported from the start, so rate() and absence alerts work before the first run.
  for (const char* result : {"success", "failed", "unavailable", "skipped"}) runs_.WithLabels({result});
}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  plan_.emplace(options_.schedule, options_.zone, system_clock::now(), options_.run_on_start);
  PublishNext(plan_->next());
  running_ = true;
  thread_ = std::thread([this] {
    try {
      Loop();
    } catch (const std::exception& e) {
      log::Error("scheduler loop failed", {{"error", e.what()}});
    }
    running_ = false;
  });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (job_.cancel) job_.cancel();
  if (thread_.joinable()) thread_.join();
}

std::optional<Scheduler::TimePoint> Scheduler::next_fire() const {
  std::lock_guard lock(mu_);
  if (!plan_ || plan_->next() == TimePoint::max()) return std::nullopt;
  return plan_->next();
}

void Scheduler::PublishNext(TimePoint next) {
  next_run_.Set(next == TimePoint::max() ? 0 : UnixSeconds(next));
}

void Scheduler::Loop() {
  for (;;) {
    TimePoint next;
    {
      std::unique_lock lock(mu_);
      next = plan_->next();
      if (next == TimePoint::max()) {
        log::Warn("the schedule has no further fire time; idling until stopped");
        wake_.wait(lock, [this] { return stopping_; });
        return;
      }
      log::Info("next run", {{"at", FormatUtc(next)}});
      // Absolute system_clock deadlines follow wall-clock changes; the hourly cap keeps any timer
      // oddity from delaying a fire time by more than that.
      while (!stopping_ && system_clock::now() < next) {
        wake_.wait_until(lock, std::min(next, system_clock::now() + std::chrono::hours(1)));
      }
      if (stopping_) return;
    }
    std::int64_t due = 0;
    TimePoint following;
    {
      std::lock_guard lock(mu_);
      due = plan_->Consume(system_clock::now());
      following = plan_->next();
    }
    if (due == 0) continue;
    PublishNext(following);  // skipped if this run is still going then
    if (due > 1) {
      runs_.WithLabels({"skipped"}).Inc(static_cast<double>(due - 1));
      log::Warn("missed fire times, running once", {{"missed", due - 1}, {"scheduled_for", FormatUtc(next)}});
    }
    RunOnce(next);
    std::int64_t during = 0;
    TimePoint after;
    {
      std::lock_guard lock(mu_);
      during = plan_->Consume(system_clock::now());
      after = plan_->next();
      if (stopping_) return;
    }
    PublishNext(after);
    if (during > 0) {
      runs_.WithLabels({"skipped"}).Inc(static_cast<double>(during));
      log::Warn(
          "fire times skipped: a run was in progress",
          {{"skipped", during},
           {"next", after == TimePoint::max() ? nlohmann::json(nullptr) : nlohmann::json(FormatUtc(after))}});
    }
  }
}

void Scheduler::RunOnce(TimePoint scheduled_for) {
  log::Info("run started", {{"scheduled_for", FormatUtc(scheduled_for)}});
  const auto started = std::chrono::steady_clock::now();
  JobResult result;
  try {
    result = job_.run();
  } catch (const std::exception& e) {
    result.outcome = Outcome::kFailed;
    result.error = e.what();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  nlohmann::json fields = {{"result", OutcomeName(result.outcome)},
                           {"duration_s", seconds},
                           {"attempts", result.attempts},
                           {"messages", result.messages}};
  if (result.last) {
    fields["message"] = result.last->message;
    fields["type"] = result.last->success ? "SUCCESS" : "FAILED";
    fields["created_at"] = OptionalTime(result.last->created_at);
    fields["completed_at"] = OptionalTime(result.last->completed_at);
  }
  if (!result.error.empty()) fields["error"] = result.error;
  if (result.outcome == Outcome::kCancelled) {
    log::Info("run cancelled", fields);
    return;
  }
  duration_.Observe(seconds);
  runs_.WithLabels({OutcomeName(result.outcome)}).Inc();
  if (result.outcome == Outcome::kSuccess) {
    last_success_.Set(UnixSeconds(system_clock::now()));
    log::Info("run finished", fields);
  } else {
    log::Warn("run finished", fields);
  }
}

}  // namespace nationpulse::scheduler
