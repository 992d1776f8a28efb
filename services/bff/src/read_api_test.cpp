#include "read_api.hpp"

#include <gtest/gtest.h>

namespace nationpulse::bff {
namespace {

TEST(DbErrorResponse, UnavailableIs503AndQueryIs500) {
  using K = db::DbError::Kind;
  EXPECT_EQ(DbErrorResponse({K::kUnavailable, "down", ""}).result(), http::Status::service_unavailable);
  EXPECT_EQ(DbErrorResponse({K::kPoolExhausted, "busy", ""}).result(), http::Status::service_unavailable);
  EXPECT_EQ(DbErrorResponse({K::kTimeout, "slow", "57014"}).result(), http::Status::service_unavailable);
  auto res = DbErrorResponse({K::kQuery, "relation x does not exist", "42P01"});
  EXPECT_EQ(res.result(), http::Status::internal_server_error);
  // Internal details stay in the log, not in the answer.
  EXPECT_EQ(res.body(), "{\"isSuccess\":false,\"data\":null,\"error\":\"database query failed\"}\n");
}

TEST(ClosedGate, RefusesWith401Envelope) {
  ClosedGate gate;
  http::Request req{http::Verb::get, "/api/health/country?countryCode=USA", 11};
  http::RequestContext ctx;
  auto refusal = gate.Check(req, ctx);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->result(), http::Status::unauthorized);
  EXPECT_EQ(refusal->body(),
            "{\"isSuccess\":false,\"data\":null,\"error\":\"User does not have access or missing token\"}\n");
}

}  // namespace
}  // namespace nationpulse::bff
