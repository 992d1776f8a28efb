#pragma once

// A scripted in-process DataIngestion server on loopback, for the scheduler's tests.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "nationpulse/health/grpc_server.hpp"
#include "nationpulse/proto/data_ingestion.grpc.pb.h"

namespace nationpulse::scheduler::fake {

using Writer = grpc::ServerWriter<dataIngestion::NotifyBFFResponse>;
/// What one NotifyBFF call does: write messages, then return the stream's status.
using Script = std::function<grpc::Status(grpc::ServerContext*, Writer*)>;

inline google::protobuf::Timestamp Stamp(std::int64_t unix_seconds) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(unix_seconds);
  return ts;
}

/// A NotifyBFFResponse; times in Unix seconds, 0 = unset.
inline dataIngestion::NotifyBFFResponse Message(const std::string& text, bool success,
                                                std::int64_t created = 0, std::int64_t completed = 0) {
  dataIngestion::NotifyBFFResponse m;
  m.set_message(text);
  m.set_type(success ? dataIngestion::SUCCESS : dataIngestion::FAILED);
  if (created != 0) *m.mutable_created_at() = Stamp(created);
  if (completed != 0) *m.mutable_completed_at() = Stamp(completed);
  return m;
}

// 2025-03-05T10:00:00Z, the job's start in the scripts.
constexpr std::int64_t kJobStart = 1741168800;

/// Two progress messages (SUCCESS, no completed_at), then the final SUCCESS.
inline Script ProgressThenSuccess() {
  return [](grpc::ServerContext*, Writer* writer) {
    writer->Write(Message("feed population loaded", true, kJobStart));
    writer->Write(Message("feed health loaded", true, kJobStart + 1));
    writer->Write(Message("All jobs processed successfully", true, kJobStart, kJobStart + 42));
    return grpc::Status::OK;
  };
}

/// The single-flight answer of a busy ingestion service.
inline Script AlreadyRunning() {
  return [](grpc::ServerContext*, Writer* writer) {
    writer->Write(Message("ingestion already running", false, kJobStart));
    return grpc::Status::OK;
  };
}

/// Never answers until the caller gives up (deadline, cancel) or `limit` passes.
inline Script Hang(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  return [limit](grpc::ServerContext* context, Writer*) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!context->IsCancelled() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return grpc::Status::OK;
  };
}

/// The DataIngestion service running `script` for every call.
class FakeIngestion final : public dataIngestion::DataIngestion::Service {
 public:
  explicit FakeIngestion(Script script) : script_(std::move(script)) {}

  grpc::Status NotifyBFF(grpc::ServerContext* context, const dataIngestion::NotifyBFFRequest*,
                         Writer* writer) override {
    ++calls_;
    return script_(context, writer);
  }

  int calls() const { return calls_; }

 private:
  Script script_;
  std::atomic<int> calls_{0};
};

/// FakeIngestion served by a health::GrpcServer on 127.0.0.1 (`port` 0 = a free one).
class FakeServer {
 public:
  explicit FakeServer(Script script, int port = 0)
      : service_(std::move(script)),
        server_(std::make_unique<health::GrpcServer>(
            health::GrpcServerOptions{.address = "127.0.0.1:" + std::to_string(port), .service_names = {}},
            std::vector<grpc::Service*>{&service_})) {}

  std::string target() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  int calls() const { return service_.calls(); }

 private:
  FakeIngestion service_;
  std::unique_ptr<health::GrpcServer> server_;
};

}  // namespace nationpulse::scheduler::fake
