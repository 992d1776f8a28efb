#pragma once

#include <grpcpp/support/status_code_enum.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace grpc {
class ClientContext;
}  // namespace grpc

namespace nationpulse::scheduler {

/// One NotifyBFFResponse as the scheduler sees it.
struct IngestionMessage {
  std::string message;
  bool success = false;  ///< type SUCCESS (else FAILED)
  /// Unset (or zero) protobuf Timestamps are nullopt: progress messages carry no completed_at.
  std::optional<std::chrono::system_clock::time_point> created_at;
  std::optional<std::chrono::system_clock::time_point> completed_at;
};

/// How a job ended, as recorded in nationpulse_scheduler_runs_total{result}.
enum class Outcome {
  kSuccess,      ///< the stream ended OK and its last message was SUCCESS
  kFailed,       ///< a FAILED last message, no message at all, or the call failed (deadline, error)
  kUnavailable,  ///< UNAVAILABLE before any message, on every attempt
  kCancelled,    ///< Cancel() (shutdown) ended it
};

/// "success", "failed", "unavailable", "cancelled".
const char* OutcomeName(Outcome outcome);

struct JobResult {
  Outcome outcome = Outcome::kFailed;
  int attempts = 0;                                ///< calls made (1 + retries)
  int messages = 0;                                ///< messages received in the last attempt
  std::optional<IngestionMessage> last;            ///< the last message received, if any
  grpc::StatusCode status = grpc::StatusCode::OK;  ///< of the last call
  std::string error;  ///< "UNAVAILABLE: ..." when the last call failed, else empty
};

struct ClientOptions {
  std::string target = "localhost:50053";
  std::chrono::milliseconds job_timeout{30 * 60 * 1000};
  std::chrono::milliseconds connect_timeout{10'000};
  int retry_attempts = 3;
  std::chrono::milliseconds retry_backoff{2000};
  std::chrono::milliseconds retry_backoff_max{60'000};
};

/// Runs ingestion jobs: dials `target` (insecure, a new connection per attempt, as the original),
/// calls DataIngestion/NotifyBFF with the job deadline and reads the stream to its end. A call that
/// fails with UNAVAILABLE before any message (including no connection within connect_timeout) is
/// retried up to retry_attempts times after retry_backoff, doubling up to retry_backoff_max; any other
/// failure, or UNAVAILABLE after a message arrived (the job may be running), is final. Does not log:
/// callers report through the handlers. Thread-safe: one Run at a time, Cancel from any thread.
///
///   IngestionClient client({.target = "ingestion:50053"});
///   JobResult r = client.Run([](const IngestionMessage& m) { Print(m); });
///   // from another thread, e.g. on SIGTERM:
///   client.Cancel();  // the Run in progress returns kCancelled promptly
class IngestionClient {
 public:
  using MessageHandler = std::function<void(const IngestionMessage&)>;
  /// Before a retry: the attempt that failed (1-based), the delay before the next, its error.
  using RetryHandler =
      std::function<void(int attempt, std::chrono::milliseconds delay, const std::string& error)>;

  explicit IngestionClient(ClientOptions options);
  ~IngestionClient();
  IngestionClient(const IngestionClient&) = delete;
  IngestionClient& operator=(const IngestionClient&) = delete;

  /// One job, retries included; handlers run on the calling thread.
  JobResult Run(const MessageHandler& on_message, const RetryHandler& on_retry = {});

  /// Cancels the call in flight (grpc::ClientContext::TryCancel) or the wait in progress, and every
  /// later Run: for shutdown. Idempotent.
  void Cancel();

  const ClientOptions& options() const { return options_; }

 private:
  JobResult RunAttempts(const MessageHandler& on_message, const RetryHandler& on_retry);
  JobResult Attempt(const MessageHandler& on_message);
  bool cancelled() const;

  const ClientOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool cancelled_ = false;                    ///< guarded by mu_
  grpc::ClientContext* in_flight_ = nullptr;  ///< guarded by mu_
};

/// RFC 3339 in UTC with whole seconds, e.g. "2025-03-05T10:17:42Z".
std::string FormatUtc(std::chrono::system_clock::time_point t);

}  // namespace nationpulse::scheduler
