#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "nationpulse/http/types.hpp"

namespace nationpulse::bff {

/// One report result on its way to a browser.
struct ReportDelivery {
  std::string request_id;  ///< empty for results of the original Go reporting service
  std::string export_id;
  bool failed = false;  ///< StatusCode -1: end the user's streams instead of sending an event
  std::string json;     ///< the message value, forwarded unchanged as the SSE data line
};

/// The SSE frame of rest-api.md §8.6 for one result: event line, data line, two blank lines.
std::string ExportStatusEvent(std::string_view json);

/// Routes report results to the SSE streams of the user who asked (fix D-09), in memory, for one BFF
/// process. Results for a user with no open stream wait (bounded in count and age) until one opens, so a
/// report that finishes before the browser subscribes is not lost. Each requestID is delivered once.
/// Thread-safe; never blocks (called from I/O threads), so Redis work is left to the caller (TakeDelivered).
///
///   auto id = hub.Reserve(user);           // 0: the user has too many streams
///   hub.Attach(id, sink, found_in_redis);  // when the stream opened
///   hub.Deliver(user, result);             // from the Kafka consumer
///   hub.Remove(id);                        // when the stream closed
class ReportHub {
 public:
  struct Options {
    std::size_t max_streams_per_user = 4;
    std::chrono::seconds buffer_ttl{300};  ///< mirrors the Redis TTL of stored results
    std::size_t max_buffered_per_user = 16;
    std::chrono::seconds pending_ttl{600};
    std::size_t max_pending = 100'000;
    std::size_t max_remembered_deliveries = 100'000;
  };
  using Clock = std::chrono::steady_clock;

  explicit ReportHub(Options options);

  /// A stream slot for `user_id`; 0 when the user already has max_streams_per_user streams.
  std::uint64_t Reserve(std::int64_t user_id);
  /// The stream of slot `id` opened: sends buffered results and `found` (results read from Redis), each
  /// request at most once.
  void Attach(std::uint64_t id, std::shared_ptr<http::StreamSink> sink,
              std::vector<ReportDelivery> found = {});
  /// Frees the slot (stream closed or never opened). Idempotent.
  void Remove(std::uint64_t id);

  /// A publish this process accepted: its result is wanted.
  void AddPending(std::int64_t user_id, const std::string& request_id, const std::string& export_id);
  void ForgetPending(const std::string& request_id);
  /// True when this process accepted `request_id` and has not delivered it yet.
  bool IsPending(const std::string& request_id);
  /// True when `request_id` was already delivered by this process.
  bool WasDelivered(const std::string& request_id);

  /// A wanted result: to every open stream of the user, or buffered until one opens.
  void Deliver(std::int64_t user_id, ReportDelivery delivery);

  struct PendingRequest {
    std::int64_t user_id = 0;
    std::string request_id;
    std::string export_id;
  };
  /// Undelivered requests of users who have an open stream right now: the caller looks for their results
  /// in Redis, which covers a result the consumer did not see (e.g. published before its group was assigned).
  std::vector<PendingRequest> PendingWithStreams();

  /// (user, requestID) of results delivered since the last call, so the caller can drop them from the
  /// user's pending hash in Redis.
  std::vector<std::pair<std::int64_t, std::string>> TakeDelivered();

  std::size_t open_streams() const;
  std::size_t buffered() const;

 private:
  struct Stream {
    std::int64_t user_id = 0;
    std::shared_ptr<http::StreamSink> sink;  // null until Attach
  };
  struct Buffered {
    ReportDelivery delivery;
    Clock::time_point at;
  };

  /// Sends to the user's open streams; false when there is none. Caller holds mutex_.
  bool SendLocked(std::int64_t user_id, const ReportDelivery& delivery);
  bool MarkDeliveredLocked(std::int64_t user_id, const std::string& request_id);
  void ExpireLocked(Clock::time_point now);

  Options options_;
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, Stream> streams_;
  std::unordered_map<std::int64_t, std::size_t> streams_per_user_;
  std::unordered_map<std::int64_t, std::deque<Buffered>> buffered_;
  struct Pending {
    std::int64_t user_id = 0;
    std::string export_id;
    Clock::time_point at;
  };
  std::unordered_map<std::string, Pending> pending_;
  std::unordered_map<std::string, Clock::time_point> delivered_;
  std::deque<std::pair<Clock::time_point, std::string>> delivered_order_;
  std::vector<std::pair<std::int64_t, std::string>> to_forget_;
};

}  // namespace nationpulse::bff
