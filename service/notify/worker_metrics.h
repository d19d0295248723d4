// The notification worker's metrics (prometheus-cpp) and the small HTTP
// listener that serves them at GET /metrics (cpp-httplib).
//
//   termin_worker_messages_sent_total{channel}          delivered messages
//   termin_worker_messages_failed_total{channel}        failed attempts
//   termin_worker_messages_dead_lettered_total{channel} jobs buried after a failure
//   termin_worker_jobs_skipped_total{reason}            jobs dropped on purpose
//   termin_worker_queue_depth{state}                    waiting|due|in_flight|dead
//   termin_worker_oldest_due_age_seconds                oldest due-but-unsent job
// and the Redis counters of its store and queue (SetExternal, RedisCountersText):
//   termin_redis_wait_short_total, termin_redis_redirects_total{kind}
// channel: email | sms. Labels never carry personal data.
//
// Thread safety: all methods may be called from many threads at once.
#ifndef TERMIN_SERVICE_NOTIFY_WORKER_METRICS_H_
#define TERMIN_SERVICE_NOTIFY_WORKER_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "service/job_queue.h"

namespace httplib {
class Server;
}

namespace termin::service {

class WorkerMetrics {
 public:
  WorkerMetrics();
  void Sent(const std::string& channel);
  void Failed(const std::string& channel);
  void DeadLettered(const std::string& channel);
  void Skipped(const std::string& reason);
  void SetQueue(const QueueStats& stats, api::TimePoint now);
  // Text appended to Render (counters kept elsewhere, e.g. the Redis pools').
  // Set once, before the metrics server starts; `render` must be thread-safe.
  void SetExternal(std::function<std::string()> render) { external_ = std::move(render); }
  // Prometheus text format.
  std::string Render() const;

  double SentCount(const std::string& channel);
  double FailedCount(const std::string& channel);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Counter>& failed_;
  prometheus::Family<prometheus::Counter>& dead_;
  prometheus::Family<prometheus::Counter>& skipped_;
  prometheus::Family<prometheus::Gauge>& depth_;
  prometheus::Gauge& oldest_age_;
  std::function<std::string()> external_;
};

// The counters of several sources (a store's, a queue's) with the series of
// one name and label summed, in the text format (api::SerializeStoreCounters).
std::string RedisCountersText(const std::vector<std::vector<api::StoreCounter>>& sources);

// Serves GET /metrics on bind:port in a thread of its own until destroyed.
class MetricsServer {
 public:
  // Unavailable if the port cannot be bound. Port 0 picks a free one (port()).
  static Result<std::unique_ptr<MetricsServer>> Start(const WorkerMetrics* metrics,
                                                      const std::string& bind, int port);
  ~MetricsServer();
  int port() const { return port_; }

 private:
  MetricsServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_WORKER_METRICS_H_
