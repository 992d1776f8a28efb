#include "ingestion_rpc.hpp"

#include <google/protobuf/util/time_util.h>

#include <cstdio>

#include "nationpulse/log/log.hpp"
#include "nationpulse/trace/trace.hpp"

namespace nationpulse::ingestion {
namespace {

using dataIngestion::MessageType;
using dataIngestion::NotifyBFFResponse;

google::protobuf::Timestamp ToProto(std::chrono::system_clock::time_point t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(us);
}

}  // namespace

std::string DescribeFeed(const FeedOutcome& outcome) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", static_cast<double>(outcome.elapsed.count()) / 1000.0);
  if (outcome.ok) return outcome.key + ": " + std::to_string(outcome.rows) + " rows loaded in " + seconds;
  return outcome.key + ": failed after " + seconds + ": " + outcome.error;
}

IngestionRpc::IngestionRpc(IngestionJob& job, std::function<bool()> stopping)
    : job_(job), stopping_(std::move(stopping)) {}

grpc::Status IngestionRpc::NotifyBFF(grpc::ServerContext* context, const dataIngestion::NotifyBFFRequest*,
                                     grpc::ServerWriter<NotifyBFFResponse>* writer) {
  const auto now = std::chrono::system_clock::now();
  if (running_.exchange(true)) {
    NotifyBFFResponse busy;
    busy.set_message("ingestion already running");
    busy.set_type(MessageType::FAILED);
    *busy.mutable_created_at() = ToProto(now);
    *busy.mutable_completed_at() = ToProto(now);
    writer->Write(busy);
    log::Info("ingestion refused: already running", {{"peer", context->peer()}});
    return grpc::Status::OK;
  }
  struct Release {
    std::atomic<bool>& flag;
    ~Release() { flag = false; }
  } release{running_};

  // Continue the caller's trace (the scheduler sends traceparent in the call's metadata).
  std::optional<trace::SpanContext> parent;
  if (const auto md = context->client_metadata().find("traceparent");
      md != context->client_metadata().end()) {
    parent = trace::SpanContext::FromTraceparent(std::string_view(md->second.data(), md->second.size()));
  }
  trace::Span span("dataIngestion.DataIngestion/NotifyBFF", trace::SpanKind::kServer, parent);
  trace::ScopedContext scope(span.context());
  span.SetAttribute("rpc.system", "grpc");
  log::Info("ingestion requested", {{"peer", context->peer()}});
  auto cancelled = [&] { return context->IsCancelled() || (stopping_ && stopping_()); };
  const JobResult result = job_.Run(
      [&](const FeedOutcome& feed) {
        NotifyBFFResponse progress;
        progress.set_message(DescribeFeed(feed));
        progress.set_type(feed.ok ? MessageType::SUCCESS : MessageType::FAILED);
        *progress.mutable_created_at() = ToProto(std::chrono::system_clock::now());
        // A caller that left is not an error for the job: the write just fails.
        writer->Write(progress);
      },
      cancelled);

  NotifyBFFResponse final_message;
  final_message.set_message(result.message);
  final_message.set_type(result.ok ? MessageType::SUCCESS : MessageType::FAILED);
  *final_message.mutable_created_at() = ToProto(result.started);
  *final_message.mutable_completed_at() = ToProto(result.finished);
  writer->Write(final_message);
  if (!result.ok) span.SetError(result.message);
  return grpc::Status::OK;
}

}  // namespace nationpulse::ingestion
