#include "ingestion_client.hpp"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>

#include "nationpulse/health/check.hpp"
#include "nationpulse/proto/data_ingestion.grpc.pb.h"
#include "nationpulse/trace/trace.hpp"

namespace nationpulse::scheduler {
namespace {

using std::chrono::system_clock;

std::optional<system_clock::time_point> FromTimestamp(bool present, const google::protobuf::Timestamp& ts) {
  // Go's timestamppb.New(time.Time{}) is not 0 but year 1; both mean "not set" to a reader.
  if (!present || ts.seconds() <= 0) return std::nullopt;
  return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
      std::chrono::seconds(ts.seconds()) + std::chrono::nanoseconds(ts.nanos())));
}

IngestionMessage FromProto(const dataIngestion::NotifyBFFResponse& response) {
  return IngestionMessage{
      .message = response.message(),
      .success = response.type() == dataIngestion::SUCCESS,
      .created_at = FromTimestamp(response.has_created_at(), response.created_at()),
      .completed_at = FromTimestamp(response.has_completed_at(), response.completed_at())};
}

JobResult Failure(Outcome outcome, grpc::StatusCode code, const std::string& message) {
  JobResult result;
  result.outcome = outcome;
  result.status = code;
  result.error = std::string(health::StatusCodeName(code)) + ": " + message;
  return result;
}

JobResult Cancelled() { return Failure(Outcome::kCancelled, grpc::StatusCode::CANCELLED, "cancelled"); }

}  // namespace

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess:
      return "success";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kUnavailable:
      return "unavailable";
    case Outcome::kCancelled:
      return "cancelled";
  }
  return "failed";
}

std::string FormatUtc(system_clock::time_point t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

IngestionClient::IngestionClient(ClientOptions options) : options_(std::move(options)) {}

IngestionClient::~IngestionClient() = default;

bool IngestionClient::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

void IngestionClient::Cancel() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  if (in_flight_ != nullptr) in_flight_->TryCancel();
  wake_.notify_all();
}

JobResult IngestionClient::Run(const MessageHandler& on_message, const RetryHandler& on_retry) {
  // One trace per run, retries included: a child of the caller's span, else a new root. The
  // ingestion service continues it (traceparent in the call's metadata).
  trace::Span span("ingestion run");
  trace::ScopedContext scope(span.context());
  JobResult result = RunAttempts(on_message, on_retry);
  span.SetAttribute("ingestion.attempts", std::to_string(result.attempts));
  if (result.outcome != Outcome::kSuccess)
    span.SetError(result.error.empty() ? "the job failed" : result.error);
  return result;
}

JobResult IngestionClient::RunAttempts(const MessageHandler& on_message, const RetryHandler& on_retry) {
  auto backoff = options_.retry_backoff;
  for (int attempt = 1;; ++attempt) {
    JobResult result = Attempt(on_message);
    result.attempts = attempt;
    if (result.outcome != Outcome::kUnavailable || attempt > options_.retry_attempts) return result;
    if (on_retry) on_retry(attempt, backoff, result.error);
    {
      std::unique_lock lock(mu_);
      if (wake_.wait_for(lock, backoff, [this] { return cancelled_; })) {
        JobResult cancelled = Cancelled();
        cancelled.attempts = attempt;
        return cancelled;
      }
    }
    backoff = std::min(backoff * 2, options_.retry_backoff_max);
  }
}

JobResult IngestionClient::Attempt(const MessageHandler& on_message) {
  if (cancelled()) return Cancelled();
  grpc::ChannelArguments args;
  // A channel of its own subchannels: otherwise a new channel inherits the shared subchannel's
  // reconnect back-off from a failed attempt and fails at once although the server is back.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  const auto channel = grpc::CreateCustomChannel(options_.target, grpc::InsecureChannelCredentials(), args);

  // Connect first, so that an unreachable server is told apart from a slow job and costs
  // connect_timeout, not the job deadline; polled in short slices so Cancel() is prompt.
  const auto connect_deadline = system_clock::now() + options_.connect_timeout;
  for (auto state = channel->GetState(true); state != GRPC_CHANNEL_READY; state = channel->GetState(true)) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) {
      return Failure(Outcome::kUnavailable, grpc::StatusCode::UNAVAILABLE,
                     "cannot connect to " + options_.target);
    }
    if (cancelled()) return Cancelled();
    const auto now = system_clock::now();
    if (now >= connect_deadline) {
      return Failure(Outcome::kUnavailable, grpc::StatusCode::UNAVAILABLE,
                     "no connection to " + options_.target + " within " +
                         std::to_string(options_.connect_timeout.count()) + "ms");
    }
    channel->WaitForStateChange(state, std::min(connect_deadline, now + std::chrono::milliseconds(50)));
  }

  trace::Span span("dataIngestion.DataIngestion/NotifyBFF", trace::SpanKind::kClient);
  span.SetAttribute("rpc.system", "grpc");
  span.SetAttribute("server.address", options_.target);
  grpc::ClientContext context;
  context.set_deadline(system_clock::now() + options_.job_timeout);
  context.AddMetadata("traceparent", span.context().ToTraceparent());
  {
    std::lock_guard lock(mu_);
    if (cancelled_) return Cancelled();
    in_flight_ = &context;
  }
  JobResult result;
  auto stub = dataIngestion::DataIngestion::NewStub(channel);
  auto reader = stub->NotifyBFF(&context, dataIngestion::NotifyBFFRequest());
  dataIngestion::NotifyBFFResponse response;
  while (reader->Read(&response)) {
    result.last = FromProto(response);
    ++result.messages;
    if (on_message) on_message(*result.last);
  }
  const grpc::Status status = reader->Finish();
  {
    std::lock_guard lock(mu_);
    in_flight_ = nullptr;
  }
  result.status = status.error_code();
  if (!status.ok()) span.SetError(std::string(health::StatusCodeName(status.error_code())));
  if (status.ok()) {
    if (result.messages == 0) {
      result.outcome = Outcome::kFailed;
      result.error = "the stream ended without a message";
    } else {
      result.outcome = result.last->success ? Outcome::kSuccess : Outcome::kFailed;
    }
    return result;
  }
  result.error = std::string(health::StatusCodeName(status.error_code())) + ": " + status.error_message();
  if (cancelled()) {
    result.outcome = Outcome::kCancelled;
  } else if (status.error_code() == grpc::StatusCode::UNAVAILABLE && result.messages == 0) {
    result.outcome = Outcome::kUnavailable;
  } else {
    result.outcome = Outcome::kFailed;
  }
  return result;
}

}  // namespace nationpulse::scheduler
