#include "report_hub.hpp"

namespace nationpulse::bff {

std::string ExportStatusEvent(std::string_view json) {
  std::string frame = "event: export-status\ndata: ";
  frame += json;
  // The original's JSON encoder newline plus the event terminator (rest-api.md §8.6).
  frame += "\n\n\n";
  return frame;
}

ReportHub::ReportHub(Options options) : options_(options) {}

std::uint64_t ReportHub::Reserve(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto& count = streams_per_user_[user_id];
  if (count >= options_.max_streams_per_user) return 0;
  ++count;
  const std::uint64_t id = next_id_++;
  streams_.emplace(id, Stream{user_id, nullptr});
  return id;
}

void ReportHub::Attach(std::uint64_t id, std::shared_ptr<http::StreamSink> sink,
                       std::vector<ReportDelivery> found) {
  std::lock_guard lock(mutex_);
  const auto it = streams_.find(id);
  if (it == streams_.end()) return;  // already removed
  it->second.sink = std::move(sink);
  const std::int64_t user = it->second.user_id;
  ExpireLocked(Clock::now());
  std::vector<ReportDelivery> ready;
  if (auto b = buffered_.find(user); b != buffered_.end()) {
    for (auto& entry : b->second) ready.push_back(std::move(entry.delivery));
    buffered_.erase(b);
  }
  for (auto& f : found) ready.push_back(std::move(f));
  for (const auto& delivery : ready) {
    if (!MarkDeliveredLocked(user, delivery.request_id)) continue;
    SendLocked(user, delivery);
  }
}

void ReportHub::Remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto it = streams_.find(id);
  if (it == streams_.end()) return;
  if (auto c = streams_per_user_.find(it->second.user_id); c != streams_per_user_.end() && --c->second == 0) {
    streams_per_user_.erase(c);
  }
  streams_.erase(it);
}

void ReportHub::AddPending(std::int64_t user_id, const std::string& request_id,
                           const std::string& export_id) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  ExpireLocked(now);
  if (pending_.size() >= options_.max_pending) return;  // Redis still knows it
  pending_[request_id] = Pending{user_id, export_id, now};
}

void ReportHub::ForgetPending(const std::string& request_id) {
  std::lock_guard lock(mutex_);
  pending_.erase(request_id);
}

bool ReportHub::IsPending(const std::string& request_id) {
  std::lock_guard lock(mutex_);
  return pending_.contains(request_id);
}

bool ReportHub::WasDelivered(const std::string& request_id) {
  std::lock_guard lock(mutex_);
  return delivered_.contains(request_id);
}

void ReportHub::Deliver(std::int64_t user_id, ReportDelivery delivery) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  ExpireLocked(now);
  if (!delivery.request_id.empty() && delivered_.contains(delivery.request_id)) return;
  bool has_stream = false;
  for (const auto& [id, s] : streams_) {
    if (s.user_id == user_id && s.sink && !s.sink->closed()) {
      has_stream = true;
      break;
    }
  }
  if (has_stream) {
    MarkDeliveredLocked(user_id, delivery.request_id);
    SendLocked(user_id, delivery);
    return;
  }
  auto& queue = buffered_[user_id];
  if (queue.size() >= options_.max_buffered_per_user) queue.pop_front();  // oldest first
  queue.push_back(Buffered{std::move(delivery), now});
}

bool ReportHub::SendLocked(std::int64_t user_id, const ReportDelivery& delivery) {
  bool sent = false;
  const std::string frame = delivery.failed ? std::string() : ExportStatusEvent(delivery.json);
  for (auto& [id, s] : streams_) {
    if (s.user_id != user_id || !s.sink || s.sink->closed()) continue;
    // A failure must not reach the current frontend as an event: it would download a garbage file
    // (messaging.md §5.2). Ending the stream makes the browser show "Report generation failed".
    if (delivery.failed) {
      s.sink->Close();
    } else {
      s.sink->Send(frame);
    }
    sent = true;
  }
  return sent;
}

bool ReportHub::MarkDeliveredLocked(std::int64_t user_id, const std::string& request_id) {
  if (request_id.empty()) return true;  // original reporting: nothing to deduplicate by
  const auto now = Clock::now();
  if (!delivered_.emplace(request_id, now).second) return false;
  delivered_order_.emplace_back(now, request_id);
  while (delivered_order_.size() > options_.max_remembered_deliveries) {
    delivered_.erase(delivered_order_.front().second);
    delivered_order_.pop_front();
  }
  pending_.erase(request_id);
  to_forget_.emplace_back(user_id, request_id);
  return true;
}

void ReportHub::ExpireLocked(Clock::time_point now) {
  for (auto it = buffered_.begin(); it != buffered_.end();) {
    auto& queue = it->second;
    while (!queue.empty() && now - queue.front().at > options_.buffer_ttl) queue.pop_front();
    it = queue.empty() ? buffered_.erase(it) : std::next(it);
  }
  std::erase_if(pending_, [&](const auto& p) { return now - p.second.at > options_.pending_ttl; });
  // Deliveries are remembered as long as a redelivered result could still arrive.
  while (!delivered_order_.empty() && now - delivered_order_.front().first > options_.pending_ttl) {
    delivered_.erase(delivered_order_.front().second);
    delivered_order_.pop_front();
  }
}

std::vector<ReportHub::PendingRequest> ReportHub::PendingWithStreams() {
  std::lock_guard lock(mutex_);
  std::vector<PendingRequest> out;
  if (pending_.empty()) return out;
  std::unordered_map<std::int64_t, bool> listening;
  for (const auto& [id, s] : streams_) {
    if (s.sink && !s.sink->closed()) listening[s.user_id] = true;
  }
  for (const auto& [request_id, p] : pending_) {
    if (listening.contains(p.user_id)) out.push_back(PendingRequest{p.user_id, request_id, p.export_id});
  }
  return out;
}

std::vector<std::pair<std::int64_t, std::string>> ReportHub::TakeDelivered() {
  std::lock_guard lock(mutex_);
  return std::exchange(to_forget_, {});
}

std::size_t ReportHub::open_streams() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, s] : streams_) n += s.sink ? 1 : 0;
  return n;
}

std::size_t ReportHub::buffered() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [user, queue] : buffered_) n += queue.size();
  return n;
}

}  // namespace nationpulse::bff
