#include "nationpulse/http/server.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "nationpulse/http/dispatch.hpp"
#include "nationpulse/http/json_response.hpp"
#include "nationpulse/http/worker_pool.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

Response SafeRunChain(const std::vector<Middleware>& chain, const Router::Match& match, const Request& req,
                      RequestContext& ctx) {
  try {
    return RunChain(chain, match, req, ctx);
  } catch (const std::exception& e) {
    log::Error("handler failed", {{"path", ctx.path}, {"error", e.what()}});
  }
  return JsonError(Status::internal_server_error, "Internal Server Error");
}

/// One HTTP/1.1 chunk on the wire. Empty data would be the terminating chunk, so callers skip it.
std::string EncodeChunk(std::string_view data) {
  char size[2 * sizeof(std::size_t)];
  const auto end = std::to_chars(size, size + sizeof(size), data.size(), 16).ptr;
  std::string out;
  out.reserve(static_cast<std::size_t>(end - size) + data.size() + 4);
  out.append(size, end).append("\r\n").append(data).append("\r\n");
  return out;
}

constexpr std::string_view kLastChunk = "0\r\n\r\n";

template <class Fn>
void CallSafely(std::string_view what, Fn&& fn) noexcept {
  try {
    fn();
  } catch (const std::exception& e) {
    log::Error(what, {{"error", e.what()}});
  } catch (...) {
    log::Error(what, {{"error", "unknown exception"}});
  }
}

}  // namespace

class Session;

/// The StreamSink handed to on_open. It holds only a weak reference to its session, so a sink kept
/// by the application never keeps a connection alive; all stream state lives on the session's
/// strand and Send/Close merely post there (they never call on_close themselves, so an application
/// may call them while holding a lock that on_close takes). on_close runs at most once: when the
/// session ends the stream, or at the latest when the last owner lets go of the channel (an answer
/// dropped by a stopping io_context).
class StreamChannel final : public StreamSink, public std::enable_shared_from_this<StreamChannel> {
 public:
  explicit StreamChannel(StreamSpec spec) : spec_(std::move(spec)) {}
  ~StreamChannel() override { NotifyClosed(); }
  StreamChannel(const StreamChannel&) = delete;
  StreamChannel& operator=(const StreamChannel&) = delete;

  bool Send(std::string bytes) override;
  void Close() override;
  bool closed() const override { return closed_.load(std::memory_order_acquire); }

  // The rest is for the session, on its strand.
  /// Happens before on_open publishes the sink, so later readers on other threads see it.
  void Attach(const std::shared_ptr<Session>& session) { session_ = session; }
  void MarkClosed() { closed_.store(true, std::memory_order_release); }
  void Release(std::size_t bytes) { queued_.fetch_sub(bytes, std::memory_order_relaxed); }
  const StreamSpec& spec() const { return spec_; }
  /// Runs on_open once and drops it, so what it captured is not kept for the stream's life.
  void NotifyOpen() {
    auto fn = std::move(spec_.on_open);
    spec_.on_open = nullptr;
    if (fn) fn(shared_from_this());
  }
  void NotifyClosed() noexcept {
    if (notified_.exchange(true)) return;
    MarkClosed();
    // Only the winner of the exchange touches on_close; dropping it breaks capture cycles.
    auto fn = std::move(spec_.on_close);
    spec_.on_close = nullptr;
    if (fn) CallSafely("stream on_close failed", fn);
  }

 private:
  StreamSpec spec_;
  std::weak_ptr<Session> session_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> notified_{false};
  std::atomic<std::size_t> queued_{0};
};

namespace {

/// Moves a stream requested by the chain out of the context, so it is owned (and its on_close
/// guaranteed) from here on, whichever way the answer goes.
std::shared_ptr<StreamChannel> TakeStream(RequestContext& ctx) {
  if (!ctx.stream) return nullptr;
  auto channel = std::make_shared<StreamChannel>(std::move(*ctx.stream));
  ctx.stream.reset();
  return channel;
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Router router, std::vector<Middleware> chain)
      : options_(std::move(options)),
        router_(std::move(router)),
        chain_(std::move(chain)),
        ioc_(static_cast<int>(options_.io_threads)),
        acceptor_(net::make_strand(ioc_)),
        workers_(options_.worker_threads, options_.worker_queue) {}

  void Start();
  void Stop();
  void DoAccept();

  // Declared first so they outlive the io_context, whose destructor may destroy sessions.
  std::mutex sessions_mutex_;
  std::condition_variable sessions_cv_;
  std::list<std::weak_ptr<Session>> sessions_;
  std::size_t session_count_ = 0;

  ServerOptions options_;
  Router router_;
  std::vector<Middleware> chain_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  WorkerPool workers_;
  std::vector<std::thread> io_threads_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<std::size_t> rejected_{0};
  std::atomic<std::size_t> open_streams_{0};
  std::uint16_t bound_port_ = 0;

  void Register(const std::shared_ptr<Session>& s);
  void Unregister();
  /// Strong references taken under the lock but released by the caller outside it: the last
  /// reference to a session unregisters it, which takes the same lock.
  std::vector<std::shared_ptr<Session>> LiveSessions();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server)
      : stream_(std::move(socket)), server_(server), heartbeat_(stream_.get_executor()) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  ~Session() {
    // Only reached with a live stream when the io_context dropped our handlers unrun.
    AbandonStream();
    server_.Unregister();
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }

  /// Posted by a draining server: close the connection if it waits for a request, and end an open
  /// stream at once.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->StreamActive()) return self->StopStream();
      if (!self->busy_) {
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

  /// Called from the stream's sink on any thread.
  void PostChunk(std::string wire, std::size_t payload) {
    net::post(stream_.get_executor(), [self = shared_from_this(), wire = std::move(wire), payload]() mutable {
      self->EnqueueChunk(std::move(wire), payload);
    });
  }
  void PostStreamClose(bool graceful) {
    net::post(stream_.get_executor(), [self = shared_from_this(), graceful] {
      if (graceful) return self->CloseStreamGracefully();
      self->EndStream();
    });
  }

  /// For Server::Stop once the I/O threads are joined: nothing runs on the strand any more.
  void AbandonStream() noexcept {
    if (channel_ == nullptr) return;
    if (StreamActive()) {
      stream_state_ = StreamState::kDone;
      server_.open_streams_.fetch_sub(1, std::memory_order_relaxed);
    }
    channel_->NotifyClosed();
  }

 private:
  void DoRead() {
    busy_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options_.header_limit));
    parser_->body_limit(server_.options_.body_limit);
    // The deadline covers the whole head, so a client trickling bytes (slow loris) is cut off.
    stream_.expires_after(first_ ? server_.options_.read_header_timeout : server_.options_.idle_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  enum class StreamState { kNone, kOpening, kOpen, kClosing, kDone };
  struct Chunk {
    std::string wire;
    std::size_t payload;  ///< bytes counted against max_queued_bytes (heartbeats and framing are not)
  };

  bool StreamActive() const {
    return stream_state_ != StreamState::kNone && stream_state_ != StreamState::kDone;
  }

  void OnHeader(beast::error_code ec) {
    first_ = false;
    if (ec) return HandleReadError(ec);
    busy_ = true;
    if (parser_->is_done()) return Dispatch();
    stream_.expires_after(server_.options_.read_body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code e, std::size_t) {
                        if (e) return self->HandleReadError(e);
                        self->Dispatch();
                      });
  }

  void HandleReadError(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return WriteError(Status::request_header_fields_too_large, "request header fields too large");
    }
    if (ec == bhttp::error::body_limit) {
      // The head is complete here, so the answer can pass the chain like any other.
      Request head(parser_->get().base());
      RequestContext ctx;
      ctx.remote_address = remote_;
      if (auto url = boost::urls::parse_origin_form(head.target())) ctx.path = url->path();
      auto res = RunChainAround(server_.chain_,
                                JsonError(Status::payload_too_large, "request body too large"), head, ctx);
      if (auto stream = TakeStream(ctx)) stream->NotifyClosed();
      res.keep_alive(false);
      busy_ = true;
      return Write(std::move(res), false);
    }
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset || ec == net::error::eof) {
      return Close();
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
      return WriteError(Status::bad_request, "malformed HTTP request");
    }
    Close();
  }

  /// `head`: the request was HEAD, so the answer carries Content-Length but no body (found by bff_http_fuzz:
  /// the 400 for a malformed target sent its body to a HEAD request).
  void WriteError(Status status, std::string_view message, bool head = false) {
    busy_ = true;
    auto res = JsonError(status, message);
    res.keep_alive(false);
    if (head) {
      res.content_length(res.body().size());
      res.body().clear();
    }
    Write(std::move(res), head);
  }

  void Dispatch() {
    auto req = std::make_shared<Request>(parser_->release());
    auto ctx = std::make_shared<RequestContext>();
    ctx->remote_address = remote_;
    const auto target = req->target();
    if (auto url = boost::urls::parse_origin_form(target)) {
      ctx->path = url->path();
      ctx->query = std::string(url->encoded_query());
    } else {
      return WriteError(Status::bad_request, "malformed request target", req->method() == Verb::head);
    }
    auto match = server_.router_.Find(req->method(), ctx->path);
    ctx->route = match.route;
    const bool keep_alive = req->keep_alive() && !server_.draining_;
    const bool head = req->method() == Verb::head;
    // Chunked encoding needs HTTP/1.1; older clients get the first answer as a plain response.
    can_chunk_ = req->version() >= 11;

    if (match.route == nullptr || match.route->options.execution == Execution::kInline) {
      auto res = SafeRunChain(server_.chain_, match, *req, *ctx);
      return Finish(std::move(res), keep_alive, head, TakeStream(*ctx));
    }
    const auto& opts = match.route->options;
    if (opts.fast_path && opts.middlewares.empty() && req->method() != Verb::options) {
      std::optional<Response> quick;
      try {
        quick = opts.fast_path(*req, *ctx);
      } catch (const std::exception& e) {
        log::Error("fast path failed", {{"path", ctx->path}, {"error", e.what()}});
      }
      if (quick) {
        auto res = RunChainAround(server_.chain_, std::move(*quick), *req, *ctx);
        return Finish(std::move(res), keep_alive, head, TakeStream(*ctx));
      }
    }
    const bool posted =
        server_.workers_.TryPost([self = shared_from_this(), req, ctx, match, keep_alive, head] {
          auto res = SafeRunChain(self->server_.chain_, match, *req, *ctx);
          // Owned by the posted answer: should the io_context drop it unrun, on_close still fires.
          auto stream = TakeStream(*ctx);
          net::post(self->stream_.get_executor(),
                    [self, res = std::move(res), keep_alive, head, stream = std::move(stream)]() mutable {
                      self->Finish(std::move(res), keep_alive, head, std::move(stream));
                    });
        });
    if (!posted) {
      server_.rejected_.fetch_add(1, std::memory_order_relaxed);
      if (server_.options_.on_overload) server_.options_.on_overload();
      auto busy = JsonError(Status::service_unavailable, "server busy, try again");
      busy.set(bhttp::field::retry_after, "1");
      // Only the server-wide chain runs (it must not block); route steps such as auth are skipped.
      auto res = RunChainAround(server_.chain_, std::move(busy), *req, *ctx);
      Finish(std::move(res), keep_alive, head, TakeStream(*ctx));
    }
  }

  void Finish(Response res, bool keep_alive, bool head, std::shared_ptr<StreamChannel> stream = nullptr) {
    if (stream != nullptr) {
      if (!head && can_chunk_ && res.result() == Status::ok && !server_.draining_) {
        return StartStream(std::move(res), std::move(stream));
      }
      stream->NotifyClosed();  // answered like any other request; the stream never opens
    }
    res.version(11);
    res.keep_alive(keep_alive && !server_.draining_);
    if (head) {
      const auto length = res.body().size();
      res.body().clear();
      res.content_length(length);
    }
    Write(std::move(res), head);
  }

  void Write(Response res, bool head) {
    auto shared = std::make_shared<Response>(std::move(res));
    if (!head) shared->prepare_payload();
    stream_.expires_after(server_.options_.write_timeout);
    if (head) {
      // The head-only serializer keeps our Content-Length while sending no body.
      auto sr = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(*shared);
      bhttp::async_write_header(stream_, *sr,
                                [self = shared_from_this(), shared, sr](beast::error_code ec, std::size_t) {
                                  self->AfterWrite(ec, shared->keep_alive());
                                });
      return;
    }
    bhttp::async_write(stream_, *shared,
                       [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
                         self->AfterWrite(ec, shared->keep_alive());
                       });
  }

  void AfterWrite(beast::error_code ec, bool keep_alive) {
    if (ec || !keep_alive || server_.draining_) return Close();
    DoRead();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  // Streaming. Everything below runs on the strand. The connection is never reused afterwards:
  // the socket closes when the stream ends. The head says "Connection: close" unless the handler
  // chose a Connection header itself (the original SSE route sends "keep-alive", rest-api.md §8.6).

  void StartStream(Response res, std::shared_ptr<StreamChannel> channel) {
    channel_ = std::move(channel);
    channel_->Attach(shared_from_this());
    stream_state_ = StreamState::kOpening;
    server_.open_streams_.fetch_add(1, std::memory_order_relaxed);
    std::string first = std::move(res.body());
    res.body().clear();
    res.version(11);
    if (res.find(bhttp::field::connection) == res.end()) res.keep_alive(false);
    res.erase(bhttp::field::content_length);
    res.chunked(true);
    std::ostringstream head;
    head << res.base();
    std::string wire = head.str();
    if (!first.empty()) wire += EncodeChunk(first);
    queue_.push_back({std::move(wire), 0});
    const auto& spec = channel_->spec();
    if (!spec.heartbeat.empty()) heartbeat_wire_ = EncodeChunk(spec.heartbeat);
    // The peer watch reads without blocking; asio's async operations work the same either way.
    beast::error_code ec;
    stream_.socket().non_blocking(true, ec);
    WatchPeer();
    PumpStream();
  }

  void EnqueueChunk(std::string wire, std::size_t payload) {
    if (stream_state_ != StreamState::kOpen) {
      // Raced with the end of the stream (or with Close, whose last chunk is already queued).
      if (channel_ != nullptr) channel_->Release(payload);
      return;
    }
    queue_.push_back({std::move(wire), payload});
    PumpStream();
  }

  /// One write at a time, batching whatever was queued meanwhile; each is bounded by write_timeout.
  void PumpStream() {
    if (writing_ || queue_.empty() || !StreamActive()) return;
    write_buffer_.clear();
    write_payload_ = 0;
    for (auto& chunk : queue_) {
      write_buffer_ += chunk.wire;
      write_payload_ += chunk.payload;
    }
    queue_.clear();
    writing_ = true;
    stream_.expires_after(server_.options_.write_timeout);
    net::async_write(
        stream_, net::buffer(write_buffer_),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnStreamWrite(ec); });
  }

  void OnStreamWrite(beast::error_code ec) {
    writing_ = false;
    if (!StreamActive()) return;  // ended while the write was in flight (peer gone, server stopping)
    if (ec) return EndStream();
    // No deadline while idle: a stale one would cut the next write short.
    stream_.expires_never();
    channel_->Release(write_payload_);
    if (stream_state_ == StreamState::kOpening) {
      stream_state_ = StreamState::kOpen;
      ArmHeartbeat();
      bool opened = false;
      CallSafely("stream on_open failed", [&] {
        channel_->NotifyOpen();
        opened = true;
      });
      if (!opened) return EndStream();
    }
    if (stream_state_ == StreamState::kClosing && queue_.empty()) return EndStream();
    PumpStream();
  }

  void CloseStreamGracefully() {
    if (stream_state_ != StreamState::kOpen) {
      // Close before the head went out (or after the end): nothing is worth waiting for.
      if (stream_state_ == StreamState::kOpening) EndStream();
      return;
    }
    stream_state_ = StreamState::kClosing;
    heartbeat_.cancel();
    queue_.push_back({std::string(kLastChunk), 0});
    PumpStream();
  }

  /// Server stopping: no waiting on a slow reader. The last chunk goes out only if the kernel takes
  /// it right away and no write is in flight (it must not land inside another chunk).
  void StopStream() {
    if (!writing_ && stream_state_ != StreamState::kOpening) {
      beast::error_code ec;
      stream_.socket().write_some(net::buffer(kLastChunk), ec);
    }
    EndStream();
  }

  /// Ends the stream for any reason: the sink refuses further sends, the socket closes (which
  /// completes the pending write and peer watch, releasing the session), then on_close runs.
  void EndStream() {
    if (!StreamActive()) return;
    stream_state_ = StreamState::kDone;
    channel_->MarkClosed();
    queue_.clear();
    heartbeat_.cancel();
    Close();
    server_.open_streams_.fetch_sub(1, std::memory_order_relaxed);
    channel_->NotifyClosed();
  }

  /// Notices a client that hangs up. Bytes it sends meanwhile are read and discarded (an
  /// EventSource never sends any); EOF or an error ends the stream.
  void WatchPeer() {
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      self->OnPeerReadable(ec);
    });
  }

  void OnPeerReadable(beast::error_code ec) {
    if (!StreamActive()) return;
    if (ec) return EndStream();
    char discard[1024];
    // Bounded, so a client that floods us cannot hold the strand.
    for (int i = 0; i < 16; ++i) {
      beast::error_code read_ec;
      stream_.socket().read_some(net::buffer(discard), read_ec);
      if (read_ec == net::error::would_block || read_ec == net::error::try_again) break;
      if (read_ec) return EndStream();  // eof included
    }
    WatchPeer();
  }

  void ArmHeartbeat() {
    const auto interval = channel_->spec().heartbeat_interval;
    if (heartbeat_wire_.empty() || interval <= std::chrono::milliseconds::zero()) return;
    heartbeat_.expires_after(interval);
    heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->stream_state_ != StreamState::kOpen) return;
      // A heartbeat only keeps an idle connection alive; behind pending data it would just pile up.
      if (!self->writing_ && self->queue_.empty()) {
        self->queue_.push_back({self->heartbeat_wire_, 0});
        self->PumpStream();
      }
      self->ArmHeartbeat();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl& server_;
  std::string remote_;
  bool first_ = true;
  bool busy_ = false;
  bool can_chunk_ = true;

  std::shared_ptr<StreamChannel> channel_;
  StreamState stream_state_ = StreamState::kNone;
  net::steady_timer heartbeat_;
  std::string heartbeat_wire_;
  std::deque<Chunk> queue_;
  std::string write_buffer_;  ///< the batch being written; must outlive the async_write
  std::size_t write_payload_ = 0;
  bool writing_ = false;
};

bool StreamChannel::Send(std::string bytes) {
  if (closed()) return false;
  auto session = session_.lock();
  if (session == nullptr) {
    MarkClosed();
    return false;
  }
  if (bytes.empty()) return true;  // an empty chunk would end the stream
  const auto size = bytes.size();
  if (queued_.fetch_add(size, std::memory_order_relaxed) + size > spec_.max_queued_bytes) {
    // The client does not keep up; the session closes without waiting for it (and runs on_close).
    MarkClosed();
    session->PostStreamClose(false);
    return false;
  }
  session->PostChunk(EncodeChunk(bytes), size);
  return true;
}

void StreamChannel::Close() {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  if (auto session = session_.lock()) session->PostStreamClose(true);
}

void Server::Impl::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(sessions_mutex_);
  ++session_count_;
  // Drop expired entries as we go so the list tracks live sessions only.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->expired() ? sessions_.erase(it) : std::next(it);
  }
  sessions_.push_back(s);
}

std::vector<std::shared_ptr<Session>> Server::Impl::LiveSessions() {
  std::vector<std::shared_ptr<Session>> alive;
  std::lock_guard lock(sessions_mutex_);
  for (auto& weak : sessions_) {
    if (auto s = weak.lock()) alive.push_back(std::move(s));
  }
  return alive;
}

void Server::Impl::Unregister() {
  std::lock_guard lock(sessions_mutex_);
  --session_count_;
  sessions_cv_.notify_all();
}

void Server::Impl::Start() {
  const auto address = net::ip::make_address(options_.address);
  tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  bound_port_ = acceptor_.local_endpoint().port();
  work_.emplace(ioc_.get_executor());
  DoAccept();
  for (std::size_t i = 0; i < options_.io_threads; ++i) {
    io_threads_.emplace_back([this] { ioc_.run(); });
  }
}

void Server::Impl::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || draining_) return;
      log::Warn("accept failed", {{"error", ec.message()}});
    } else {
      bool admit = false;
      {
        std::lock_guard lock(sessions_mutex_);
        admit = session_count_ < options_.max_connections;
      }
      if (admit) {
        auto session = std::make_shared<Session>(std::move(socket), *this);
        Register(session);
        session->Start();
      }
      // Over the limit the socket is closed at once by going out of scope.
    }
    if (!draining_) DoAccept();
  });
}

void Server::Impl::Stop() {
  if (stopped_.exchange(true)) return;
  draining_ = true;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  for (auto& s : LiveSessions()) s->CloseIfIdle();
  {
    std::unique_lock lock(sessions_mutex_);
    const bool drained =
        sessions_cv_.wait_for(lock, options_.drain_timeout, [this] { return session_count_ == 0; });
    if (!drained) log::Warn("drain timeout: closing remaining connections", {{"open", session_count_}});
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : io_threads_) {
    if (t.joinable()) t.join();
  }
  // Streams were ended on their strands above; this only catches one left behind by a drain
  // timeout, so its sink refuses sends and on_close runs now rather than at destruction.
  for (auto& s : LiveSessions()) s->AbandonStream();
  workers_.Stop();
}

Server::Server(ServerOptions options, Router router, std::vector<Middleware> chain)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), std::move(chain))) {}

Server::~Server() { Stop(); }

void Server::Start() { impl_->Start(); }
void Server::Stop() { impl_->Stop(); }
std::uint16_t Server::port() const { return impl_->bound_port_; }

std::size_t Server::open_connections() const {
  std::lock_guard lock(impl_->sessions_mutex_);
  return impl_->session_count_;
}
std::size_t Server::worker_queue_depth() const { return impl_->workers_.queued(); }
std::size_t Server::rejected_overload() const { return impl_->rejected_.load(); }
std::size_t Server::open_streams() const { return impl_->open_streams_.load(); }

}  // namespace nationpulse::http
