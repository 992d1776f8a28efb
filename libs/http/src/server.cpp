#include "nationpulse/http/server.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include "nationpulse/http/json_response.hpp"
#include "nationpulse/http/worker_pool.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

/// Runs the server-wide chain, then the route's steps, then the handler (or the router's
/// 404/405 answer when nothing matched).
Response RunChain(const std::vector<Middleware>& chain, const Router::Match& match, const Request& req,
                  RequestContext& ctx) {
  const Route* route = match.route;
  const std::vector<Middleware>* route_mw = route != nullptr ? &route->options.middlewares : nullptr;

  std::function<Response(std::size_t)> route_chain = [&](std::size_t i) -> Response {
    if (route == nullptr) {
      if (match.path_known) {
        auto res = JsonError(Status::method_not_allowed, "method not allowed");
        res.set(bhttp::field::allow, match.allow);
        return res;
      }
      return JsonError(Status::not_found, "404 page not found");
    }
    if (i < route_mw->size()) return (*route_mw)[i](req, ctx, [&, i] { return route_chain(i + 1); });
    return route->handler(req, ctx);
  };
  if (route != nullptr && route->options.bypass_chain) return route_chain(0);

  std::function<Response(std::size_t)> global = [&](std::size_t i) -> Response {
    if (i < chain.size()) return chain[i](req, ctx, [&, i] { return global(i + 1); });
    return route_chain(0);
  };
  return global(0);
}

/// The server-wide chain around an answer the server itself decided (overload, body too large),
/// so such answers still carry CORS headers and appear in logs and metrics.
Response RunChainAround(const std::vector<Middleware>& chain, Response fixed, const Request& req,
                        RequestContext& ctx) {
  try {
    std::function<Response(std::size_t)> step = [&](std::size_t i) -> Response {
      if (i < chain.size()) return chain[i](req, ctx, [&, i] { return step(i + 1); });
      return fixed;
    };
    return step(0);
  } catch (const std::exception& e) {
    log::Error("middleware failed", {{"path", ctx.path}, {"error", e.what()}});
  }
  return fixed;
}

Response SafeRunChain(const std::vector<Middleware>& chain, const Router::Match& match, const Request& req,
                      RequestContext& ctx) {
  try {
    return RunChain(chain, match, req, ctx);
  } catch (const std::exception& e) {
    log::Error("handler failed", {{"path", ctx.path}, {"error", e.what()}});
  }
  return JsonError(Status::internal_server_error, "Internal Server Error");
}

}  // namespace

class Session;

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
  std::uint16_t bound_port_ = 0;

  void Register(const std::shared_ptr<Session>& s);
  void Unregister();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  ~Session() { server_.Unregister(); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }

  /// Posted by a draining server: close the connection if it waits for a request.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
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

  void WriteError(Status status, std::string_view message) {
    busy_ = true;
    auto res = JsonError(status, message);
    res.keep_alive(false);
    Write(std::move(res), false);
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
      return WriteError(Status::bad_request, "malformed request target");
    }
    auto match = server_.router_.Find(req->method(), ctx->path);
    ctx->route = match.route;
    const bool keep_alive = req->keep_alive() && !server_.draining_;
    const bool head = req->method() == Verb::head;

    if (match.route == nullptr || match.route->options.execution == Execution::kInline) {
      auto res = SafeRunChain(server_.chain_, match, *req, *ctx);
      return Finish(std::move(res), keep_alive, head);
    }
    const auto& opts = match.route->options;
    if (opts.fast_path && opts.middlewares.empty() && req->method() != Verb::options) {
      std::optional<Response> quick;
      try {
        quick = opts.fast_path(*req, *ctx);
      } catch (const std::exception& e) {
        log::Error("fast path failed", {{"path", ctx->path}, {"error", e.what()}});
      }
      if (quick)
        return Finish(RunChainAround(server_.chain_, std::move(*quick), *req, *ctx), keep_alive, head);
    }
    const bool posted =
        server_.workers_.TryPost([self = shared_from_this(), req, ctx, match, keep_alive, head] {
          auto res = SafeRunChain(self->server_.chain_, match, *req, *ctx);
          net::post(self->stream_.get_executor(), [self, res = std::move(res), keep_alive, head]() mutable {
            self->Finish(std::move(res), keep_alive, head);
          });
        });
    if (!posted) {
      server_.rejected_.fetch_add(1, std::memory_order_relaxed);
      if (server_.options_.on_overload) server_.options_.on_overload();
      auto busy = JsonError(Status::service_unavailable, "server busy, try again");
      busy.set(bhttp::field::retry_after, "1");
      // Only the server-wide chain runs (it must not block); route steps such as auth are skipped.
      Finish(RunChainAround(server_.chain_, std::move(busy), *req, *ctx), keep_alive, head);
    }
  }

  void Finish(Response res, bool keep_alive, bool head) {
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

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl& server_;
  std::string remote_;
  bool first_ = true;
  bool busy_ = false;
};

void Server::Impl::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(sessions_mutex_);
  ++session_count_;
  // Drop expired entries as we go so the list tracks live sessions only.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->expired() ? sessions_.erase(it) : std::next(it);
  }
  sessions_.push_back(s);
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
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& weak : sessions_) {
      if (auto s = weak.lock()) s->CloseIfIdle();
    }
  }
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

}  // namespace nationpulse::http
