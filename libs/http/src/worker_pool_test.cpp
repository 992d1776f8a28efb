#include "nationpulse/http/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace nationpulse::http {
namespace {

TEST(WorkerPool, RunsTasks) {
  WorkerPool pool(2, 16);
  std::atomic<int> n{0};
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(pool.TryPost([&] { ++n; }));
  pool.Stop();
  EXPECT_EQ(n.load(), 10);
}

TEST(WorkerPool, RefusesWhenQueueIsFull) {
  WorkerPool pool(1, 1);
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.TryPost([&, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();        // the only thread is busy now
  EXPECT_TRUE(pool.TryPost([] {}));   // fills the queue
  EXPECT_FALSE(pool.TryPost([] {}));  // refused, not queued without bound
  release.set_value();
  pool.Stop();
  EXPECT_FALSE(pool.TryPost([] {}));  // stopped
}

TEST(WorkerPool, ThrowingTaskDoesNotKillTheThread) {
  WorkerPool pool(1, 4);
  std::atomic<bool> ran{false};
  ASSERT_TRUE(pool.TryPost([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.TryPost([&] { ran = true; }));
  pool.Stop();
  EXPECT_TRUE(ran.load());
}

}  // namespace
}  // namespace nationpulse::http
