#include "nationpulse/http/worker_pool.hpp"

#include "nationpulse/log/log.hpp"

namespace nationpulse::http {

WorkerPool::WorkerPool(std::size_t threads, std::size_t queue_capacity) : capacity_(queue_capacity) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() { Stop(); }

bool WorkerPool::TryPost(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t WorkerPool::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

void WorkerPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    try {
      task();
    } catch (const std::exception& e) {
      // Tasks own their error handling; reaching here is a bug worth a loud log, not a dead thread.
      log::Error("worker task threw", {{"error", e.what()}});
    }
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

}  // namespace nationpulse::http
