#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace nationpulse::http {

/// Fixed threads with a bounded queue, for blocking work (libpqxx, hiredis) kept off the I/O
/// threads. TryPost never blocks: a full queue is refused so the caller can answer 503 fast
/// instead of queueing without bound.
class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_capacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// @returns false when the queue is full or the pool is stopping.
  bool TryPost(std::function<void()> task);
  /// Runs what is queued, then joins the threads.
  void Stop();

  std::size_t queued() const;
  std::size_t busy() const;
  std::size_t threads() const { return threads_.size(); }

 private:
  void Run();

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t capacity_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace nationpulse::http
