#include "service/notify/worker_metrics.h"

#include <httplib.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <sstream>

#include "api/http/metrics.h"

namespace termin::service {

WorkerMetrics::WorkerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      sent_(prometheus::BuildCounter()
                .Name("termin_worker_messages_sent_total")
                .Help("Messages delivered to the SMTP server or SMS gateway")
                .Register(*registry_)),
      failed_(prometheus::BuildCounter()
                  .Name("termin_worker_messages_failed_total")
                  .Help("Failed delivery attempts")
                  .Register(*registry_)),
      dead_(prometheus::BuildCounter()
                .Name("termin_worker_messages_dead_lettered_total")
                .Help("Jobs moved to the dead-letter set after a failure on this channel")
                .Register(*registry_)),
      skipped_(prometheus::BuildCounter()
                   .Name("termin_worker_jobs_skipped_total")
                   .Help("Jobs dropped on purpose (cancelled, moved, visit passed, ...)")
                   .Register(*registry_)),
      depth_(prometheus::BuildGauge()
                 .Name("termin_worker_queue_depth")
                 .Help("Jobs in the queue by state")
                 .Register(*registry_)),
      oldest_age_(prometheus::BuildGauge()
                      .Name("termin_worker_oldest_due_age_seconds")
                      .Help("Age of the oldest job that is due and not yet sent (0 if none)")
                      .Register(*registry_)
                      .Add({})) {
  for (const char* c : {"email", "sms"}) {
    sent_.Add({{"channel", c}});
    failed_.Add({{"channel", c}});
    dead_.Add({{"channel", c}});
  }
}

void WorkerMetrics::Sent(const std::string& channel) { sent_.Add({{"channel", channel}}).Increment(); }
void WorkerMetrics::Failed(const std::string& channel) { failed_.Add({{"channel", channel}}).Increment(); }
void WorkerMetrics::DeadLettered(const std::string& channel) { dead_.Add({{"channel", channel}}).Increment(); }
void WorkerMetrics::Skipped(const std::string& reason) { skipped_.Add({{"reason", reason}}).Increment(); }
double WorkerMetrics::SentCount(const std::string& channel) { return sent_.Add({{"channel", channel}}).Value(); }
double WorkerMetrics::FailedCount(const std::string& channel) { return failed_.Add({{"channel", channel}}).Value(); }

void WorkerMetrics::SetQueue(const QueueStats& s, api::TimePoint now) {
  depth_.Add({{"state", "waiting"}}).Set(static_cast<double>(s.waiting));
  depth_.Add({{"state", "due"}}).Set(static_cast<double>(s.due));
  depth_.Add({{"state", "in_flight"}}).Set(static_cast<double>(s.in_flight));
  depth_.Add({{"state", "dead"}}).Set(static_cast<double>(s.dead));
  double age = 0;
  if (s.oldest_due && *s.oldest_due < now) {
    age = std::chrono::duration<double>(now - *s.oldest_due).count();
  }
  oldest_age_.Set(age);
}

std::string WorkerMetrics::Render() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  if (external_) out << external_();
  return out.str();
}

std::string RedisCountersText(const std::vector<std::vector<api::StoreCounter>>& sources) {
  std::vector<api::StoreCounter> sum;  // in first-seen order, so one name's series stay adjacent
  for (const auto& source : sources) {
    for (const api::StoreCounter& c : source) {
      auto it = std::find_if(sum.begin(), sum.end(), [&c](const api::StoreCounter& s) {
        return s.name == c.name && s.label == c.label && s.label_value == c.label_value;
      });
      if (it == sum.end()) {
        sum.push_back(c);
      } else {
        it->value += c.value;
      }
    }
  }
  std::stable_sort(sum.begin(), sum.end(),
                   [](const api::StoreCounter& a, const api::StoreCounter& b) { return a.name < b.name; });
  return api::SerializeStoreCounters(sum);
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const WorkerMetrics* metrics,
                                                           const std::string& bind, int port) {
  std::unique_ptr<MetricsServer> m(new MetricsServer());
  m->server_ = std::make_unique<httplib::Server>();
  m->server_->Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics->Render(), "text/plain; version=0.0.4");
  });
  m->server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  if (port == 0) {
    m->port_ = m->server_->bind_to_any_port(bind.c_str());
    if (m->port_ <= 0) return Status::Unavailable("cannot bind the metrics port");
  } else {
    if (!m->server_->bind_to_port(bind.c_str(), port)) {
      return Status::Unavailable("cannot bind the metrics port " + std::to_string(port));
    }
    m->port_ = port;
  }
  httplib::Server* s = m->server_.get();
  m->thread_ = std::thread([s] { s->listen_after_bind(); });
  // stop() before the listener runs would be lost and the join would hang:
  // wait (bounded) until it accepts.
  for (int i = 0; i < 500 && !m->server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return m;
}

MetricsServer::~MetricsServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace termin::service
