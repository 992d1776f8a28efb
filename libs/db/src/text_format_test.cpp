#include "nationpulse/db/text_format.hpp"

#include <gtest/gtest.h>

namespace nationpulse::db {
namespace {

TEST(TimestampToRfc3339, UtcBecomesZ) {
  EXPECT_EQ(TimestampToRfc3339("2025-11-02 09:14:03.51872+00"), "2025-11-02T09:14:03.51872Z");
  EXPECT_EQ(TimestampToRfc3339("2025-11-02 09:14:03+00"), "2025-11-02T09:14:03Z");
  EXPECT_EQ(TimestampToRfc3339("2025-11-02 09:14:03+00:00"), "2025-11-02T09:14:03Z");
  EXPECT_EQ(TimestampToRfc3339("2025-11-02 09:14:03.51872"), "2025-11-02T09:14:03.51872Z");
}

TEST(TimestampToRfc3339, OtherOffsetsKept) {
  EXPECT_EQ(TimestampToRfc3339("2025-11-02 09:14:03.5+05:30"), "2025-11-02T09:14:03.5+05:30");
  EXPECT_EQ(TimestampToRfc3339("2025-11-02 09:14:03-07"), "2025-11-02T09:14:03-07:00");
}

}  // namespace
}  // namespace nationpulse::db
