#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nationpulse/http/json_response.hpp"
#include "nationpulse/http/server.hpp"

namespace nationpulse::http {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;
using tcp = net::ip::tcp;

ServerOptions TestOptions() {
  ServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.io_threads = 2;
  o.worker_threads = 2;
  o.worker_queue = 8;
  o.read_header_timeout = 1s;
  o.write_timeout = 1s;
  o.drain_timeout = 2s;
  return o;
}

/// Polls instead of sleeping a fixed time, so a passing test is as fast as the server.
template <class Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds budget = 1500ms) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

/// What the test sees of one stream: the sink from on_open and how often each callback ran.
struct Probe {
  std::mutex mutex;
  std::shared_ptr<StreamSink> sink;
  std::atomic<int> opens{0};
  std::atomic<int> closes{0};
  std::string heartbeat;
  std::chrono::milliseconds heartbeat_interval{15000};
  std::size_t max_queued_bytes = 1 << 20;

  std::shared_ptr<StreamSink> Sink() {
    std::lock_guard lock(mutex);
    return sink;
  }
  StreamSpec Spec() {
    StreamSpec spec;
    spec.heartbeat = heartbeat;
    spec.heartbeat_interval = heartbeat_interval;
    spec.max_queued_bytes = max_queued_bytes;
    spec.on_open = [this](std::shared_ptr<StreamSink> s) {
      std::lock_guard lock(mutex);
      sink = std::move(s);
      ++opens;
    };
    spec.on_close = [this] { ++closes; };
    return spec;
  }
};

Router StreamRouter(Probe& probe) {
  Router r;
  auto events = [&probe](const Request&, RequestContext& ctx) {
    ctx.stream = probe.Spec();
    Response res{Status::ok, 11};
    res.set(bhttp::field::content_type, "text/event-stream");
    res.set(bhttp::field::cache_control, "no-cache");
    res.body() = ": connected\n\n";
    return res;
  };
  r.Add(Verb::get, "/events", events);
  r.Add(Verb::get, "/events-inline", events, InlineRoute());
  r.Add(Verb::get, "/forbidden", [&probe](const Request&, RequestContext& ctx) {
    ctx.stream = probe.Spec();
    return JsonError(Status::forbidden, "no");
  });
  return r;
}

/// The server-wide chain must wrap a stream's head like any answer.
Middleware Tag() {
  return [](const Request&, RequestContext&, const Next& next) {
    auto res = next();
    res.set("X-Chain", "yes");
    return res;
  };
}

/// Raw socket that decodes a chunked response; every read gives up after 2 s.
class StreamClient {
 public:
  explicit StreamClient(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    timeval tv{2, 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  void Send(const std::string& data) { net::write(socket_, net::buffer(data)); }
  void Get(const std::string& target, std::string_view verb = "GET") {
    Send(std::string(verb) + " " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  void Close() {
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  /// The response head including the blank line; empty on EOF or timeout.
  std::string ReadHead() { return ReadUntil("\r\n\r\n").value_or(""); }

  /// The next chunk's data: "" for the terminating chunk, nullopt on EOF, timeout or bad framing.
  std::optional<std::string> ReadChunk() {
    auto line = ReadUntil("\r\n");
    if (!line) return std::nullopt;
    std::size_t size = 0;
    try {
      size = std::stoul(*line, nullptr, 16);
    } catch (...) {
      return std::nullopt;
    }
    if (!Fill(size + 2) || buffer_.compare(size, 2, "\r\n") != 0) return std::nullopt;
    std::string data = buffer_.substr(0, size);
    buffer_.erase(0, size + 2);  // for the last chunk, the CRLF that ends its (empty) trailer
    return data;
  }

  /// True when the server closed the connection with nothing left to read.
  bool AtEof() { return buffer_.empty() && !Fill(1); }

 private:
  bool Fill(std::size_t n) {
    char chunk[4096];
    while (buffer_.size() < n) {
      boost::system::error_code ec;
      const auto got = socket_.read_some(net::buffer(chunk), ec);
      buffer_.append(chunk, got);
      if (ec) return buffer_.size() >= n;
    }
    return true;
  }
  std::optional<std::string> ReadUntil(std::string_view delimiter) {
    for (;;) {
      if (auto pos = buffer_.find(delimiter); pos != std::string::npos) {
        std::string out = buffer_.substr(0, pos + delimiter.size());
        buffer_.erase(0, pos + delimiter.size());
        return out;
      }
      if (!Fill(buffer_.size() + 1)) return std::nullopt;
    }
  }

  net::io_context ioc_;
  tcp::socket socket_;
  std::string buffer_;
};

/// Opens /events (or another stream route) and waits for on_open.
std::shared_ptr<StreamSink> OpenStream(StreamClient& client, Probe& probe, const std::string& target,
                                       std::string* head = nullptr) {
  client.Get(target);
  auto text = client.ReadHead();
  if (head != nullptr) *head = text;
  EXPECT_EQ(client.ReadChunk(), ": connected\n\n");
  EXPECT_TRUE(WaitFor([&] { return probe.opens.load() == 1; }));
  return probe.Sink();
}

TEST(Stream, WorkerRouteStreamsChunksInOrder) {
  Probe probe;
  Server server(TestOptions(), StreamRouter(probe), {Tag()});
  server.Start();
  StreamClient client(server.port());
  std::string head;
  auto sink = OpenStream(client, probe, "/events", &head);
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Chain: yes\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_EQ(server.open_streams(), 1u);

  std::thread producer([&] {
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(sink->Send("data: " + std::to_string(i) + "\n\n"));
  });
  producer.join();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.ReadChunk(), "data: " + std::to_string(i) + "\n\n");
  EXPECT_EQ(probe.closes.load(), 0);
  EXPECT_TRUE(sink->Send(""));  // nothing to send, and above all no terminating chunk
  EXPECT_TRUE(sink->Send("data: after-empty\n\n"));
  EXPECT_EQ(client.ReadChunk(), "data: after-empty\n\n");
}

TEST(Stream, InlineRouteStreamsToo) {
  Probe probe;
  Server server(TestOptions(), StreamRouter(probe), {});
  server.Start();
  StreamClient client(server.port());
  auto sink = OpenStream(client, probe, "/events-inline");
  ASSERT_NE(sink, nullptr);
  EXPECT_TRUE(sink->Send("data: x\n\n"));
  EXPECT_EQ(client.ReadChunk(), "data: x\n\n");
}

TEST(Stream, HeartbeatArrivesWhileIdle) {
  Probe probe;
  probe.heartbeat = ": ping\n\n";
  probe.heartbeat_interval = 50ms;
  Server server(TestOptions(), StreamRouter(probe), {});
  server.Start();
  StreamClient client(server.port());
  auto sink = OpenStream(client, probe, "/events");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.ReadChunk(), ": ping\n\n");
  EXPECT_EQ(client.ReadChunk(), ": ping\n\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(Stream, ClientHangUpRunsOnClose) {
  Probe probe;
  Server server(TestOptions(), StreamRouter(probe), {});
  server.Start();
  StreamClient client(server.port());
  auto sink = OpenStream(client, probe, "/events");
  ASSERT_NE(sink, nullptr);
  client.Close();
  EXPECT_TRUE(WaitFor([&] { return probe.closes.load() == 1; }));
  EXPECT_TRUE(sink->closed());
  EXPECT_FALSE(sink->Send("data: late\n\n"));
  EXPECT_TRUE(WaitFor([&] { return server.open_streams() == 0 && server.open_connections() == 0; }));
  EXPECT_EQ(probe.closes.load(), 1);
}

TEST(Stream, BytesFromTheClientAreIgnored) {
  Probe probe;
  Server server(TestOptions(), StreamRouter(probe), {});
  server.Start();
  StreamClient client(server.port());
  auto sink = OpenStream(client, probe, "/events");
  ASSERT_NE(sink, nullptr);
  client.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(sink->Send("data: still-open\n\n"));
  EXPECT_EQ(client.ReadChunk(), "data: still-open\n\n");
  EXPECT_EQ(probe.closes.load(), 0);
}

TEST(Stream, SinkCloseSendsTheLastChunkThenEof) {
  Probe probe;
  Server server(TestOptions(), StreamRouter(probe), {});
  server.Start();
  StreamClient client(server.port());
  auto sink = OpenStream(client, probe, "/events");
  ASSERT_NE(sink, nullptr);
  EXPECT_TRUE(sink->Send("data: bye\n\n"));
  sink->Close();
  sink->Close();  // idempotent
  EXPECT_TRUE(sink->closed());
  EXPECT_FALSE(sink->Send("data: too late\n\n"));
  EXPECT_EQ(client.ReadChunk(), "data: bye\n\n");  // queued before Close, so still delivered
  EXPECT_EQ(client.ReadChunk(), "");
  EXPECT_TRUE(client.AtEof());
  EXPECT_TRUE(WaitFor([&] { return probe.closes.load() == 1; }));
  EXPECT_TRUE(WaitFor([&] { return server.open_streams() == 0; }));
  EXPECT_EQ(probe.closes.load(), 1);
}

TEST(Stream, NonOkHeadOrHttp10IsAPlainResponse) {
  Probe probe;
  Server server(TestOptions(), StreamRouter(probe), {});
  server.Start();
  {
    StreamClient client(server.port());
    client.Get("/forbidden");
    const auto head = client.ReadHead();
    EXPECT_EQ(head.rfind("HTTP/1.1 403", 0), 0u) << head;
    EXPECT_NE(head.find("Content-Length:"), std::string::npos) << head;
    EXPECT_EQ(head.find("chunked"), std::string::npos) << head;
    EXPECT_TRUE(WaitFor([&] { return probe.closes.load() == 1; }));
  }
  {
    StreamClient client(server.port());
    client.Get("/events", "HEAD");
    const auto head = client.ReadHead();
    EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
    EXPECT_EQ(head.find("chunked"), std::string::npos) << head;
    EXPECT_TRUE(WaitFor([&] { return probe.closes.load() == 2; }));
  }
  {
    StreamClient client(server.port());  // chunked encoding needs HTTP/1.1
    client.Send("GET /events HTTP/1.0\r\n\r\n");
    const auto head = client.ReadHead();
    EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
    EXPECT_NE(head.find("Content-Length: 13"), std::string::npos) << head;
    EXPECT_TRUE(WaitFor([&] { return probe.closes.load() == 3; }));
  }
  EXPECT_EQ(probe.opens.load(), 0);
  EXPECT_EQ(server.open_streams(), 0u);
}

TEST(Stream, StopEndsOpenStreamsAtOnce) {
  Probe probe;
  probe.heartbeat = ": ping\n\n";  // a timer pending on the strand must not hold up the stop either
  probe.heartbeat_interval = 10s;
  Server server(TestOptions(), StreamRouter(probe), {});
  server.Start();
  StreamClient client(server.port());
  auto sink = OpenStream(client, probe, "/events");
  ASSERT_NE(sink, nullptr);
  const auto start = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);  // drain_timeout is 2 s
  EXPECT_EQ(probe.closes.load(), 1);
  EXPECT_EQ(server.open_streams(), 0u);
  EXPECT_FALSE(sink->Send("data: after stop\n\n"));
  EXPECT_EQ(client.ReadChunk(), "");
  EXPECT_TRUE(client.AtEof());
}

TEST(Stream, ConcurrentSendsNeverInterleave) {
  Probe probe;
  Server server(TestOptions(), StreamRouter(probe), {});
  server.Start();
  StreamClient client(server.port());
  auto sink = OpenStream(client, probe, "/events");
  ASSERT_NE(sink, nullptr);
  constexpr int kThreads = 4;
  constexpr int kMessages = 250;
  const std::string padding(200, 'x');  // big enough that writes batch and the socket fills up
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kMessages; ++i) {
        EXPECT_TRUE(
            sink->Send("data: " + std::to_string(t) + " " + std::to_string(i) + " " + padding + "\n\n"));
      }
    });
  }
  std::vector<int> next(kThreads, 0);
  for (int n = 0; n < kThreads * kMessages; ++n) {
    auto chunk = client.ReadChunk();
    ASSERT_TRUE(chunk) << "after " << n << " chunks";
    int t = -1;
    int i = -1;
    char rest[256] = {};
    ASSERT_EQ(std::sscanf(chunk->c_str(), "data: %d %d %255s", &t, &i, rest), 3) << *chunk;
    ASSERT_TRUE(t >= 0 && t < kThreads) << *chunk;
    EXPECT_EQ(i, next[t]) << "thread " << t << " out of order";  // one thread's sends stay in order
    next[t] = i + 1;
    EXPECT_EQ(*chunk, "data: " + std::to_string(t) + " " + std::to_string(i) + " " + padding + "\n\n");
  }
  for (auto& p : producers) p.join();
  EXPECT_EQ(next, std::vector<int>(kThreads, kMessages));
}

TEST(Stream, ClientThatDoesNotReadIsCutOff) {
  Probe probe;
  probe.max_queued_bytes = 256 * 1024;
  Server server(TestOptions(), StreamRouter(probe), {});
  server.Start();
  StreamClient client(server.port());
  auto sink = OpenStream(client, probe, "/events");
  ASSERT_NE(sink, nullptr);
  // The client reads nothing more: kernel buffers fill, then the queue, then Send refuses.
  const std::string block(64 * 1024, 'y');
  bool refused = false;
  for (int i = 0; i < 2000 && !refused; ++i) refused = !sink->Send(block);
  EXPECT_TRUE(refused);
  EXPECT_TRUE(WaitFor([&] { return probe.closes.load() == 1; }));
  EXPECT_TRUE(sink->closed());
  EXPECT_TRUE(WaitFor([&] { return server.open_streams() == 0; }));
}

TEST(Stream, SinkOutlivesTheServer) {
  Probe probe;
  std::shared_ptr<StreamSink> sink;
  {
    Server server(TestOptions(), StreamRouter(probe), {});
    server.Start();
    StreamClient client(server.port());
    sink = OpenStream(client, probe, "/events");
  }
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(probe.closes.load(), 1);
  EXPECT_FALSE(sink->Send("data: x\n\n"));
  sink->Close();
}

}  // namespace
}  // namespace nationpulse::http
