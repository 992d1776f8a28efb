// The built np-kubepulse rendered by headless Chromium: the dashboard's script must fetch api/status
// and redraw the rows (the DOM after it ran), and a phone-sized screenshot is left in the build
// directory for a human to look at. (The page without JavaScript is the server-rendered HTML, which
// service_test checks; --dump-dom itself needs JavaScript, so Chromium cannot show it with scripts off.)
// Needs /usr/bin/chromium (Debian package `chromium`, installed by scripts/install-deps.sh): without it
// the tests fail, they do not skip.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "fake_targets.hpp"
#include "nationpulse/http/client.hpp"
#include "nationpulse/testing/child_process.hpp"

namespace nationpulse::kubepulse {
namespace {

using namespace std::chrono_literals;
using nationpulse::testing::ChildProcess;

constexpr const char* kChromium = "/usr/bin/chromium";
// Chromium's own limit (coreutils timeout kills its whole process group), and ours on top of it.
constexpr int kChromiumTimeoutSeconds = 45;
constexpr auto kChromiumBudget = std::chrono::seconds(kChromiumTimeoutSeconds + 15);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (const char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// One headless Chromium run. ChildProcess starts a binary without arguments, so a small script
// carries them; its stdout (the dumped DOM) is ChildProcess's log, stderr goes to a file of its own.
class Chromium {
 public:
  struct Result {
    int exit_code = -1;
    std::string out;
    std::string err;
  };

  static Result Run(const std::vector<std::string>& args) {
    static std::atomic<int> counter{0};
    const std::string base = ::testing::TempDir() + "np-kubepulse-chromium-" + std::to_string(getpid()) +
                             "-" + std::to_string(counter++);
    const std::string profile = base + ".profile";
    std::filesystem::create_directories(profile);
    const std::string script = base + ".sh";
    const std::string err = base + ".err";
    {
      std::ofstream out(script);
      out << "#!/bin/sh\nexec timeout -k 5 " << kChromiumTimeoutSeconds << " " << kChromium
          << " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
             " --disable-background-networking --disable-component-update --disable-sync"
             " --disable-dev-shm-usage --user-data-dir="
          << Quote(profile);
      for (const auto& arg : args) out << " " << Quote(arg);
      out << " 2>" << Quote(err) << "\n";
    }
    chmod(script.c_str(), 0755);
    Result result;
    {
      ChildProcess chromium(script, {});
      result.exit_code = chromium.Exited(kChromiumBudget) ? chromium.exit_code() : -1;
      result.out = chromium.Log();
    }
    result.err = ReadFile(err);
    std::error_code ignored;
    std::filesystem::remove_all(profile, ignored);
    return result;
  }
};

class KubePulseBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(access(kChromium, X_OK), 0)
        << kChromium << " not found: the dashboard browser test needs Chromium. Install the Debian package "
        << "`chromium` (scripts/install-deps.sh does), e.g. `apt-get install -y chromium`.";
    port_ = testing::FreePort();
    process_ = std::make_unique<ChildProcess>(
        NP_KUBEPULSE_BINARY,
        std::vector<std::string>{"BFF_ADDR=" + serving_.address(), "REPORTING_ADDR=" + not_serving_.address(),
                                 "INGESTION_ADDR=", "CRONJOB_ADDR=", "KUBEPULSE_PROBE_INFRA=false",
                                 "PULSE_INTERVAL_SECONDS=1", "PULSE_TIMEOUT_SECONDS=1",
                                 "KUBEPULSE_ADDRESS=127.0.0.1", "KUBEPULSE_PORT=" + std::to_string(port_),
                                 "LOG_LEVEL=info"});
    // Ready once a round is on the board.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      auto res = http::Fetch("127.0.0.1", port_, http::Request{http::Verb::get, "/api/status", 11}, 1s);
      if (res && res->result() == http::Status::ok &&
          nlohmann::json::parse(res->body())["round"].get<int>() >= 1) {
        break;
      }
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "np-kubepulse did not come up:\n"
                                                            << process_->Log();
      std::this_thread::sleep_for(50ms);
    }
  }

  void TearDown() override {
    if (!process_) return;
    process_->Signal(SIGTERM);
    ASSERT_TRUE(process_->Exited(10s)) << process_->Log();
    EXPECT_EQ(process_->exit_code(), 0) << process_->Log();
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

  fake::HealthTarget serving_{true};
  fake::HealthTarget not_serving_{false};
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// Plain scans rather than std::regex: GCC 12 warns inside <regex> under the sanitizer build.
int BodyRound(const std::string& dom) {
  const auto body = dom.find("<body");
  if (body == std::string::npos) return -1;
  const auto end = dom.find('>', body);
  const auto at = dom.find(" data-round=\"", body);
  if (at == std::string::npos || at > end) return -1;
  const auto digits = at + std::string(" data-round=\"").size();
  const auto close = dom.find('"', digits);
  if (close == digits || close == std::string::npos) return -1;
  return std::stoi(dom.substr(digits, close - digits));
}

/// The opening tag that starts with `prefix` (e.g. `<span id="stale"`), or empty.
std::string TagStartingWith(const std::string& dom, const std::string& prefix) {
  const auto at = dom.find(prefix);
  if (at == std::string::npos) return {};
  const auto end = dom.find('>', at);
  return end == std::string::npos ? std::string() : dom.substr(at, end - at + 1);
}

/// True when a `<span class="for" data-since="...">for <digits>s</span>` is present.
bool HasForAge(const std::string& dom) {
  const std::string open = "<span class=\"for\" data-since=\"";
  for (auto at = dom.find(open); at != std::string::npos; at = dom.find(open, at + 1)) {
    const auto gt = dom.find("\">for ", at + open.size());
    if (gt == std::string::npos) return false;
    auto i = gt + 6;
    const auto start = i;
    while (i < dom.size() && dom[i] >= '0' && dom[i] <= '9') ++i;
    if (i > start && dom.compare(i, 8, "s</span>") == 0) return true;
  }
  return false;
}

TEST_F(KubePulseBrowserTest, ScriptRedrawsTheRowsFromApiStatus) {
  const auto r = Chromium::Run({"--virtual-time-budget=3000", "--dump-dom", Url()});
  ASSERT_EQ(r.exit_code, 0) << "chromium failed:\n" << r.err;
  const std::string& dom = r.out;
  // data-source="live" is only ever set by the script, after it rendered a fetched api/status.
  EXPECT_NE(dom.find("data-source=\"live\""), std::string::npos) << dom << "\n--- chromium stderr:\n"
                                                                 << r.err;
  EXPECT_GE(BodyRound(dom), 1) << dom;
  EXPECT_NE(dom.find("<span class=\"badge ok\">SERVING</span>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<span class=\"badge bad\">NOT_SERVING</span>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<span class=\"badge off\">not configured</span>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("data-service=\"BFF-Service\" data-status=\"SERVING\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("data-service=\"Reporting-Svc\" data-status=\"NOT_SERVING\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("1 of 2 not serving"), std::string::npos) << dom;
  // The ticking "for …" ages and the timeline squares are the script's work too.
  EXPECT_TRUE(HasForAge(dom)) << dom;
  EXPECT_NE(dom.find("class=\"tick ok\""), std::string::npos) << dom;
  const std::string stale = TagStartingWith(dom, "<span id=\"stale\"");
  ASSERT_FALSE(stale.empty()) << dom;
  EXPECT_NE(stale.find("hidden"), std::string::npos) << stale;

  // Meanwhile the binary printed the original console lines.
  const std::string log = process_->Log();
  EXPECT_NE(log.find("--- Pulse check: "), std::string::npos) << log;
  EXPECT_NE(log.find("[BFF-Service]  Status:SERVING\n"), std::string::npos) << log;
  EXPECT_NE(log.find("[Reporting-Svc]  Status:NOT_SERVING\n"), std::string::npos) << log;
  EXPECT_NE(log.find("[Cronjob-Svc]  Status:NOT_CONFIGURED\n"), std::string::npos) << log;
}

TEST_F(KubePulseBrowserTest, PhoneScreenshot) {
  const std::string png = NP_KUBEPULSE_SCREENSHOT;
  std::error_code ignored;
  std::filesystem::remove(png, ignored);
  const auto r = Chromium::Run({"--virtual-time-budget=3000", "--hide-scrollbars", "--window-size=412,915",
                                "--screenshot=" + png, Url()});
  ASSERT_EQ(r.exit_code, 0) << "chromium failed:\n" << r.err;
  ASSERT_TRUE(std::filesystem::exists(png)) << png << "\n" << r.err;
  const std::string bytes = ReadFile(png);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // IHDR: width and height, big-endian, right after the signature and the chunk header.
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 3]));
  };
  EXPECT_EQ(be32(16), 412u);
  EXPECT_EQ(be32(20), 915u);
  std::cout << "dashboard screenshot: " << png << " (" << bytes.size() << " bytes)\n";
}

}  // namespace
}  // namespace nationpulse::kubepulse
