#pragma once

#include <atomic>
#include <functional>

#include "ingestion_job.hpp"
#include "nationpulse/proto/data_ingestion.grpc.pb.h"

namespace nationpulse::ingestion {

/// The gRPC method `dataIngestion.DataIngestion/NotifyBFF` (grpc.md §1, with the [REC] behaviour):
/// single flight (a call while a job runs gets FAILED "ingestion already running" at once), one progress
/// message per finished feed (its type is that feed's outcome; completed_at unset), then the final message
/// (SUCCESS "All jobs processed successfully", or FAILED naming each failed feed and why) with created_at and
/// completed_at. A caller that goes away or a shutting-down service stops the job between feeds.
class IngestionRpc final : public dataIngestion::DataIngestion::Service {
 public:
  /// `stopping` is consulted between feeds (service shutdown).
  IngestionRpc(IngestionJob& job, std::function<bool()> stopping);

  grpc::Status NotifyBFF(grpc::ServerContext* context, const dataIngestion::NotifyBFFRequest* request,
                         grpc::ServerWriter<dataIngestion::NotifyBFFResponse>* writer) override;

  bool running() const { return running_; }

 private:
  IngestionJob& job_;
  std::function<bool()> stopping_;
  std::atomic<bool> running_{false};
};

/// The progress line of one feed, e.g. "Population: 16224 rows loaded in 1.2 s".
std::string DescribeFeed(const FeedOutcome& outcome);

}  // namespace nationpulse::ingestion
