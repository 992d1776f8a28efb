#include "pulse_board.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nationpulse::kubepulse {
namespace {

using namespace std::chrono_literals;

const Clock::time_point kT0 = Clock::from_time_t(1741187040);  // 2025-03-05T15:04:00Z

std::vector<Target> FourTargets() {
  return {{"BFF-Service", TargetKind::kGrpc, "bff:50051"},
          {"Reporting-Svc", TargetKind::kGrpc, "reporting:50051"},
          {"Ingestion-Svc", TargetKind::kGrpc, "ingestion:50051"},
          {"Cronjob-Svc", TargetKind::kGrpc, ""}};
}

ProbeResult R(Status status, std::chrono::microseconds latency = 1200us, std::string error = "") {
  return {status, latency, std::move(error)};
}

const ProbeResult kUnset{Status::kNotConfigured, {}, ""};

TEST(PulseBoard, StartsPendingOrNotConfigured) {
  PulseBoard board(FourTargets(), 10s, 2s);
  const BoardSnapshot s = board.Snapshot();
  EXPECT_EQ(s.round, 0u);
  EXPECT_FALSE(s.checked_at.has_value());
  ASSERT_EQ(s.services.size(), 4u);
  EXPECT_EQ(s.services[0].status, Status::kPending);
  EXPECT_EQ(s.services[3].status, Status::kNotConfigured);
  EXPECT_EQ(Summarize(s).text, "Waiting for the first round");
}

TEST(PulseBoard, SinceMovesOnlyWhenTheStatusChanges) {
  PulseBoard board(FourTargets(), 10s, 2s);
  const auto rpc_error = R(Status::kRpcError, 2000000us, "DEADLINE_EXCEEDED: Deadline Exceeded");
  // The first observation is not a change.
  EXPECT_TRUE(board.Record(kT0, {R(Status::kServing), rpc_error, R(Status::kServing), kUnset}).empty());
  EXPECT_TRUE(board.Record(kT0 + 10s, {R(Status::kServing), rpc_error, R(Status::kServing), kUnset}).empty());
  // A different error text is still the same status.
  const auto refused = R(Status::kRpcError, 300us, "UNAVAILABLE: connection refused");
  EXPECT_EQ(board.Record(kT0 + 20s, {R(Status::kNotServing), refused, R(Status::kServing), kUnset}),
            std::vector<std::size_t>{0});
  const BoardSnapshot s = board.Snapshot();
  EXPECT_EQ(s.round, 3u);
  EXPECT_EQ(s.checked_at, kT0 + 20s);
  EXPECT_EQ(s.services[0].status, Status::kNotServing);
  EXPECT_EQ(s.services[0].since, kT0 + 20s);
  EXPECT_EQ(s.services[1].since, kT0);  // unchanged since the first round
  EXPECT_EQ(s.services[1].error, "UNAVAILABLE: connection refused");
  EXPECT_EQ(s.services[2].since, kT0);
  EXPECT_EQ(s.services[1].latency, 300us);
  // The unset row is never touched.
  EXPECT_EQ(s.services[3].status, Status::kNotConfigured);
  EXPECT_FALSE(s.services[3].since.has_value());
  EXPECT_TRUE(s.services[3].history.empty());
}

TEST(PulseBoard, LastErrorSurvivesRecovery) {
  PulseBoard board(FourTargets(), 10s, 2s);
  board.Record(kT0, {R(Status::kRpcError, 5us, "UNAVAILABLE: down"), R(Status::kServing), R(Status::kServing),
                     kUnset});
  EXPECT_EQ(board.Record(kT0 + 10s, {R(Status::kServing), R(Status::kServing), R(Status::kServing), kUnset}),
            std::vector<std::size_t>{0});
  const BoardSnapshot snapshot = board.Snapshot();
  const auto& bff = snapshot.services[0];
  EXPECT_EQ(bff.status, Status::kServing);
  EXPECT_EQ(bff.error, "");
  EXPECT_EQ(bff.last_error, "UNAVAILABLE: down");
  EXPECT_EQ(bff.last_error_at, kT0);
}

TEST(PulseBoard, HistoryKeepsTheNewestRoundsOnly) {
  PulseBoard board(FourTargets(), 10s, 2s, 3);
  for (int i = 0; i < 5; ++i) {
    const Status st = i % 2 == 0 ? Status::kServing : Status::kNotServing;
    board.Record(kT0 + i * 10s, {R(st, std::chrono::microseconds(i)), R(st), R(st), kUnset});
  }
  const BoardSnapshot snapshot = board.Snapshot();
  const auto& history = snapshot.services[0].history;
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history.front().at, kT0 + 20s);  // oldest kept: round 3
  EXPECT_EQ(history.back().at, kT0 + 40s);
  EXPECT_EQ(history.back().status, Status::kServing);
  EXPECT_EQ(history[1].status, Status::kNotServing);
  EXPECT_EQ(history.back().latency, 4us);
}

TEST(PulseBoard, OverallHeadline) {
  PulseBoard board(FourTargets(), 10s, 2s);
  board.Record(kT0, {R(Status::kServing), R(Status::kServing), R(Status::kServing), kUnset});
  Overall o = Summarize(board.Snapshot());
  EXPECT_TRUE(o.ok);
  EXPECT_EQ(o.text, "All services serving");
  EXPECT_EQ(o.configured, 3);
  EXPECT_EQ(o.not_configured, 1);
  board.Record(kT0 + 10s, {R(Status::kNotServing), R(Status::kRpcError), R(Status::kServing), kUnset});
  o = Summarize(board.Snapshot());
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.serving, 1);
  EXPECT_EQ(o.text, "2 of 3 not serving");

  PulseBoard none({{"BFF-Service", TargetKind::kGrpc, ""}}, 10s, 2s);
  none.Record(kT0, {kUnset});
  EXPECT_EQ(Summarize(none.Snapshot()).text, "No services configured");
  EXPECT_FALSE(Summarize(none.Snapshot()).ok);
}

TEST(PulseBoard, RejectsAResultCountThatDoesNotMatch) {
  PulseBoard board(FourTargets(), 10s, 2s);
  EXPECT_THROW(board.Record(kT0, {R(Status::kServing)}), std::invalid_argument);
}

TEST(PulseBoard, FormatsAges) {
  EXPECT_EQ(FormatAge(-3s), "0s");
  EXPECT_EQ(FormatAge(42s), "42s");
  EXPECT_EQ(FormatAge(5min + 59s), "5m");
  EXPECT_EQ(FormatAge(2h + 3min), "2h 3m");
  EXPECT_EQ(FormatAge(3 * 24h + 4h + 5min), "3d 4h");
  EXPECT_EQ(Rfc3339(kT0), "2025-03-05T15:04:00Z");
  EXPECT_DOUBLE_EQ(LatencyMs(1249us), 1.2);
  EXPECT_DOUBLE_EQ(LatencyMs(1250us), 1.3);
}

TEST(PulseBoard, JsonShape) {
  PulseBoard board(FourTargets(), 10s, 2s);
  auto before = nlohmann::json::parse(board.Json(kT0));
  EXPECT_EQ(before["round"], 0);
  EXPECT_TRUE(before["checked_at"].is_null());
  EXPECT_EQ(before["services"][0]["status"], "PENDING");
  EXPECT_TRUE(before["services"][0]["since"].is_null());
  EXPECT_TRUE(before["services"][0]["latency_ms"].is_null());

  board.Record(kT0, {R(Status::kServing, 1234us), R(Status::kRpcError, 2000000us, "DEADLINE_EXCEEDED: late"),
                     R(Status::kNotServing, 800us), kUnset});
  board.Record(kT0 + 10s,
               {R(Status::kServing, 1500us), R(Status::kRpcError, 2000000us, "DEADLINE_EXCEEDED: late"),
                R(Status::kNotServing, 800us), kUnset});
  const auto j = nlohmann::json::parse(board.Json(kT0 + 15s));
  EXPECT_EQ(j["round"], 2);
  EXPECT_EQ(j["checked_at"], "2025-03-05T15:04:10Z");
  EXPECT_EQ(j["generated_at"], "2025-03-05T15:04:15Z");
  EXPECT_EQ(j["interval_seconds"], 10);
  EXPECT_EQ(j["timeout_seconds"], 2);
  EXPECT_EQ(j["history_limit"], 30);
  EXPECT_EQ(j["overall"]["text"], "2 of 3 not serving");
  EXPECT_EQ(j["overall"]["ok"], false);
  ASSERT_EQ(j["services"].size(), 4u);
  const auto& bff = j["services"][0];
  EXPECT_EQ(bff["name"], "BFF-Service");
  EXPECT_EQ(bff["target"], "bff:50051");
  EXPECT_EQ(bff["kind"], "grpc");
  EXPECT_EQ(bff["status"], "SERVING");
  EXPECT_DOUBLE_EQ(bff["latency_ms"].get<double>(), 1.5);
  EXPECT_EQ(bff["since"], "2025-03-05T15:04:00Z");
  EXPECT_TRUE(bff["error"].is_null());
  EXPECT_TRUE(bff["last_error"].is_null());
  ASSERT_EQ(bff["history"].size(), 2u);
  EXPECT_EQ(bff["history"][0]["at"], "2025-03-05T15:04:00Z");
  EXPECT_EQ(bff["history"][0]["status"], "SERVING");
  EXPECT_DOUBLE_EQ(bff["history"][0]["latency_ms"].get<double>(), 1.2);
  const auto& reporting = j["services"][1];
  EXPECT_EQ(reporting["status"], "UNHEALTHY (RPC ERROR)");
  EXPECT_EQ(reporting["error"], "DEADLINE_EXCEEDED: late");
  EXPECT_EQ(reporting["last_error"]["text"], "DEADLINE_EXCEEDED: late");
  EXPECT_EQ(reporting["last_error"]["at"], "2025-03-05T15:04:10Z");
  EXPECT_EQ(j["services"][2]["status"], "NOT_SERVING");
  const auto& cron = j["services"][3];
  EXPECT_EQ(cron["status"], "NOT_CONFIGURED");
  EXPECT_TRUE(cron["target"].is_null());
  EXPECT_TRUE(cron["history"].empty());
  // Exactly the documented keys, so clients can rely on the shape.
  std::vector<std::string> keys;
  for (const auto& [key, value] : bff.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"error", "history", "kind", "last_error", "latency_ms", "name",
                                            "since", "status", "target"}));
}

TEST(PulseBoard, JsonSurvivesInvalidUtf8InErrors) {
  PulseBoard board({{"BFF-Service", TargetKind::kGrpc, "bff:1"}}, 10s, 2s);
  board.Record(kT0, {R(Status::kRpcError, 1us, std::string("bad \xff byte"))});
  const auto j = nlohmann::json::parse(board.Json(kT0));
  EXPECT_NE(j["services"][0]["error"].get<std::string>().find("bad"), std::string::npos);
}

}  // namespace
}  // namespace nationpulse::kubepulse
