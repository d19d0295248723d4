// The API's Prometheus metrics.
//
// Names (documented in docs/api.md):
//   termin_http_requests_total{method,route,status}       counter
//   termin_http_request_duration_seconds{route}            histogram
//   termin_bookings_total{channel}                         counter (appointments made)
//   termin_holds_total                                     counter (holds placed)
//   termin_booking_conflicts_total                         counter (store refused a claim)
//   termin_cancellations_total                             counter
//   termin_limited_total{limit}                            counter
// and the store's own counters (Store::Counters), with the Redis store:
//   termin_redis_wait_short_total                          counter (WAIT short of replicas)
//   termin_redis_redirects_total{kind="moved|ask"}         counter (Redis Cluster)
// Routes are templates, never raw paths, so label sets stay bounded.
//
// Thread safety: all methods may be called from many threads at once.
#ifndef TERMIN_API_HTTP_METRICS_H_
#define TERMIN_API_HTTP_METRICS_H_

#include <memory>
#include <string>
#include <vector>

namespace prometheus {
class Registry;
}

namespace termin::api {

struct StoreCounter;  // api/store.h

// The store's counters in the text exposition format, one HELP and TYPE per
// name (series of one name must be adjacent in `counters`).
std::string SerializeStoreCounters(const std::vector<StoreCounter>& counters);

class ApiMetrics {
 public:
  ApiMetrics();
  ~ApiMetrics();
  ApiMetrics(const ApiMetrics&) = delete;
  ApiMetrics& operator=(const ApiMetrics&) = delete;

  void ObserveRequest(const std::string& method, const std::string& route, int status,
                      double seconds);
  void CountBooking(const std::string& channel);
  void CountHold();
  void CountConflict();
  void CountCancellation();
  void CountLimited(const std::string& limit);  // "requests", "staff_requests", "open_holds"

  // Prometheus text exposition format 0.0.4.
  std::string Serialize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace termin::api

#endif  // TERMIN_API_HTTP_METRICS_H_
