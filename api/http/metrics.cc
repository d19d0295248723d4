#include "api/http/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>

#include "api/store.h"
#include <unordered_map>

namespace termin::api {

struct ApiMetrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter()
          .Name("termin_http_requests_total")
          .Help("HTTP requests by method, route template and status")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& latency =
      prometheus::BuildHistogram()
          .Name("termin_http_request_duration_seconds")
          .Help("Time from request parsed to response ready, by route template")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& bookings =
      prometheus::BuildCounter()
          .Name("termin_bookings_total")
          .Help("Appointments made, by channel")
          .Register(*registry);
  prometheus::Counter& holds = prometheus::BuildCounter()
                                   .Name("termin_holds_total")
                                   .Help("Holds placed")
                                   .Register(*registry)
                                   .Add({});
  prometheus::Counter& conflicts = prometheus::BuildCounter()
                                       .Name("termin_booking_conflicts_total")
                                       .Help("Claims the store refused because the place was taken")
                                       .Register(*registry)
                                       .Add({});
  prometheus::Counter& cancellations = prometheus::BuildCounter()
                                           .Name("termin_cancellations_total")
                                           .Help("Appointments cancelled")
                                           .Register(*registry)
                                           .Add({});

  prometheus::Family<prometheus::Counter>& limited =
      prometheus::BuildCounter()
          .Name("termin_limited_total")
          .Help("Requests refused with 429 by a fair-use limit, by limit")
          .Register(*registry);

  // Family::Add builds a metric object before it looks the labels up; these
  // caches keep the per-request cost at one hash lookup.
  std::mutex mutex;
  std::unordered_map<std::string, prometheus::Counter*> request_counters;  // guarded by mutex
  std::unordered_map<std::string, prometheus::Histogram*> histograms;       // guarded by mutex
};

ApiMetrics::ApiMetrics() : impl_(std::make_unique<Impl>()) {}
ApiMetrics::~ApiMetrics() = default;

void ApiMetrics::ObserveRequest(const std::string& method, const std::string& route, int status,
                                double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
  std::string key = method + " " + route + " " + std::to_string(status);
  prometheus::Counter* counter;
  prometheus::Histogram* histogram;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    auto c = impl_->request_counters.find(key);
    if (c == impl_->request_counters.end()) {
      c = impl_->request_counters
              .emplace(key, &impl_->requests.Add({{"method", method},
                                                   {"route", route},
                                                   {"status", std::to_string(status)}}))
              .first;
    }
    counter = c->second;
    auto h = impl_->histograms.find(route);
    if (h == impl_->histograms.end()) {
      h = impl_->histograms.emplace(route, &impl_->latency.Add({{"route", route}}, kBuckets)).first;
    }
    histogram = h->second;
  }
  counter->Increment();
  histogram->Observe(seconds);
}

void ApiMetrics::CountBooking(const std::string& channel) {
  impl_->bookings.Add({{"channel", channel}}).Increment();
}
void ApiMetrics::CountHold() { impl_->holds.Increment(); }
void ApiMetrics::CountConflict() { impl_->conflicts.Increment(); }
void ApiMetrics::CountCancellation() { impl_->cancellations.Increment(); }
void ApiMetrics::CountLimited(const std::string& limit) {
  impl_->limited.Add({{"limit", limit}}).Increment();
}

std::string SerializeStoreCounters(const std::vector<StoreCounter>& counters) {
  std::string out;
  for (std::size_t i = 0; i < counters.size(); ++i) {
    const StoreCounter& c = counters[i];
    if (i == 0 || counters[i - 1].name != c.name) {
      out += "# HELP " + c.name + " " + c.help + "\n# TYPE " + c.name + " counter\n";
    }
    out += c.name;
    if (!c.label.empty()) out += "{" + c.label + "=\"" + c.label_value + "\"}";
    out += " " + std::to_string(c.value) + "\n";
  }
  return out;
}

std::string ApiMetrics::Serialize() const {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(impl_->registry->Collect());
}

}  // namespace termin::api
