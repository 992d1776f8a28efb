#include "console.hpp"

#include <gtest/gtest.h>

namespace nationpulse::kubepulse {
namespace {

std::tm At(int hour, int minute) {
  std::tm t{};
  t.tm_year = 125;
  t.tm_mon = 2;
  t.tm_mday = 5;
  t.tm_hour = hour;
  t.tm_min = minute;
  return t;
}

TEST(KubePulseConsole, KitchenTimeIsGosLayout) {
  EXPECT_EQ(KitchenTime(At(15, 4)), "3:04PM");
  EXPECT_EQ(KitchenTime(At(0, 0)), "12:00AM");
  EXPECT_EQ(KitchenTime(At(9, 30)), "9:30AM");
  EXPECT_EQ(KitchenTime(At(12, 5)), "12:05PM");
  EXPECT_EQ(KitchenTime(At(23, 59)), "11:59PM");
}

TEST(KubePulseConsole, BlockIsTheOriginalLinesInTargetOrder) {
  const std::vector<Target> targets = {{"BFF-Service", TargetKind::kGrpc, "bff:50051"},
                                       {"Reporting-Svc", TargetKind::kGrpc, "reporting:50051"},
                                       {"Ingestion-Svc", TargetKind::kGrpc, "ingestion:50051"},
                                       {"Cronjob-Svc", TargetKind::kGrpc, ""}};
  const std::vector<ProbeResult> results = {{Status::kServing, {}, ""},
                                            {Status::kRpcError, {}, "UNAVAILABLE: connection refused"},
                                            {Status::kNotServing, {}, ""},
                                            {Status::kNotConfigured, {}, ""}};
  EXPECT_EQ(ConsoleBlock(At(15, 4), targets, results),
            "\n"
            "--- Pulse check: 3:04PM ---\n"
            "[BFF-Service]  Status:SERVING\n"
            "[Reporting-Svc]  Status:UNHEALTHY (RPC ERROR)\n"
            "[Ingestion-Svc]  Status:NOT_SERVING\n"
            "[Cronjob-Svc]  Status:NOT_CONFIGURED\n");
}

TEST(KubePulseConsole, EveryStatusSpelling) {
  const std::vector<std::pair<Status, std::string>> cases = {
      {Status::kServing, "SERVING"},
      {Status::kNotServing, "NOT_SERVING"},
      {Status::kUnknown, "UNKNOWN"},
      {Status::kServiceUnknown, "SERVICE_UNKNOWN"},
      {Status::kRpcError, "UNHEALTHY (RPC ERROR)"},
      {Status::kPingError, "UNHEALTHY (PING ERROR)"},
  };
  for (const auto& [status, text] : cases) {
    EXPECT_EQ(ConsoleBlock(At(8, 0), {{"X", TargetKind::kGrpc, "x:1"}}, {{status, {}, ""}}),
              "\n--- Pulse check: 8:00AM ---\n[X]  Status:" + text + "\n");
  }
}

TEST(KubePulseConsole, MismatchedSizesThrow) {
  EXPECT_THROW(ConsoleBlock(At(8, 0), {{"X", TargetKind::kGrpc, "x:1"}}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace nationpulse::kubepulse
