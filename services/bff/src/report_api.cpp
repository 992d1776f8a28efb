#include "report_api.hpp"

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "json_body.hpp"
#include "nationpulse/auth/jwt.hpp"
#include "nationpulse/base/country_code.hpp"
#include "nationpulse/health/health.hpp"
#include "nationpulse/http/json_response.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/report/messages.hpp"
#include "nationpulse/report/tables.hpp"
#include "nationpulse/trace/trace.hpp"

namespace nationpulse::bff {

using http::Request;
using http::RequestContext;
using http::Response;
using http::Status;
using namespace std::chrono_literals;

namespace {

std::int64_t UserOf(const RequestContext& ctx) {
  const auto it = ctx.values.find("userID");
  if (it == ctx.values.end()) return 0;
  std::int64_t id = 0;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), id);
  return id;
}

/// A client string shown in an error message: JSON-quoted and cut, so the message stays one line.
std::string Shown(const std::string& s) {
  return nlohmann::json(s.size() > 64 ? s.substr(0, 64) + "..." : s)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

ReportApi::ReportApi(cache::Redis& redis, AccessGate& gate, metrics::Registry& registry,
                     ReportOptions options)
    : redis_(redis),
      gate_(gate),
      options_(std::move(options)),
      producer_(kafka::ProducerOptions{.brokers = options_.brokers,
                                       .delivery_timeout = options_.publish_timeout,
                                       .client_id = "nationpulse-bff"}),
      hub_(options_.hub),
      publishes_(registry.AddCounter("nationpulse_bff_report_publish_total",
                                     "Report requests by outcome (accepted, invalid, unavailable).",
                                     {"result"})),
      results_(registry.AddCounter(
          "nationpulse_bff_report_results_total",
          "Report results consumed, by routing (routed, stale, duplicate, malformed, unroutable).",
          {"result"})),
      lag_(registry
               .AddGauge("nationpulse_bff_kafka_consumer_lag",
                         "Report results waiting in message-send behind this instance's consumer (messages).")
               .WithLabels({})) {
  auto& streams = registry.AddGauge("nationpulse_bff_sse_streams_open", "Open report event streams.");
  auto& buffered = registry.AddGauge("nationpulse_bff_report_results_buffered",
                                     "Results waiting for their user's stream.");
  registry.OnCollect([this, &streams, &buffered] {
    streams.WithLabels({}).Set(static_cast<double>(hub_.open_streams()));
    buffered.WithLabels({}).Set(static_cast<double>(hub_.buffered()));
  });
}

ReportApi::~ReportApi() { Stop(); }

void ReportApi::Register(http::Router& router) {
  auto guarded = [this] {
    http::RouteOptions o;
    o.middlewares.push_back(RequireAccess(gate_));
    return o;
  };
  router.Add(
      http::Verb::post, "/api/uu/reports/publish",
      [this](const Request& req, RequestContext& ctx) { return Publish(req, ctx); }, guarded());
  router.Add(
      http::Verb::get, "/api/uu/reports/subscribe/event",
      [this](const Request& req, RequestContext& ctx) { return Subscribe(req, ctx); }, guarded());
}

Response ReportApi::Publish(const Request& req, RequestContext& ctx) {
  const std::int64_t user = UserOf(ctx);
  const auto body = nlohmann::json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  auto invalid = [this](std::string message) {
    publishes_.WithLabels({"invalid"}).Inc();
    return http::JsonError(Status::bad_request, message);
  };
  if (body.is_discarded() || !body.is_object())
    return invalid("Invalid JSON: the body must be a JSON object");
  const auto* export_id = FindKeyIgnoringCase(body, "exportID");
  const auto* table = FindKeyIgnoringCase(body, "requestTableString");
  const auto* country = FindKeyIgnoringCase(body, "requestCountryCode");
  if (export_id == nullptr || !export_id->is_string() || export_id->get_ref<const std::string&>().empty() ||
      export_id->get_ref<const std::string&>().size() > 256) {
    return invalid("exportID must be a non-empty string of at most 256 bytes");
  }
  if (table == nullptr || !table->is_string()) return invalid("requestTableString must be a string");
  if (report::FindReportTable(table->get_ref<const std::string&>()) == nullptr) {
    return invalid("unknown requestTableString " + Shown(table->get<std::string>()));
  }
  if (country == nullptr || !country->is_string() ||
      !IsValidCountryCode(country->get_ref<const std::string&>())) {
    return invalid("requestCountryCode must match ^[A-Za-z0-9_]{2,12}$");
  }
  if (user <= 0) return http::JsonError(Status::unauthorized, "User does not have access");
  if (!kafka_up_) {
    publishes_.WithLabels({"unavailable"}).Inc();
    return http::JsonError(Status::service_unavailable, "report service unavailable: Kafka is unreachable");
  }

  // D-11: the user comes from the token, never from the body.
  report::ReportRequest request{export_id->get<std::string>(), user, table->get<std::string>(),
                                country->get<std::string>(), auth::NewUuidV4()};
  const std::string pending_key = report::PendingKey(user);
  hub_.AddPending(user, request.request_id, request.export_id);
  if (auto r = redis_.HSetWithTtl(pending_key, request.request_id, request.export_id, options_.pending_ttl);
      !r) {
    // This instance still recognises the result; only another instance or a restart would not.
    static log::Throttle throttle(5, std::chrono::seconds(10));  // one per request during an outage
    throttle.Warn("cannot record pending report", {{"error", r.error().message}});
  }
  // The request's server span is current (http::Tracing), so Send carries this trace to reporting.
  auto sent = producer_.Send(options_.request_topic, request.export_id, report::EncodeReportRequest(request),
                             {}, options_.publish_timeout + 1s);
  if (!sent) {
    hub_.ForgetPending(request.request_id);
    (void)redis_.HDel(pending_key, {request.request_id});
    publishes_.WithLabels({"unavailable"}).Inc();
    static log::Throttle throttle(5, std::chrono::seconds(10));  // one per request during an outage
    throttle.Warn("report publish failed",
                  {{"export_id", request.export_id}, {"error", sent.error().message}});
    return http::JsonError(Status::service_unavailable, "report request not accepted: Kafka is unreachable");
  }
  publishes_.WithLabels({"accepted"}).Inc();
  nlohmann::ordered_json data;
  data["exportID"] = request.export_id;
  data["status"] = "processing";
  data["statusCode"] = 0;
  return http::JsonSuccess(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response ReportApi::Subscribe(const Request&, RequestContext& ctx) {
  const std::int64_t user = UserOf(ctx);
  if (user <= 0) return http::JsonError(Status::unauthorized, "User does not have access");
  const std::uint64_t slot = hub_.Reserve(user);
  if (slot == 0) {
    return http::JsonError(Status::too_many_requests, "too many open report streams for this user");
  }
  // Results finished before this stream existed (another instance consumed them, or this one restarted):
  // reporting stored them under the user's key; the pending hash says which are still undelivered.
  std::vector<ReportDelivery> found;
  if (auto pending = redis_.HGetAll(report::PendingKey(user)); pending) {
    for (const auto& [request_id, export_id] : *pending) {
      auto stored = redis_.Get(report::ResultKey(user, export_id));
      if (!stored || !*stored) continue;
      auto result = report::ParseReportResult(**stored);
      if (!result || result->request_id != request_id) continue;  // an older result of the same export
      found.push_back(ReportDelivery{request_id, export_id, result->status_code != 1, std::move(**stored)});
    }
  }

  Response res{Status::ok, 11};
  res.set(http::bhttp::field::content_type, "text/event-stream");
  res.set(http::bhttp::field::cache_control, "no-cache");
  res.set(http::bhttp::field::connection, "keep-alive");
  res.set(http::bhttp::field::access_control_expose_headers, "Content-type");
  res.body() = ": connected\n\n";
  http::StreamSpec spec;
  spec.heartbeat = ": ping\n\n";
  spec.heartbeat_interval = options_.heartbeat;
  // A result carries the whole CSV; the queue must hold at least one of them.
  spec.max_queued_bytes = 64u << 20;
  spec.on_open = [this, slot, found = std::move(found)](std::shared_ptr<http::StreamSink> sink) mutable {
    hub_.Attach(slot, std::move(sink), std::move(found));
  };
  spec.on_close = [this, slot] { hub_.Remove(slot); };
  ctx.stream = std::move(spec);
  return res;
}

void ReportApi::Start() {
  kafka_monitor_ = std::make_unique<health::DependencyMonitor>(
      std::vector<health::Dependency>{{"kafka", true,
                                       [this]() -> Expected<void, std::string> {
                                         if (auto r = producer_.Ping(1s); !r)
                                           return Unexpected(r.error().message);
                                         return {};
                                       }}},
      options_.kafka_probe_interval, [this](bool up) { kafka_up_ = up; });
  kafka_monitor_->Start();
  listener_ = std::thread([this] {
    try {
      ListenLoop();
    } catch (const std::exception& e) {
      log::Error("report listener failed", {{"error", e.what()}});
    }
  });
}

void ReportApi::Stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_.exchange(true)) return;
  }
  stop_cv_.notify_all();
  if (listener_.joinable()) listener_.join();
  if (kafka_monitor_) kafka_monitor_->Stop();
}

bool ReportApi::Wait(std::chrono::milliseconds d) {
  std::unique_lock lock(stop_mutex_);
  return !stop_cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void ReportApi::ListenLoop() {
  for (auto backoff = 500ms; !stopping_;) {
    auto ensured =
        kafka::EnsureTopics(options_.brokers, {options_.request_topic, options_.result_topic},
                            options_.topic_partitions, options_.topic_replication, 3s,
                            {{"max.message.bytes", std::to_string(options_.max_result_bytes + (1u << 20))}});
    if (ensured) break;
    log::Warn("cannot ensure report topics, retrying", {{"error", ensured.error().message}});
    if (!Wait(backoff)) return;
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, 5s);
  }
  // "latest" for a new group: results from before this instance ever ran are not ours. A restarted
  // instance resumes from its committed offset, so results that arrived while it was down still count.
  kafka::Consumer consumer(kafka::ConsumerOptions{.brokers = options_.brokers,
                                                  .group_id = options_.group_id,
                                                  .topics = {options_.result_topic},
                                                  .auto_offset_reset = "latest",
                                                  .session_timeout = 10s});
  log::Info("listening for report results", {{"topic", options_.result_topic}, {"group", options_.group_id}});
  std::string last_error;
  auto next_sweep = std::chrono::steady_clock::now();
  while (!stopping_) {
    ForgetDelivered();
    if (const auto now = std::chrono::steady_clock::now(); now >= next_sweep) {
      SweepStoredResults();
      next_sweep = now + 1s;
    }
    auto polled = consumer.Poll(250ms);
    lag_.Set(static_cast<double>(consumer.Lag()));
    if (!polled) {
      if (polled.error().message != last_error) {
        log::Warn("report results: consume failed", {{"error", polled.error().message}});
      }
      last_error = polled.error().message;
      Wait(200ms);
      continue;
    }
    last_error.clear();
    if (!*polled) continue;
    {
      // Delivery joins the requester's trace: a child of reporting's result publish span.
      trace::Span span((**polled).topic + " deliver", trace::SpanKind::kConsumer,
                       kafka::TraceParentOf(**polled));
      trace::ScopedContext scope(span.context());
      span.SetAttribute("messaging.system", "kafka");
      HandleResult(**polled);
    }
    if (auto c = consumer.Commit(**polled); !c) {
      log::Warn("report results: commit failed", {{"error", c.error().message}});
    }
  }
  ForgetDelivered();
}

void ReportApi::HandleResult(const kafka::Message& message) {
  auto result = report::ParseReportResult(message.value);
  if (!result) {
    results_.WithLabels({"malformed"}).Inc();
    log::Warn("report result skipped", {{"error", result.error()}, {"offset", message.offset}});
    return;
  }
  if (!result->user_id) {
    // The original reporting service sends no userID: there is no safe way to pick a browser (D-09).
    results_.WithLabels({"unroutable"}).Inc();
    return;
  }
  const std::int64_t user = *result->user_id;
  const std::string& rid = result->request_id;
  if (!rid.empty()) {
    if (hub_.WasDelivered(rid)) {
      results_.WithLabels({"duplicate"}).Inc();
      return;
    }
    bool wanted = hub_.IsPending(rid);
    if (!wanted) {
      // Published through another instance (or before a restart)? Redis knows. If Redis cannot answer,
      // deliver: a lost report is worse than an unasked one.
      auto pending = redis_.HGetAll(report::PendingKey(user));
      wanted = !pending;
      if (pending) {
        for (const auto& [field, value] : *pending) wanted = wanted || field == rid;
      }
    }
    if (!wanted) {
      results_.WithLabels({"stale"}).Inc();
      return;
    }
  }
  results_.WithLabels({"routed"}).Inc();
  hub_.Deliver(user, ReportDelivery{rid, result->export_id, result->status_code != 1, message.value});
}

void ReportApi::SweepStoredResults() {
  for (auto& p : hub_.PendingWithStreams()) {
    auto stored = redis_.Get(report::ResultKey(p.user_id, p.export_id));
    if (!stored || !*stored) continue;
    auto result = report::ParseReportResult(**stored);
    if (!result || result->request_id != p.request_id) continue;
    results_.WithLabels({"recovered"}).Inc();
    hub_.Deliver(p.user_id,
                 ReportDelivery{p.request_id, p.export_id, result->status_code != 1, std::move(**stored)});
  }
}

void ReportApi::ForgetDelivered() {
  std::map<std::int64_t, std::vector<std::string>> by_user;
  for (auto& [user, rid] : hub_.TakeDelivered()) by_user[user].push_back(std::move(rid));
  for (const auto& [user, ids] : by_user) {
    if (auto r = redis_.HDel(report::PendingKey(user), ids); !r) {
      log::Warn("cannot clear delivered reports", {{"error", r.error().message}});
    }
  }
}

}  // namespace nationpulse::bff
