#include "nationpulse/cache/redis.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <cerrno>

namespace nationpulse::cache {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

CacheError ContextError(const redisContext* ctx) {
  const bool timeout =
      ctx->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ETIMEDOUT);
  if (timeout) return {CacheError::Kind::kTimeout, "redis timeout"};
  return {CacheError::Kind::kUnavailable,
          std::string("redis: ") + (ctx->errstr[0] ? ctx->errstr : "I/O error")};
}

/// Sends one command with binary-safe arguments; nullptr on an I/O error or timeout.
redisReply* SendArgv(redisContext* ctx, const std::vector<std::string_view>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (auto a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  return static_cast<redisReply*>(
      redisCommandArgv(ctx, static_cast<int>(args.size()), args.data(), lens.data()));
}

}  // namespace

/// Owns one hiredis reply.
struct Redis::Reply {
  std::unique_ptr<redisReply, void (*)(void*)> ptr{nullptr, freeReplyObject};
};

Redis::Redis(RedisOptions options) : options_(std::move(options)) {}

Redis::~Redis() {
  for (auto* ctx : idle_) redisFree(ctx);
}

Expected<redisContext*, CacheError> Redis::Connect() {
  redisContext* ctx =
      redisConnectWithTimeout(options_.host.c_str(), options_.port, ToTimeval(options_.connect_timeout));
  if (ctx == nullptr) return Unexpected{CacheError{CacheError::Kind::kUnavailable, "redis: out of memory"}};
  if (ctx->err) {
    CacheError e{CacheError::Kind::kUnavailable, std::string("redis connect: ") + ctx->errstr};
    redisFree(ctx);
    return Unexpected{e};
  }
  redisSetTimeout(ctx, ToTimeval(options_.command_timeout));
  auto init = [&](std::vector<std::string_view> argv) -> std::optional<CacheError> {
    auto* r = SendArgv(ctx, argv);
    if (r == nullptr) return ContextError(ctx);
    std::optional<CacheError> err;
    if (r->type == REDIS_REPLY_ERROR) err = CacheError{CacheError::Kind::kReply, std::string(r->str, r->len)};
    freeReplyObject(r);
    return err;
  };
  if (!options_.password.empty()) {
    if (auto e = init({"AUTH", options_.password})) {
      redisFree(ctx);
      return Unexpected{*e};
    }
  }
  if (options_.db != 0) {
    const auto db = std::to_string(options_.db);
    if (auto e = init({"SELECT", db})) {
      redisFree(ctx);
      return Unexpected{*e};
    }
  }
  return ctx;
}

Expected<redisContext*, CacheError> Redis::Acquire() {
  std::unique_lock lock(mutex_);
  if (!cv_.wait_for(lock, options_.acquire_timeout,
                    [this] { return !idle_.empty() || open_ < options_.size; })) {
    return Unexpected{CacheError{CacheError::Kind::kUnavailable, "redis pool exhausted"}};
  }
  if (!idle_.empty()) {
    auto* ctx = idle_.back();
    idle_.pop_back();
    ++in_use_;
    return ctx;
  }
  if (std::chrono::steady_clock::now() - last_failure_ < options_.reconnect_backoff) {
    return Unexpected{CacheError{CacheError::Kind::kUnavailable, last_error_}};
  }
  ++open_;
  ++in_use_;
  lock.unlock();
  auto ctx = Connect();
  if (!ctx) {
    lock.lock();
    --open_;
    --in_use_;
    last_failure_ = std::chrono::steady_clock::now();
    last_error_ = ctx.error().message;
    cv_.notify_one();
  }
  return ctx;
}

void Redis::Release(redisContext* ctx, bool healthy) {
  std::lock_guard lock(mutex_);
  --in_use_;
  if (healthy) {
    idle_.push_back(ctx);
  } else {
    redisFree(ctx);
    --open_;
    // A broken connection usually means Redis went away: back off before reconnecting.
    last_failure_ = std::chrono::steady_clock::now();
    last_error_ = "redis connection lost";
  }
  cv_.notify_one();
}

void Redis::RegisterMetrics(metrics::Registry& registry, const std::string& service) {
  auto& connections = registry.AddGauge("nationpulse_" + service + "_redis_pool_connections",
                                        "Redis pool connections by state.", {"state"});
  duration_ = &registry.AddHistogram("nationpulse_" + service + "_redis_command_duration_seconds",
                                     "Redis commands (lease and round trip), by outcome.", {"outcome"},
                                     metrics::DefaultBuckets());
  registry.OnCollect([this, &connections] {
    const auto s = stats();
    connections.WithLabels({"open"}).Set(static_cast<double>(s.open));
    connections.WithLabels({"in_use"}).Set(static_cast<double>(s.in_use));
  });
}

Expected<Redis::Reply, CacheError> Redis::Command(const std::vector<std::string_view>& argv) {
  if (duration_ == nullptr) return Send(argv);
  const auto started = std::chrono::steady_clock::now();
  auto reply = Send(argv);
  const char* outcome = "ok";
  if (!reply) {
    switch (reply.error().kind) {
      case CacheError::Kind::kUnavailable:
        outcome = "unavailable";
        break;
      case CacheError::Kind::kTimeout:
        outcome = "timeout";
        break;
      case CacheError::Kind::kReply:
        outcome = "reply";
        break;
    }
  }
  duration_->WithLabels({outcome}).Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return reply;
}

Expected<Redis::Reply, CacheError> Redis::Send(const std::vector<std::string_view>& argv) {
  auto ctx = Acquire();
  if (!ctx) return Unexpected{ctx.error()};
  errno = 0;
  auto* raw = SendArgv(*ctx, argv);
  if (raw == nullptr) {
    // hiredis contexts are unusable after an I/O error or timeout.
    auto err = ContextError(*ctx);
    Release(*ctx, false);
    return Unexpected{err};
  }
  Release(*ctx, true);
  Reply reply;
  reply.ptr.reset(raw);
  if (raw->type == REDIS_REPLY_ERROR) {
    return Unexpected{CacheError{CacheError::Kind::kReply, std::string(raw->str, raw->len)}};
  }
  return reply;
}

Expected<std::optional<std::string>, CacheError> Redis::StringCommand(std::string_view verb,
                                                                      std::string_view key) {
  auto r = Command({verb, key});
  if (!r) return Unexpected{r.error()};
  const auto* reply = r->ptr.get();
  if (reply->type == REDIS_REPLY_NIL) return std::optional<std::string>{};
  if (reply->type != REDIS_REPLY_STRING) {
    return Unexpected{CacheError{CacheError::Kind::kReply, "unexpected reply type for " + std::string(verb)}};
  }
  return std::optional<std::string>(std::string(reply->str, reply->len));
}

Expected<std::optional<std::string>, CacheError> Redis::Get(std::string_view key) {
  return StringCommand("GET", key);
}

Expected<std::optional<std::string>, CacheError> Redis::GetDel(std::string_view key) {
  return StringCommand("GETDEL", key);
}

Expected<void, CacheError> Redis::SetEx(std::string_view key, std::string_view value,
                                        std::chrono::seconds ttl) {
  const auto seconds = std::to_string(std::max<long long>(1, ttl.count()));
  auto r = Command({"SET", key, value, "EX", seconds});
  if (!r) return Unexpected{r.error()};
  return {};
}

Expected<std::int64_t, CacheError> Redis::Del(const std::vector<std::string>& keys) {
  std::vector<std::string_view> argv{"DEL"};
  for (const auto& k : keys) argv.push_back(k);
  auto r = Command(argv);
  if (!r) return Unexpected{r.error()};
  return static_cast<std::int64_t>(r->ptr->integer);
}

Expected<void, CacheError> Redis::Ping() {
  auto r = Command({"PING"});
  if (!r) return Unexpected{r.error()};
  return {};
}

Expected<void, CacheError> Redis::HSetWithTtl(std::string_view key, std::string_view field,
                                              std::string_view value, std::chrono::seconds ttl) {
  auto set = Command({"HSET", key, field, value});
  if (!set) return Unexpected{set.error()};
  const auto seconds = std::to_string(std::max<long long>(1, ttl.count()));
  auto expire = Command({"EXPIRE", key, seconds});
  if (!expire) return Unexpected{expire.error()};
  return {};
}

Expected<std::vector<std::pair<std::string, std::string>>, CacheError> Redis::HGetAll(std::string_view key) {
  auto r = Command({"HGETALL", key});
  if (!r) return Unexpected{r.error()};
  const redisReply* reply = r->ptr.get();
  // RESP2 answers a flat array field, value, field, value...
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements % 2 != 0) {
    return Unexpected{CacheError{CacheError::Kind::kReply, "unexpected reply type for HGETALL"}};
  }
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(reply->elements / 2);
  for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
    const redisReply* f = reply->element[i];
    const redisReply* v = reply->element[i + 1];
    if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) {
      return Unexpected{CacheError{CacheError::Kind::kReply, "unexpected element type in HGETALL"}};
    }
    out.emplace_back(std::string(f->str, f->len), std::string(v->str, v->len));
  }
  return out;
}

Expected<std::int64_t, CacheError> Redis::HDel(std::string_view key, const std::vector<std::string>& fields) {
  if (fields.empty()) return std::int64_t{0};
  std::vector<std::string_view> argv{"HDEL", key};
  for (const auto& f : fields) argv.push_back(f);
  auto r = Command(argv);
  if (!r) return Unexpected{r.error()};
  return static_cast<std::int64_t>(r->ptr->integer);
}

Redis::Stats Redis::stats() const {
  std::lock_guard lock(mutex_);
  return Stats{open_, in_use_};
}

}  // namespace nationpulse::cache
