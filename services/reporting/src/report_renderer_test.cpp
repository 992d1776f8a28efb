#include "report_renderer.hpp"

#include <gtest/gtest.h>

namespace nationpulse::reporting {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out;
  AppendBase64(out, bytes);
  return out;
}

// RFC 4648 §10 test vectors.
TEST(AppendBase64, Rfc4648Vectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
}

TEST(AppendBase64, PiecesOfThreeBytesEqualOneShot) {
  // The renderer encodes each batch's whole 3-byte groups and carries the rest: same output as one call.
  std::string csv;
  for (int i = 0; i < 500; ++i) csv += "row " + std::to_string(i) + ",\"quoted, text\",\xc3\xa9\n";
  std::string pieces;
  std::string pending;
  for (std::size_t at = 0; at < csv.size(); at += 37) {
    pending += csv.substr(at, 37);
    const std::size_t whole = pending.size() - pending.size() % 3;
    AppendBase64(pieces, std::string_view(pending).substr(0, whole));
    pending.erase(0, whole);
  }
  AppendBase64(pieces, pending);
  EXPECT_EQ(pieces, Base64(csv));
  // No line breaks: the frontend's atob and the SSE data line both need one line.
  EXPECT_EQ(pieces.find('\n'), std::string::npos);
}

TEST(AppendBase64, AppendsAfterExistingText) {
  std::string out = "prefix:";
  AppendBase64(out, "id\n");
  EXPECT_EQ(out, "prefix:aWQK");
}

}  // namespace
}  // namespace nationpulse::reporting
