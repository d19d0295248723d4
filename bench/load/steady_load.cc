#include "bench/load/steady_load.h"

#include <chrono>
#include <random>

#include "bench/load/json_fields.h"
#include "bench/load/load_threads.h"

namespace termin::bench {
namespace {

using Clock = std::chrono::steady_clock;

// What one connection saw; merged into a SteadyResult after the run.
struct ThreadTally {
  std::size_t requests = 0, done = 0, conflicts = 0, errors = 0;
  std::map<int, std::size_t> error_statuses;
  LatencyLog latency, first_step;

  void Error(int status) {
    ++errors;
    ++error_statuses[status];
  }
};

// What every connection's body of one run shares (read only).
struct Shared {
  const SteadyOptions& options;
  SpreadPlaces places;
  std::string auth;  // hotline: "Bearer <key>"
};

std::mt19937_64 ConnectionRng(const SteadyOptions& options, int index) {
  return std::mt19937_64(options.seed * 1000003 + static_cast<std::uint64_t>(index));
}

Clock::time_point EndOfRun(const SteadyOptions& options) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(options.seconds));
}

// Runs `body(conn, shared, tally, index)` (a LoadTask coroutine) on every
// connection, then merges the tallies.
template <typename Body>
Result<SteadyResult> RunFor(const SteadyOptions& options, const Shared& shared, Body body) {
  std::vector<ThreadTally> tallies(static_cast<std::size_t>(options.connections));
  auto timing = RunConnections(options.targets, options.connections, options.load_threads,
                               [&](LoadConnection& conn, int index) {
    return body(conn, shared, tallies[static_cast<std::size_t>(index)], index);
  });
  if (!timing.ok()) return timing.status();
  SteadyResult out;
  out.seconds = timing->seconds;
  for (const ThreadTally& t : tallies) {
    out.requests += t.requests;
    out.done += t.done;
    out.conflicts += t.conflicts;
    out.errors += t.errors;
    for (const auto& [status, n] : t.error_statuses) out.error_statuses[status] += n;
    out.latency.Merge(t.latency);
    out.first_step.Merge(t.first_step);
  }
  return out;
}

Place DrawPlace(const SpreadPlaces& places, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::size_t> pick(0, places.size() - 1);
  return places.At(pick(rng));
}

std::string HoldBody(const Place& p) {
  return "{\"office\":" + Quoted(p.office) + ",\"services\":[\"" + kBenchService +
         "\"],\"start\":" + Quoted(BenchInstantText(p.start)) + "}";
}

// The bodies are coroutines: their parameters are copied into the frame,
// and the references they hold (connection, shared, tally) outlive the run.

LoadTask AvailabilityBody(LoadConnection& conn, const Shared& shared, ThreadTally& t, int index) {
  std::mt19937_64 rng = ConnectionRng(shared.options, index);
  auto end = EndOfRun(shared.options);
  while (Clock::now() < end) {
    Place p = DrawPlace(shared.places, rng);
    std::string day = FormatDate(BenchLocalDay(p.start));
    Reply r = co_await conn.Get("/v1/availability?services=" + std::string(kBenchService) +
                                "&office=" + p.office + "&from=" + day + "&to=" + day);
    ++t.requests;
    if (r.status == 200) {
      ++t.done;
      t.latency.Add(r.micros);
    } else {
      t.Error(r.status);
    }
  }
}

LoadTask WebBody(LoadConnection& conn, const Shared& shared, ThreadTally& t, int index) {
  std::mt19937_64 rng = ConnectionRng(shared.options, index);
  auto end = EndOfRun(shared.options);
  while (Clock::now() < end) {
    Place p = DrawPlace(shared.places, rng);
    Reply hold = co_await conn.PostJson("/v1/holds", HoldBody(p));
    ++t.requests;
    t.first_step.Add(hold.micros);
    if (hold.status == 409) {
      ++t.conflicts;
      continue;
    }
    std::optional<TopFields> h;
    if (hold.status != 201 || !(h = ReadTopFields(hold.body)) || !h->String("id") ||
        !h->String("secret") || !h->Int("version")) {
      t.Error(hold.status);
      continue;
    }
    std::string body = "{\"hold_id\":" + Quoted(*h->String("id")) +
                       ",\"hold_secret\":" + Quoted(*h->String("secret")) +
                       ",\"hold_version\":" + std::to_string(*h->Int("version")) +
                       ",\"contact\":{\"name\":\"Bench Citizen\",\"email\":\"bench@example.org\"}}";
    Reply confirm = co_await conn.PostJson("/v1/appointments", body);
    ++t.requests;
    if (confirm.status == 201) {
      ++t.done;
      t.latency.Add(hold.micros + confirm.micros);
    } else {
      t.Error(confirm.status);
    }
  }
}

LoadTask HotlineBody(LoadConnection& conn, const Shared& shared, ThreadTally& t, int index) {
  std::mt19937_64 rng = ConnectionRng(shared.options, index);
  auto end = EndOfRun(shared.options);
  while (Clock::now() < end) {
    Place p = DrawPlace(shared.places, rng);
    std::string body = "{\"office\":" + Quoted(p.office) + ",\"services\":[\"" + kBenchService +
                       "\"],\"start\":" + Quoted(BenchInstantText(p.start)) +
                       ",\"contact\":{\"name\":\"Bench Caller\",\"phone\":\"+49 7361 0000\"}}";
    Reply r = co_await conn.PostJson("/v1/hotline/appointments", body, "Authorization", shared.auth);
    ++t.requests;
    t.first_step.Add(r.micros);
    if (r.status == 201) {
      ++t.done;
      t.latency.Add(r.micros);
    } else if (r.status == 409) {
      ++t.conflicts;
    } else {
      t.Error(r.status);
    }
  }
}

}  // namespace

Result<SteadyResult> RunAvailability(const SteadyOptions& options) {
  Shared shared{options, SpreadPlaces(options.city, options.first_day, options.days), ""};
  return RunFor(options, shared, AvailabilityBody);
}

Result<SteadyResult> RunWebBookings(const SteadyOptions& options) {
  Shared shared{options, SpreadPlaces(options.city, options.first_day, options.days), ""};
  return RunFor(options, shared, WebBody);
}

Result<SteadyResult> RunHotlineBookings(const SteadyOptions& options) {
  if (options.hotline_key.empty()) return Status::InvalidArgument("hotline bookings need a key");
  Shared shared{options, SpreadPlaces(options.city, options.first_day, options.days),
                "Bearer " + options.hotline_key};
  return RunFor(options, shared, HotlineBody);
}

}  // namespace termin::bench
