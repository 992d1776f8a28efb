#include "nationpulse/process/run.hpp"

#include <gtest/gtest.h>

namespace nationpulse::process {
namespace {

using namespace std::chrono_literals;

TEST(TraceSettings, OffUnlessAnEndpointIsSet) {
  config::Env env(config::Env::Vars{});
  const auto s = LoadTraceSettings(env, "bff");
  EXPECT_TRUE(s.endpoint.empty());
  EXPECT_EQ(s.batch.service_name, "bff");
  EXPECT_EQ(s.batch.delay, 5000ms);
  EXPECT_EQ(s.timeout, 10000ms);
}

TEST(TraceSettings, TheBaseEndpointGetsTheTracesPath) {
  config::Env env(config::Env::Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"},
                                    {"OTEL_BSP_SCHEDULE_DELAY", "200"},
                                    {"OTEL_SERVICE_NAME", "nationpulse-bff"}});
  const auto s = LoadTraceSettings(env, "bff");
  EXPECT_EQ(s.endpoint, "http://collector:4318/v1/traces");
  EXPECT_EQ(s.batch.delay, 200ms);  // milliseconds, as the OpenTelemetry variables are
  EXPECT_EQ(s.batch.service_name, "nationpulse-bff");
}

TEST(TraceSettings, TheSignalEndpointIsUsedAsIs) {
  config::Env env(config::Env::Vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318/"},
                                    {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://b:4318/custom"}});
  EXPECT_EQ(LoadTraceSettings(env, "bff").endpoint, "http://b:4318/custom");
}

TEST(TraceSettings, BadNumbersAreNamed) {
  config::Env env(config::Env::Vars{{"OTEL_BSP_MAX_QUEUE_SIZE", "lots"}});
  LoadTraceSettings(env, "bff");
  ASSERT_EQ(env.errors().size(), 1u);
  EXPECT_NE(env.errors()[0].find("OTEL_BSP_MAX_QUEUE_SIZE"), std::string::npos);
}

TEST(Args, OnlyTheOperatorFlagsAreAccepted) {
  char prog[] = "np-bff", print[] = "--print-env", help[] = "--help", bogus[] = "--bogus";
  char* none[] = {prog};
  char* p[] = {prog, print};
  char* h[] = {prog, help};
  char* b[] = {prog, bogus};
  char* two[] = {prog, print, help};
  EXPECT_EQ(ParseArgs(1, none), Mode::kServe);
  EXPECT_EQ(ParseArgs(2, p), Mode::kPrintEnv);
  EXPECT_EQ(ParseArgs(2, h), Mode::kHelp);
  EXPECT_EQ(ParseArgs(2, b), Mode::kBadUsage);
  EXPECT_EQ(ParseArgs(3, two), Mode::kBadUsage);
}

}  // namespace
}  // namespace nationpulse::process
