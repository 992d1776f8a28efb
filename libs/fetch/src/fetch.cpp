#include "nationpulse/fetch/fetch.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <ctime>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>
#include <utility>

#include "nationpulse/log/log.hpp"

namespace nationpulse::fetch {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A non-200 body is read (and dropped) up to this size so a keep-alive connection stays usable for the
// retry; anything longer is cut off, which only costs a new connection.
constexpr std::size_t kMaxDrainBytes = 64 * 1024;
constexpr long kMaxRedirects = 5;
// How often `cancelled` and the stall clock are looked at while a transfer or a back-off is in progress.
constexpr milliseconds kPollInterval{50};

void GlobalInit() {
  // curl_global_init is not thread-safe and must precede every other libcurl call.
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
  });
}

struct CurlFree {
  void operator()(char* p) const { curl_free(p); }
};
struct UrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlString = std::unique_ptr<char, CurlFree>;

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Messages and logs are single lines; curl's texts and unparsable input may not be.
std::string OneLine(std::string text, std::size_t max = 200) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (text.size() > max) text = text.substr(0, max) + "...";
  return text;
}

struct ParsedUrl {
  std::string scheme;     // lower case; empty when the URL was rejected
  std::string display;    // without query, fragment and credentials: safe and short for logs
  std::string file_path;  // decoded path of a file URL
  std::string error;
};

ParsedUrl Parse(const std::string& url) {
  ParsedUrl out;
  std::unique_ptr<CURLU, UrlFree> handle(curl_url());
  if (!handle) throw std::bad_alloc();
  const CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK) {
    out.display = OneLine(url.substr(0, url.find('?')), 100);
    out.error = curl_url_strerror(rc);
    return out;
  }
  char* part = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_SCHEME, &part, 0) == CURLUE_OK) {
    out.scheme = Lower(CurlString(part).get());
  }
  part = nullptr;
  if (out.scheme == "file" &&
      curl_url_get(handle.get(), CURLUPART_PATH, &part, CURLU_URLDECODE) == CURLUE_OK) {
    out.file_path = CurlString(part).get();
  }
  for (CURLUPart drop : {CURLUPART_QUERY, CURLUPART_FRAGMENT, CURLUPART_USER, CURLUPART_PASSWORD}) {
    curl_url_set(handle.get(), drop, nullptr, 0);
  }
  part = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_URL, &part, 0) == CURLUE_OK) {
    out.display = OneLine(CurlString(part).get());
  }
  return out;
}

// State of one attempt, shared with the libcurl callbacks (which run inside curl_multi_perform on the
// calling thread, so no synchronisation is needed).
struct Attempt {
  enum class Stop { kNone, kStatusBody, kTooLarge, kSinkAbort, kSinkThrew };

  CURL* easy = nullptr;
  BodySink* sink = nullptr;
  std::size_t max_body = 0;
  bool is_file = false;

  std::size_t bytes = 0;
  std::size_t drained = 0;
  bool connected = false;
  Clock::time_point last_activity;
  std::chrono::seconds retry_after{0};  // of the latest response of this attempt
  Stop stop = Stop::kNone;
  std::exception_ptr thrown;

  void Reset() {
    bytes = 0;
    drained = 0;
    connected = false;
    last_activity = Clock::now();
    retry_after = std::chrono::seconds{0};
    stop = Stop::kNone;
    thrown = nullptr;
  }
  void Touch() {
    connected = true;
    last_activity = Clock::now();
  }
};

std::size_t OnWrite(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto& a = *static_cast<Attempt*>(user);
  const std::size_t len = size * count;
  a.Touch();
  if (!a.is_file) {
    // libcurl only passes on the body of the final response (redirect bodies are skipped), and the
    // status is known by now: anything but 200 must not reach the consumer.
    long status = 0;
    curl_easy_getinfo(a.easy, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
      a.drained += len;
      if (a.drained <= kMaxDrainBytes) return len;
      a.stop = Attempt::Stop::kStatusBody;
      return 0;
    }
  }
  if (len > a.max_body - std::min(a.bytes, a.max_body)) {
    a.stop = Attempt::Stop::kTooLarge;
    return 0;
  }
  try {
    if (!a.sink->OnChunk(std::string_view(data, len))) {
      a.stop = Attempt::Stop::kSinkAbort;
      return 0;
    }
  } catch (...) {
    // Unwinding through libcurl's C frames is undefined: carry the exception out by hand.
    a.thrown = std::current_exception();
    a.stop = Attempt::Stop::kSinkThrew;
    return 0;
  }
  a.bytes += len;
  return len;
}

// Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored.
std::chrono::seconds ParseRetryAfter(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() &&
         (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' || value.back() == '\n')) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::chrono::seconds{0};
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::hours(24);  // absurd; backoff_max caps it anyway
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  const std::time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  const std::time_t now = std::time(nullptr);
  if (when == -1 || when <= now) return std::chrono::seconds{0};
  return std::chrono::seconds(when - now);
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto& a = *static_cast<Attempt*>(user);
  const std::size_t len = size * count;
  a.Touch();
  const std::string_view line(data, len);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (line.starts_with("HTTP/")) {
    a.retry_after = std::chrono::seconds{0};  // a new response (after a redirect or 1xx)
  } else if (line.size() > kRetryAfter.size() &&
             Lower(std::string(line.substr(0, kRetryAfter.size()))) == kRetryAfter) {
    try {
      a.retry_after = ParseRetryAfter(line.substr(kRetryAfter.size()));
    } catch (...) {
      a.retry_after = std::chrono::seconds{0};  // only std::bad_alloc is possible here
    }
  }
  return len;
}

int OnConnected(void* user, char* /*remote_ip*/, char* /*local_ip*/, int /*remote_port*/,
                int /*local_port*/) noexcept {
  // The stall clock starts once connected: before that, connect_timeout is the budget.
  static_cast<Attempt*>(user)->Touch();
  return CURL_PREREQFUNC_OK;
}

template <typename T>
void SetOpt(CURL* easy, CURLoption option, T value) {
  const CURLcode rc = curl_easy_setopt(easy, option, value);
  if (rc != CURLE_OK) {
    throw std::runtime_error(std::string("curl_easy_setopt failed: ") + curl_easy_strerror(rc));
  }
}

long Ms(milliseconds value) { return static_cast<long>(std::max<milliseconds::rep>(value.count(), 1)); }

struct Handles {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  bool added = false;

  Handles() : easy(curl_easy_init()), multi(curl_multi_init()) {
    if (easy == nullptr || multi == nullptr) {
      Release();
      throw std::runtime_error("cannot create curl handles");
    }
  }
  ~Handles() { Release(); }
  Handles(const Handles&) = delete;
  Handles& operator=(const Handles&) = delete;

  void Remove() {
    if (added) curl_multi_remove_handle(multi, easy);
    added = false;
  }
  void Release() {
    Remove();
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (multi != nullptr) curl_multi_cleanup(multi);
    easy = nullptr;
    multi = nullptr;
  }
};

enum class LoopEnd { kDone, kCancelled, kStalled, kMultiError };

struct Transfer {
  LoopEnd end = LoopEnd::kDone;
  CURLcode result = CURLE_OK;
  std::string multi_error;
};

// Drives one attempt with the multi interface so that cancellation and stalls are noticed within
// kPollInterval (curl_easy_perform would only call back about once a second when idle).
Transfer Run(Handles& h, Attempt& a, milliseconds stall_timeout, const std::function<bool()>& cancelled) {
  Transfer t;
  CURLMcode mc = curl_multi_add_handle(h.multi, h.easy);
  if (mc != CURLM_OK) {
    t.end = LoopEnd::kMultiError;
    t.multi_error = curl_multi_strerror(mc);
    return t;
  }
  h.added = true;
  for (;;) {
    int running = 0;
    mc = curl_multi_perform(h.multi, &running);
    if (mc != CURLM_OK) {
      t.end = LoopEnd::kMultiError;
      t.multi_error = curl_multi_strerror(mc);
      break;
    }
    if (running == 0) break;
    if (cancelled && cancelled()) {
      t.end = LoopEnd::kCancelled;
      break;
    }
    if (stall_timeout.count() > 0 && a.connected && Clock::now() - a.last_activity >= stall_timeout) {
      t.end = LoopEnd::kStalled;
      break;
    }
    mc = curl_multi_poll(h.multi, nullptr, 0, static_cast<int>(kPollInterval.count()), nullptr);
    if (mc != CURLM_OK) {
      t.end = LoopEnd::kMultiError;
      t.multi_error = curl_multi_strerror(mc);
      break;
    }
  }
  if (t.end == LoopEnd::kDone) {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(h.multi, &queued)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == h.easy) t.result = msg->data.result;
    }
  }
  // Removing the handle also aborts a transfer still in flight (cancel, stall).
  h.Remove();
  return t;
}

bool RetryableCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_PARTIAL_FILE:  // closed before Content-Length / the last chunk
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:  // reset, bad chunked encoding
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:  // a cut gzip stream
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_OPERATION_TIMEDOUT:
      return true;
    default:
      return false;
  }
}

// The outcome of one failed attempt.
struct Failure {
  FetchError::Kind kind = FetchError::Kind::kNetwork;
  std::string reason;
  bool retryable = false;
  milliseconds retry_after{0};
};

bool RetryableStatus(long status) { return status == 429 || (status >= 500 && status <= 599); }

milliseconds Backoff(const FetchOptions& o, int failed_attempts, milliseconds retry_after) {
  milliseconds wait = std::max(o.backoff_initial, milliseconds{0});
  for (int i = 1; i < failed_attempts && wait < o.backoff_max; ++i) wait *= 2;
  wait = std::min(wait, o.backoff_max);
  return std::max(wait, std::min(retry_after, o.backoff_max));
}

// Sleeps `wait`, polling `cancelled`; false when cancelled.
bool Sleep(milliseconds wait, const std::function<bool()>& cancelled) {
  const auto until = Clock::now() + wait;
  for (;;) {
    if (cancelled && cancelled()) return false;
    const auto now = Clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(kPollInterval, until - now));
  }
}

std::string CurlText(CURLcode code, const char* error_buffer) {
  return OneLine(error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code));
}

}  // namespace

const char* KindName(FetchError::Kind kind) {
  switch (kind) {
    case FetchError::Kind::kBadUrl:
      return "bad_url";
    case FetchError::Kind::kNetwork:
      return "network";
    case FetchError::Kind::kTimeout:
      return "timeout";
    case FetchError::Kind::kHttpStatus:
      return "http_status";
    case FetchError::Kind::kTooLarge:
      return "too_large";
    case FetchError::Kind::kAborted:
      return "aborted";
    case FetchError::Kind::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

Expected<FetchResult, FetchError> Get(const std::string& url, const FetchOptions& options, BodySink& sink,
                                      const std::function<bool()>& cancelled) {
  const auto start = Clock::now();
  GlobalInit();
  const ParsedUrl parsed = Parse(url);
  if (parsed.scheme.empty()) {
    return Unexpected(FetchError{FetchError::Kind::kBadUrl, 0, 0, parsed.display + ": " + parsed.error});
  }
  if (parsed.scheme != "http" && parsed.scheme != "https" && parsed.scheme != "file") {
    return Unexpected(FetchError{FetchError::Kind::kBadUrl, 0, 0,
                                 parsed.display + ": unsupported scheme " + parsed.scheme});
  }

  std::error_code ec;
  if (!parsed.file_path.empty() && std::filesystem::is_directory(parsed.file_path, ec)) {
    // libcurl "reads" a directory as an empty body: that must not pass for an empty feed.
    return Unexpected(FetchError{FetchError::Kind::kNetwork, 0, 1, parsed.display + ": is a directory"});
  }

  Handles h;
  Attempt a;
  a.easy = h.easy;
  a.sink = &sink;
  a.max_body = options.max_body_bytes;
  a.is_file = parsed.scheme == "file";
  char error_buffer[CURL_ERROR_SIZE] = {};

  SetOpt(h.easy, CURLOPT_URL, url.c_str());
  SetOpt(h.easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we are multithreaded
  SetOpt(h.easy, CURLOPT_PROTOCOLS_STR, "http,https,file");
  SetOpt(h.easy, CURLOPT_FOLLOWLOCATION, 1L);
  SetOpt(h.easy, CURLOPT_MAXREDIRS, kMaxRedirects);
  // Never let a server redirect us to a local file, nor from TLS to plain text.
  SetOpt(h.easy, CURLOPT_REDIR_PROTOCOLS_STR, parsed.scheme == "https" ? "https" : "http,https");
  SetOpt(h.easy, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl can decode
  SetOpt(h.easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  SetOpt(h.easy, CURLOPT_CONNECTTIMEOUT_MS, Ms(options.connect_timeout));
  SetOpt(h.easy, CURLOPT_TCP_KEEPALIVE, 1L);
  SetOpt(h.easy, CURLOPT_ERRORBUFFER, error_buffer);
  SetOpt(h.easy, CURLOPT_WRITEFUNCTION, &OnWrite);
  SetOpt(h.easy, CURLOPT_WRITEDATA, &a);
  SetOpt(h.easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  SetOpt(h.easy, CURLOPT_HEADERDATA, &a);
  SetOpt(h.easy, CURLOPT_PREREQFUNCTION, &OnConnected);
  SetOpt(h.easy, CURLOPT_PREREQDATA, &a);

  const int max_attempts = std::max(options.max_attempts, 1);
  const bool has_deadline = options.deadline.count() > 0;
  const auto deadline = start + options.deadline;
  long last_status = 0;
  const auto fail = [&](FetchError::Kind kind, int attempts, const std::string& reason) {
    std::string message = parsed.display + ": " + reason;
    if (attempts > 1) message += " (" + std::to_string(attempts) + " attempts)";
    return Unexpected(FetchError{kind, last_status, attempts, std::move(message)});
  };

  for (int attempt = 1;; ++attempt) {
    if (cancelled && cancelled()) return fail(FetchError::Kind::kCancelled, attempt - 1, "cancelled");
    if (attempt > 1) sink.Restart();
    milliseconds budget = options.attempt_timeout;
    if (has_deadline) {
      budget = std::min(budget, std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    }
    SetOpt(h.easy, CURLOPT_TIMEOUT_MS, Ms(budget));
    error_buffer[0] = '\0';
    a.Reset();

    const Transfer t = Run(h, a, options.stall_timeout, cancelled);
    if (a.thrown) std::rethrow_exception(a.thrown);
    if (t.end == LoopEnd::kCancelled) return fail(FetchError::Kind::kCancelled, attempt, "cancelled");
    if (a.stop == Attempt::Stop::kTooLarge) {
      return fail(FetchError::Kind::kTooLarge, attempt,
                  "body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
    }
    if (a.stop == Attempt::Stop::kSinkAbort) {
      return fail(FetchError::Kind::kAborted, attempt, "aborted by the consumer");
    }

    long status = 0;
    if (!a.is_file) curl_easy_getinfo(h.easy, CURLINFO_RESPONSE_CODE, &status);
    if (status != 0) last_status = status;
    const bool completed = t.end == LoopEnd::kDone && t.result == CURLE_OK;

    Failure f;
    if (status >= 400 ||
        (!a.is_file && status != 200 && (completed || a.stop == Attempt::Stop::kStatusBody))) {
      // The status decides even when its body then failed to arrive.
      f.kind = FetchError::Kind::kHttpStatus;
      f.reason = "HTTP " + std::to_string(status);
      f.retryable = RetryableStatus(status);
      if (a.retry_after.count() > 0) {
        f.retry_after = a.retry_after;
        f.reason += " (Retry-After " + std::to_string(a.retry_after.count()) + " s)";
      }
    } else if (t.end == LoopEnd::kStalled) {
      f.kind = FetchError::Kind::kTimeout;
      f.reason = "stalled: no data for " + std::to_string(options.stall_timeout.count()) + " ms";
      f.retryable = true;
    } else if (t.end == LoopEnd::kMultiError) {
      f.kind = FetchError::Kind::kNetwork;
      f.reason = "curl multi: " + t.multi_error;
    } else if (completed) {
      const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      return FetchResult{200, attempt, a.bytes, elapsed};
    } else {
      const CURLcode rc = t.result;
      f.reason = CurlText(rc, error_buffer);
      f.retryable = RetryableCurlCode(rc);
      if (rc == CURLE_OPERATION_TIMEDOUT) {
        f.kind = FetchError::Kind::kTimeout;
      } else if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
        f.kind = FetchError::Kind::kBadUrl;  // a redirect to a forbidden or broken location
      } else {
        f.kind = FetchError::Kind::kNetwork;
      }
    }

    if (!f.retryable || attempt >= max_attempts) return fail(f.kind, attempt, f.reason);
    const milliseconds wait = Backoff(options, attempt, f.retry_after);
    if (has_deadline && Clock::now() + wait >= deadline) {
      return fail(f.kind, attempt,
                  f.reason + "; deadline of " + std::to_string(options.deadline.count()) +
                      " ms leaves no time for a retry");
    }
    log::Warn("fetch attempt failed, retrying", {{"url", parsed.display},
                                                 {"attempt", attempt},
                                                 {"max_attempts", max_attempts},
                                                 {"reason", f.reason},
                                                 {"wait_ms", wait.count()}});
    if (!Sleep(wait, cancelled))
      return fail(FetchError::Kind::kCancelled, attempt, "cancelled during back-off");
  }
}

Expected<long, FetchError> Post(const std::string& url, const std::string& body,
                                const std::string& content_type, std::chrono::milliseconds timeout) {
  GlobalInit();
  const ParsedUrl parsed = Parse(url);
  if (parsed.scheme != "http" && parsed.scheme != "https") {
    return Unexpected(FetchError{FetchError::Kind::kBadUrl, 0, 0, parsed.display + ": not an http(s) URL"});
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) throw std::runtime_error("cannot create a curl handle");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str()), &curl_slist_free_all);
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* h = easy.get();
  SetOpt(h, CURLOPT_URL, url.c_str());
  SetOpt(h, CURLOPT_NOSIGNAL, 1L);
  SetOpt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  SetOpt(h, CURLOPT_HTTPHEADER, headers.get());
  SetOpt(h, CURLOPT_POSTFIELDS, body.data());
  SetOpt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  SetOpt(h, CURLOPT_TIMEOUT_MS, Ms(timeout));
  SetOpt(h, CURLOPT_CONNECTTIMEOUT_MS, Ms(timeout));
  SetOpt(h, CURLOPT_ERRORBUFFER, error_buffer);
  SetOpt(
      h, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) -> size_t { return size * n; });
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    const auto kind =
        code == CURLE_OPERATION_TIMEDOUT ? FetchError::Kind::kTimeout : FetchError::Kind::kNetwork;
    return Unexpected(FetchError{kind, 0, 1, parsed.display + ": " + CurlText(code, error_buffer)});
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

}  // namespace nationpulse::fetch
