#include "nationpulse/db/pool.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>

namespace nationpulse::db {
namespace {

std::string Quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

bool BrokenState(const std::string& sqlstate) {
  // Class 08 = connection exception; 57P01..57P03 = server shutting down / cannot connect now.
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

}  // namespace

const char* KindName(DbError::Kind kind) {
  switch (kind) {
    case DbError::Kind::kUnavailable:
      return "unavailable";
    case DbError::Kind::kPoolExhausted:
      return "pool_exhausted";
    case DbError::Kind::kTimeout:
      return "timeout";
    case DbError::Kind::kQuery:
      return "query";
  }
  return "unknown";
}

std::string BuildConnInfo(const PoolOptions& o) {
  const auto connect_seconds = std::max<long long>(1, (o.connect_timeout.count() + 999) / 1000);
  std::string info =
      "host=" + Quote(o.host) + " port=" + std::to_string(o.port) + " dbname=" + Quote(o.dbname) +
      " user=" + Quote(o.user) + " password=" + Quote(o.password) +
      " connect_timeout=" + std::to_string(connect_seconds) +
      " application_name=" + Quote(o.application_name) +
      " keepalives=1 keepalives_idle=30 keepalives_interval=10 keepalives_count=3" + " options=" +
      Quote("-c statement_timeout=" + std::to_string(o.statement_timeout.count()) + " -c TimeZone=UTC");
  return info;
}

void ParseAddress(const std::string& address, std::string& host, int& port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || (address.front() == '[' && address.find(']') > colon)) {
    host = address;
    port = 5432;
    return;
  }
  host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto text = address.substr(colon + 1);
  int p = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
  if (ec != std::errc() || ptr != text.data() + text.size() || p <= 0 || p > 65535) {
    throw std::invalid_argument("bad port in address \"" + address + "\"");
  }
  port = p;
}

Pool::Pool(PoolOptions options) : options_(std::move(options)), conninfo_(BuildConnInfo(options_)) {
  if (options_.size == 0) throw std::invalid_argument("pool size must be at least 1");
}

Pool::~Pool() = default;

Expected<Pool::Lease, DbError> Pool::Acquire() {
  std::unique_lock lock(mutex_);
  ++waiting_;
  const bool got = cv_.wait_for(lock, options_.acquire_timeout,
                                [this] { return !idle_.empty() || open_ < options_.size; });
  --waiting_;
  if (!got) {
    return Unexpected{DbError{
        DbError::Kind::kPoolExhausted,
        "no database connection free within " + std::to_string(options_.acquire_timeout.count()) + " ms",
        {}}};
  }
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    ++in_use_;
    return Lease{std::move(conn), true};
  }
  if (std::chrono::steady_clock::now() - last_connect_failure_ < options_.reconnect_backoff) {
    return Unexpected{
        DbError{DbError::Kind::kUnavailable, "database unavailable: " + last_connect_error_, {}}};
  }
  ++open_;
  ++in_use_;
  lock.unlock();
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo_);
    return Lease{std::move(conn), false};
  } catch (const std::exception& e) {
    lock.lock();
    --open_;
    --in_use_;
    last_connect_failure_ = std::chrono::steady_clock::now();
    last_connect_error_ = e.what();
    while (!last_connect_error_.empty() && last_connect_error_.back() == '\n') last_connect_error_.pop_back();
    cv_.notify_one();
    return Unexpected{
        DbError{DbError::Kind::kUnavailable, "database unavailable: " + last_connect_error_, {}}};
  }
}

void Pool::Release(std::unique_ptr<pqxx::connection> conn, bool healthy) {
  std::lock_guard lock(mutex_);
  --in_use_;
  if (healthy && conn && conn->is_open()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  cv_.notify_one();
}

void Pool::RegisterMetrics(metrics::Registry& registry, const std::string& service) {
  auto& connections = registry.AddGauge("nationpulse_" + service + "_db_pool_connections",
                                        "Postgres pool connections by state.", {"state"});
  duration_ = &registry.AddHistogram("nationpulse_" + service + "_db_operation_duration_seconds",
                                     "Postgres operations (lease and work), by outcome.", {"outcome"},
                                     metrics::DefaultBuckets());
  registry.OnCollect([this, &connections] {
    const auto s = stats();
    connections.WithLabels({"open"}).Set(static_cast<double>(s.open));
    connections.WithLabels({"in_use"}).Set(static_cast<double>(s.in_use));
    connections.WithLabels({"waiting"}).Set(static_cast<double>(s.waiting));
    connections.WithLabels({"max"}).Set(static_cast<double>(s.size));
  });
}

Expected<void, DbError> Pool::RunErased(const std::function<void(pqxx::connection&)>& fn) {
  if (duration_ == nullptr) return RunAttempts(fn);
  const auto started = std::chrono::steady_clock::now();
  auto result = RunAttempts(fn);
  duration_->WithLabels({result ? "ok" : KindName(result.error().kind)})
      .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return result;
}

Expected<void, DbError> Pool::RunAttempts(const std::function<void(pqxx::connection&)>& fn) {
  for (int attempt = 0;; ++attempt) {
    auto lease = Acquire();
    if (!lease) return Unexpected{lease.error()};
    std::optional<DbError> error;
    bool broken = false;
    try {
      fn(*lease->conn);
    } catch (const pqxx::broken_connection& e) {
      broken = true;
      error = DbError{DbError::Kind::kUnavailable, e.what(), {}};
    } catch (const pqxx::sql_error& e) {
      broken = BrokenState(e.sqlstate());
      const auto kind = broken                    ? DbError::Kind::kUnavailable
                        : e.sqlstate() == "57014" ? DbError::Kind::kTimeout  // statement_timeout
                                                  : DbError::Kind::kQuery;
      error = DbError{kind, e.what(), e.sqlstate()};
    } catch (const pqxx::in_doubt_error& e) {
      broken = true;
      error = DbError{DbError::Kind::kUnavailable, e.what(), {}};
    } catch (...) {
      // Not a database outcome (e.g. a conversion bug): give the connection back, then let the
      // handler boundary turn it into a 500.
      const bool open = lease->conn->is_open();
      Release(std::move(lease->conn), open);
      throw;
    }
    const bool healthy = !broken && lease->conn->is_open();
    const bool reused = lease->reused;
    Release(std::move(lease->conn), healthy);
    if (!error) return {};
    while (!error->message.empty() && error->message.back() == '\n') error->message.pop_back();
    if (!healthy && reused && attempt == 0 && error->kind == DbError::Kind::kUnavailable) continue;
    return Unexpected{*error};
  }
}

Expected<void, DbError> Pool::Ping() {
  return Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT 1");
  });
}

Pool::Stats Pool::stats() const {
  std::lock_guard lock(mutex_);
  return Stats{options_.size, open_, in_use_, waiting_};
}

}  // namespace nationpulse::db
