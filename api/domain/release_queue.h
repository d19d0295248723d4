// A fair release (#14): an office with rules.release_time opens its latest
// day (today + max_days_ahead) at that local time. With a release window,
// the first seconds of a release are not a race: a public hold on the
// opening day is refused (429 release-queue) until its client holds a pass;
// clients join the release's pre-queue (one ticket per client address), the
// tickets taken before the window's end are put in an order drawn by lot
// at that end (the "draw"), later ones are placed after them as they come,
// and the queue is admitted from the draw at the office's rate: place p at
// draw + p / rate. Being first by milliseconds, or opening 500 connections
// from one address, gives no edge. The gate ends once the queue is drained
// (everyone in it admitted); from then on the day is booked as any other.
//
// A pass is a token under the API's key (the proof-of-work key, shared by
// every replica) over the office, the day, the ticket and its client, and
// the time span it is good for: nothing is stored for it, and a pass taken
// from another address is refused.
//
// Thread safety: pure functions.
#ifndef TERMIN_API_DOMAIN_RELEASE_QUEUE_H_
#define TERMIN_API_DOMAIN_RELEASE_QUEUE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/clock.h"
#include "api/domain/catalog.h"

namespace termin::api {

// Joining opens this long before the release (a waiting room, drawn with
// those who come in the window).
inline constexpr std::chrono::minutes kReleaseLobby{15};
// An admitted ticket's pass is good this long from when it is read.
inline constexpr std::chrono::minutes kReleasePassTtl{15};
// A queue is kept this long after its draw (then its tickets are gone).
inline constexpr std::chrono::hours kReleaseQueueKept{6};

struct ReleasePlan {
  std::string day;         // "YYYY-MM-DD": the day that opens
  TimePoint lobby;         // joining opens
  TimePoint at;            // the release
  TimePoint draw;          // at + window: the order is drawn, admission starts
  int admit_per_second = 1;
};

// The office's release of today (its lobby may not have opened yet);
// nullopt without a release time or without a window.
std::optional<ReleasePlan> TodaysReleasePlan(const OfficeInfo& office, TimePoint now);

// When the ticket at 0-based `rank` is admitted.
TimePoint AdmitAt(const ReleasePlan& plan, std::int64_t rank);

// True while holds on plan.day need a pass: from the release until every
// one of `queued` tickets is admitted (and at least until the draw).
bool ReleaseGated(const ReleasePlan& plan, std::int64_t queued, TimePoint now);

// The pass of `ticket` (of `client`, a digest of its address bucket), good
// from `from` to `until`: "<from ms>.<until ms>.<ticket>.<mac>".
std::string MakeReleasePass(std::string_view key, const std::string& office_id,
                            const ReleasePlan& plan, const std::string& ticket,
                            const std::string& client, TimePoint from, TimePoint until);

// True if `pass` was made by MakeReleasePass for this office, day and
// client and is good at `now`; else false with `why` set.
bool CheckReleasePass(std::string_view key, const std::string& office_id, const ReleasePlan& plan,
                      const std::string& client, std::string_view pass, TimePoint now,
                      std::string* why);

}  // namespace termin::api

#endif  // TERMIN_API_DOMAIN_RELEASE_QUEUE_H_
