// Evaluation figures against a replayed month, on both stores.
//
// December 2026 at test-mitte, replayed in process (real routing, handlers,
// Booker, queue model and store, a hand-moved clock): hotline and web
// bookings from a week ahead, cancellations at every notice, moves, check-ins,
// no-shows, walk-in tickets (issued and refused) and one desk serving the
// day in five-minute steps. The test keeps its own books from the answers it
// gets (not from the store) and holds every figure of the admin routes
// against them; then erases all contact data and asks again (the figures do
// not move), and scans every stored tally for personal data.
#include <doctest/doctest.h>

#include <hiredis/hiredis.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "api/app.h"
#include "api/domain/evaluation.h"
#include "api/domain/waitlist.h"
#include "api/security/secrets.h"
#include "api/tally.h"
#include "service/memory/memory_store.h"
#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using api::HttpRequest;
using api::HttpResponse;

RedisTestServer& EvalRedis() {
  static std::unique_ptr<RedisTestServer> server = [] {
    auto s = RedisTestServer::Start();
    REQUIRE_MESSAGE(s.ok(), s.status().message());
    return std::move(s).value();
  }();
  return *server;
}

constexpr const char* kLinkKey = "evaluation-test-link-key-0123456789";

std::string KeysJson() {
  auto entry = [](const std::string& key, const std::string& role, const std::string& offices) {
    return "{\"sha256\":\"" + api::Sha256Hex(key) + "\",\"role\":\"" + role + "\",\"offices\":[" +
           offices + "],\"name\":\"" + role + "\"}";
  };
  return "[" + entry("admin-key", "admin", "") + "," + entry("hotline-mitte", "hotline", "\"test-mitte\"") +
         "," + entry("kiosk-mitte", "kiosk", "\"test-mitte\"") + "," +
         entry("desk-mitte", "desk", "\"test-mitte\"") + "]";
}

std::map<std::string, std::string> Bearer(const std::string& key) {
  return {{"authorization", "Bearer " + key}};
}

struct Fixture {
  std::shared_ptr<api::ManualClock> clock;
  std::shared_ptr<api::Store> store;
  std::unique_ptr<api::App> app;
  std::string prefix;  // Redis only

  explicit Fixture(bool redis, api::TimePoint start) {
    clock = std::make_shared<api::ManualClock>(start);
    if (redis) {
      static int counter = 0;
      RedisOptions o;
      o.port = EvalRedis().port();
      prefix = "ev" + std::to_string(counter++) + ":";
      o.key_prefix = prefix;
      o.pool_size = 4;
      auto r = RedisStore::Connect(o, clock);
      REQUIRE_MESSAGE(r.ok(), r.status().message());
      store = std::shared_ptr<api::Store>(std::move(r).value());
    } else {
      store = std::make_shared<MemoryStore>(clock);
    }
    auto catalog = api::LoadCatalogFile("data/test-city.json");
    REQUIRE(catalog.ok());
    auto keys = api::KeyTable::Parse(KeysJson());
    REQUIRE(keys.ok());
    api::ApiOptions options;
    options.access_log = false;
    options.link_key = kLinkKey;  // the test reads offers with their links' tokens
    app = std::make_unique<api::App>(store, clock, std::move(catalog).value(), std::move(keys).value(),
                                     options);
    REQUIRE(app->SeedStore().ok());
  }

  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body = "",
                    std::map<std::string, std::string> headers = {},
                    std::map<std::string, std::string> query = {}) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.query = std::move(query);
    r.headers = std::move(headers);
    if (!body.empty() && !r.headers.count("content-type")) r.headers["content-type"] = "application/json";
    return app->Handle(r);
  }
};

rapidjson::Document Json(const HttpResponse& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}
std::string Str(const HttpResponse& r, const char* key) {
  auto d = Json(r);
  return d.IsObject() && d.HasMember(key) && d[key].IsString() ? d[key].GetString() : "";
}

// December is CET (+01:00) throughout.
Instant LocalAt(LocalDate day, int minute) {
  return std::chrono::time_point_cast<Minutes>(date::sys_days(day.time_since_epoch())) +
         Minutes(minute) - 60min;
}
std::string Rfc(Instant t) {
  return FormatInstantLocal(t, date::locate_zone("Europe/Berlin"));
}

// Nearest rank, as the figures define it.
std::optional<long long> Quantile(std::vector<int> v, double q) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(q * static_cast<double>(v.size()))));
  return v[rank - 1];
}

const char* Bucket(Minutes notice) {
  if (notice < 120min) return "h0";
  if (notice < 24h) return "h2";
  if (notice < 72h) return "h24";
  return "h72";
}

struct Visit {
  std::string ref, service, channel;
  LocalDate day;
  Instant start;
  int minutes = 0;
  bool active = true;
  bool checked = false;
  bool skip = false;  // will not come
};

// A figure's rows keyed by the values of the named leading columns.
struct Table {
  std::vector<std::string> columns;
  std::map<std::string, std::vector<std::string>> rows;  // "k1|k2" -> cells as text ("" = null)
  std::string Cell(const std::string& key, const std::string& column) const {
    auto it = rows.find(key);
    if (it == rows.end()) return "<no row " + key + ">";
    auto c = std::find(columns.begin(), columns.end(), column);
    REQUIRE(c != columns.end());
    return it->second[static_cast<std::size_t>(c - columns.begin())];
  }
  long long Int(const std::string& key, const std::string& column) const {
    std::string s = Cell(key, column);
    return s.empty() || s[0] == '<' ? -1 : std::stoll(s);
  }
};

Table Figure(Fixture& f, const std::string& figure, int keys, std::string* raw = nullptr) {
  auto r = f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/" + figure, "", Bearer("admin-key"),
                  {{"from", "2026-12-01"}, {"to", "2026-12-31"}, {"period", "month"}});
  REQUIRE_MESSAGE(r.status == 200, r.body);
  if (raw) *raw = r.body;
  auto d = Json(r);
  Table t;
  for (const auto& c : d["columns"].GetArray()) t.columns.push_back(c.GetString());
  for (const auto& row : d["rows"].GetArray()) {
    std::vector<std::string> cells;
    for (const auto& c : row.GetArray()) {
      if (c.IsNull()) cells.push_back("");
      else if (c.IsString()) cells.push_back(c.GetString());
      else if (c.IsInt64()) cells.push_back(std::to_string(c.GetInt64()));
      else cells.push_back(std::to_string(c.GetDouble()));
    }
    std::string key;
    for (int i = 0; i < keys; ++i) key += (i ? "|" : "") + cells[static_cast<std::size_t>(i)];
    t.rows[key] = cells;
  }
  return t;
}

void ReplayMonth(bool redis) {
  const LocalDate first = *ParseDate("2026-11-24");
  const LocalDate dec1 = *ParseDate("2026-12-01");
  const LocalDate dec31 = *ParseDate("2026-12-31");
  Fixture f(redis, api::ToTimePoint(LocalAt(first, 7 * 60)));
  std::mt19937 rng(20261201);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> services = {"kurz", "lang", "selten"};
  const std::map<std::string, int> minutes_of = {{"kurz", 10}, {"lang", 20}, {"selten", 15}};

  std::vector<Visit> visits;
  std::map<std::string, std::size_t> by_ticket;  // today's checked-in tickets -> visit
  std::set<std::string> personal;                // every name, phone, e-mail, reference used
  // The test's own books.
  std::map<std::string, long long> booked, moved, moved_in, cancelled;  // "ch|svc" (+ "|bucket")
  std::map<std::string, std::vector<int>> lead, durations;              // svc
  std::vector<int> wait_booked, wait_walk_in;
  long long checkins = 0, issued = 0, refused = 0, conflicts = 0, served_minutes = 0;
  std::map<std::string, long long> no_shows;  // "svc|weekday"
  // The waitlist: wishes made in December and what the test did with them.
  struct WishBook {
    std::string secret, service;
    bool offered = false, ended = false;
  };
  std::map<std::string, WishBook> wishes;  // id -> its book
  std::set<std::string> offer_jobs_seen;
  long long wishes_made = 0, offers = 0, accepted = 0, declined = 0, withdrawn = 0, withdrawn_waiting = 0;

  int n = 0;
  auto book = [&](LocalDate day, bool web) {
    const std::string svc = services[static_cast<std::size_t>(pick(3))];
    const Instant start = LocalAt(day, 8 * 60 + 5 * pick(132));
    const std::string name = "Erika Replay" + std::to_string(++n);
    const std::string phone = "+49 711 555" + std::to_string(1000 + n);
    const std::string email = "erika" + std::to_string(n) + "@example.org";
    personal.insert(name);
    personal.insert(phone);
    personal.insert(email);
    HttpResponse made;
    if (web) {
      auto hold = f.Send("POST", "/v1/holds",
                         "{\"office\":\"test-mitte\",\"services\":[\"" + svc + "\"],\"start\":\"" + Rfc(start) + "\"}");
      if (hold.status == 409) {
        ++conflicts;
        return;
      }
      REQUIRE_MESSAGE(hold.status == 201, hold.body);
      made = f.Send("POST", "/v1/appointments",
                    "{\"hold_id\":\"" + Str(hold, "id") + "\",\"hold_secret\":\"" + Str(hold, "secret") +
                        "\",\"contact\":{\"name\":\"" + name + "\",\"email\":\"" + email +
                        "\",\"language\":\"de\",\"reminders\":true}}");
    } else {
      made = f.Send("POST", "/v1/hotline/appointments",
                    "{\"office\":\"test-mitte\",\"services\":[\"" + svc + "\"],\"start\":\"" + Rfc(start) +
                        "\",\"contact\":{\"name\":\"" + name + "\",\"phone\":\"" + phone + "\"}}",
                    Bearer("hotline-mitte"));
      if (made.status == 409) {
        ++conflicts;
        return;
      }
    }
    REQUIRE_MESSAGE(made.status == 201, made.body);
    Visit v;
    v.ref = Str(made, "reference");
    personal.insert(v.ref);
    v.service = svc;
    v.channel = web ? "web" : "hotline";
    v.day = day;
    v.start = start;
    v.minutes = minutes_of.at(svc);
    const auto ahead = api::ToTimePoint(start) - f.clock->Now();
    lead[svc].push_back(static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(ahead).count() / 24));
    ++booked[v.channel + "|" + svc];
    visits.push_back(v);
  };
  // A wish for one service at test-mitte, any day up to a few days ahead,
  // 08:00-20:00 (so most freed places suit one).
  auto make_wish = [&](LocalDate day) {
    const std::string svc = services[static_cast<std::size_t>(pick(2))];
    const std::string name = "Wanda Replay" + std::to_string(++n);
    const std::string email = "wanda" + std::to_string(n) + "@example.org";
    personal.insert(name);
    personal.insert(email);
    const LocalDate latest = std::min(dec31, day + date::days(pick(5)));
    auto w = f.Send("POST", "/v1/waitlist",
                    "{\"services\":[\"" + svc + "\"],\"offices\":[\"test-mitte\"],\"latest\":\"" +
                        FormatDate(latest) + "\",\"from\":\"08:00\",\"to\":\"20:00\",\"contact\":{\"name\":\"" +
                        name + "\",\"email\":\"" + email + "\",\"language\":\"de\"}}");
    if (w.status == 422) return;  // nothing suits before the latest day (late on its last day)
    REQUIRE_MESSAGE(w.status == 201, w.body);
    auto d = Json(w);
    REQUIRE(d["wishes"].Size() == 1);
    wishes[d["wishes"][0]["id"].GetString()] = WishBook{Str(w, "secret"), svc};
    ++wishes_made;
  };
  // The offers written since the last look (their outbox jobs: the message
  // the citizen gets), each answered at random through its link, as a
  // citizen would: accepted (only if `may_accept`), declined, the wish
  // withdrawn, or left to lapse.
  auto answer_offers = [&](bool may_accept) {
    auto jobs = f.store->PendingJobs();
    REQUIRE(jobs.ok());
    for (const OutboxJob& j : *jobs) {
      if (j.type != api::JobType::kWaitlistOffer || !offer_jobs_seen.insert(j.reference).second) continue;
      const std::string wish_id = j.reference.substr(0, j.reference.size() - 2);  // "<wish>-o"
      REQUIRE(wishes.count(wish_id) == 1);
      WishBook& w = wishes[wish_id];
      REQUIRE_FALSE(w.offered);  // one offer per wish
      w.offered = true;
      ++offers;
      const std::map<std::string, std::string> token = {
          {"x-offer-token", api::OfferLinkToken(kLinkKey, j.reference)}};
      auto seen = f.Send("GET", "/v1/waitlist/offers/" + j.reference, "", token);
      if (seen.status == 404) continue;  // lapsed already, and its offer-hold gone
      REQUIRE_MESSAGE(seen.status == 200, seen.body);
      if (!Json(seen)["open"].GetBool()) continue;  // lapsed already
      const int choice = pick(4);
      if (choice == 0 && may_accept) {
        auto a = f.Send("POST", "/v1/waitlist/offers/" + j.reference + "/accept", "", token);
        REQUIRE_MESSAGE(a.status == 201, a.body);
        ++accepted;
        w.ended = true;
        Visit v;
        v.ref = Str(a, "reference");
        personal.insert(v.ref);
        v.service = w.service;
        v.channel = "web";
        v.start = *ParseInstant(Str(a, "start"));
        v.day = LocalDayOf(v.start, date::locate_zone("Europe/Berlin"));
        v.minutes = minutes_of.at(w.service);
        const auto ahead = api::ToTimePoint(v.start) - f.clock->Now();
        lead[w.service].push_back(static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(ahead).count() / 24));
        ++booked["web|" + w.service];
        visits.push_back(v);
      } else if (choice == 1) {
        REQUIRE(f.Send("POST", "/v1/waitlist/offers/" + j.reference + "/decline", "", token).status == 204);
        ++declined;
        w.ended = true;
      } else if (choice == 2) {
        REQUIRE(f.Send("DELETE", "/v1/waitlist/" + wish_id, "", {{"x-wish-secret", w.secret}}).status == 204);
        ++withdrawn;
        w.ended = true;
      }
    }
  };
  auto future = [&](LocalDate today) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < visits.size(); ++i) {
      if (visits[i].active && visits[i].day > today) out.push_back(i);
    }
    return out;
  };

  for (LocalDate day = first; day <= dec31; day += date::days(1)) {
    f.clock->Set(api::ToTimePoint(LocalAt(day, 7 * 60)));
    for (int k = 0; k < 6; ++k) {
      LocalDate target = day + date::days(pick(11));
      if (target < dec1 || target > dec31) continue;
      book(target, k % 3 == 0);
    }
    // A cancellation (hotline) at a random notice: from 07:00 today.
    if (auto open = future(day); !open.empty() && pick(2) == 0) {
      Visit& v = visits[open[static_cast<std::size_t>(pick(static_cast<int>(open.size())))]];
      auto c = f.Send("POST", "/v1/hotline/appointments/" + v.ref + "/cancel", "", Bearer("hotline-mitte"));
      REQUIRE_MESSAGE(c.status == 200, c.body);
      v.active = false;
      const Minutes notice = v.start - api::ToInstant(f.clock->Now());
      ++cancelled[v.channel + "|" + v.service + "|" + Bucket(notice)];
    }
    // A move to another day.
    if (auto open = future(day); !open.empty() && pick(2) == 0) {
      Visit& v = visits[open[static_cast<std::size_t>(pick(static_cast<int>(open.size())))]];
      // Within December: the figures asked for are the month's.
      LocalDate to = std::clamp(day + date::days(1 + pick(9)), dec1, dec31);
      Instant start = LocalAt(to, 8 * 60 + 5 * pick(132));
      auto m = f.Send("POST", "/v1/hotline/appointments/" + v.ref + "/move",
                      "{\"start\":\"" + Rfc(start) + "\"}", Bearer("hotline-mitte"));
      if (m.status == 409) {
        ++conflicts;
      } else {
        REQUIRE_MESSAGE(m.status == 200, m.body);
        ++moved[v.channel + "|" + v.service];
        ++moved_in[v.channel + "|" + v.service];
        v.day = to;
        v.start = start;
      }
    }
    if (day < dec1) continue;
    // The waitlist: the sweep of lapsed offers and expired wishes, what the
    // morning's cancel and move offered, a new wish, now and then one
    // withdrawn while it waits.
    // (Memory only: Redis judges a wish's and an offer's expiry by its own
    // server clock, this replay's clock is moved by hand; the conformance
    // tests count them on both stores in real time.)
    if (!redis) {
      REQUIRE(f.store->OfferReleased("test-mitte").ok());
      if (pick(3) != 0) make_wish(day);  // (which may be offered a waiting place at once)
      answer_offers(true);
    }
    for (auto& [id, w] : wishes) {
      if (w.offered || w.ended || pick(12) != 0) continue;
      auto gone = f.Send("DELETE", "/v1/waitlist/" + id, "", {{"x-wish-secret", w.secret}});
      if (gone.status == 404) continue;  // expired by now
      REQUIRE_MESSAGE(gone.status == 204, gone.body);
      ++withdrawn;
      ++withdrawn_waiting;
      w.ended = true;
      break;
    }

    // The office's day: desk a serves in five-minute steps, 08:00-20:00.
    by_ticket.clear();
    for (Visit& v : visits) {
      if (v.active && v.day == day) v.skip = v.start < LocalAt(day, 18 * 60) && pick(8) == 0;
    }
    f.clock->Set(api::ToTimePoint(LocalAt(day, 8 * 60)));
    REQUIRE(f.Send("POST", "/v1/desk/a/open", "", Bearer("desk-mitte")).status == 200);
    std::map<std::string, Instant> ticket_due;  // walk-ins
    bool serving = false;
    Instant ends{};
    std::string current_service;
    int current_minutes = 0;
    for (int minute = 8 * 60; minute <= 20 * 60; minute += 5) {
      const Instant now = LocalAt(day, minute);
      f.clock->Set(api::ToTimePoint(now));
      for (std::size_t i = 0; i < visits.size(); ++i) {
        Visit& v = visits[i];
        if (!v.active || v.day != day || v.checked || v.skip || v.start - 10min > now) continue;
        auto in = f.Send("POST", "/v1/kiosk/checkins", "{\"reference\":\"" + v.ref + "\"}", Bearer("kiosk-mitte"));
        REQUIRE_MESSAGE(in.status == 200, in.body);
        v.checked = true;
        ++checkins;
        by_ticket[Str(in, "ticket")] = i;
      }
      if (minute == 12 * 60) {
        // A late cancellation: someone due this afternoon.
        for (Visit& v : visits) {
          if (!v.active || v.day != day || v.checked || v.skip || v.start <= now) continue;
          auto c = f.Send("POST", "/v1/hotline/appointments/" + v.ref + "/cancel", "", Bearer("hotline-mitte"));
          REQUIRE_MESSAGE(c.status == 200, c.body);
          v.active = false;
          ++cancelled[v.channel + "|" + v.service + "|" + Bucket(v.start - now)];
          break;
        }
        if (!redis) answer_offers(true);  // its place may have gone to a wish
      }
      // Walk-ins: one at 10:00 and 15:00, three at 19:45 (the cut-off turns some away).
      for (int k = 0; k < (minute == 10 * 60 || minute == 15 * 60 ? 1 : minute == 19 * 60 + 45 ? 3 : 0); ++k) {
        auto t = f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("kiosk-mitte"));
        if (t.status == 201) {
          ++issued;
          ticket_due[Str(t, "ticket")] = now;
        } else {
          REQUIRE_MESSAGE(t.status == 409, t.body);
          ++refused;
        }
      }
      if (serving && now >= ends) {
        auto d = f.Send("POST", "/v1/desk/a/done", "", Bearer("desk-mitte"));
        REQUIRE_MESSAGE(d.status == 200, d.body);
        durations[current_service].push_back(current_minutes);
        served_minutes += current_minutes;
        serving = false;
      }
      if (serving) continue;
      auto c = f.Send("POST", "/v1/desk/a/call-next", "", Bearer("desk-mitte"));
      if (c.status != 200) {
        REQUIRE_MESSAGE((c.status == 404 || c.status == 409), c.body);
        continue;
      }
      const std::string ticket = Str(c, "ticket");
      Instant due;
      if (Str(c, "kind") == "walk_in") {
        REQUIRE(ticket_due.count(ticket) == 1);
        due = ticket_due[ticket];
        current_service = "kurz";
        wait_walk_in.push_back(static_cast<int>(std::max<long long>(0, (now - due).count())));
      } else {
        REQUIRE(by_ticket.count(ticket) == 1);
        const Visit& v = visits[by_ticket[ticket]];
        due = v.start;
        current_service = v.service;
        wait_booked.push_back(static_cast<int>(std::max<long long>(0, (now - due).count())));
      }
      REQUIRE(f.Send("POST", "/v1/desk/a/start", "", Bearer("desk-mitte")).status == 200);
      current_minutes = 5 * (1 + pick(4));
      ends = now + Minutes(current_minutes);
      serving = true;
    }
    if (serving) {  // the last visit of the day ends after closing
      f.clock->Set(api::ToTimePoint(ends));
      REQUIRE(f.Send("POST", "/v1/desk/a/done", "", Bearer("desk-mitte")).status == 200);
      durations[current_service].push_back(current_minutes);
      served_minutes += current_minutes;
    }
    // Those who never came are no-shows by now (released on the queue's read).
    REQUIRE(f.Send("GET", "/v1/desk/a/queue", "", Bearer("desk-mitte")).status == 200);
    for (const Visit& v : visits) {
      if (!v.active || v.day != day || !v.skip) continue;
      auto seen = f.Send("GET", "/v1/hotline/appointments/" + v.ref, "", Bearer("hotline-mitte"));
      REQUIRE_MESSAGE(Str(seen, "status") == "no_show", seen.body);
      ++no_shows[v.service + "|" + std::to_string(WeekdayIndex(day) + 1)];
    }
    if (!redis) answer_offers(false);  // what else freed a place today (after the day: none accepted)
  }
  // Every December wish has ended by the first of January: the sweep ends
  // the rest (offers lapsed, wishes without an offer expired).
  if (!redis) {
    f.clock->Set(api::ToTimePoint(LocalAt(dec31 + date::days(1), 7 * 60)));
    REQUIRE(f.store->OfferReleased("test-mitte").ok());
    answer_offers(false);
  }

  // --- The figures against the books ----------------------------------------
  auto check_all = [&]() {
    Table b = Figure(f, "bookings", 3);
    long long total_booked = 0;
    for (const auto& [key, count] : booked) {
      const std::string row = "2026-12|" + key;
      CHECK_MESSAGE(b.Int(row, "bookings") == count, row);
      CHECK_MESSAGE(b.Int(row, "moves") == moved[key], row);
      long long cx = 0;
      const char* columns[4] = {"cancelled_under_2h", "cancelled_under_24h", "cancelled_under_72h",
                                "cancelled_earlier"};
      const char* buckets[4] = {"h0", "h2", "h24", "h72"};
      for (int i = 0; i < 4; ++i) {
        CHECK_MESSAGE(b.Int(row, columns[i]) == cancelled[key + "|" + buckets[i]], row << " " << buckets[i]);
        cx += cancelled[key + "|" + buckets[i]];
      }
      CHECK(b.Int(row, "cancellations") == cx);
      CHECK(b.Int(row, "visits_due") == count - cx);  // moves stay within the month
      total_booked += count;
    }
    CHECK(b.rows.size() == booked.size());

    Table l = Figure(f, "lead_time", 2);
    for (const auto& [svc, days] : lead) {
      const std::string row = "2026-12|" + svc;
      CHECK(l.Int(row, "bookings") == static_cast<long long>(days.size()));
      CHECK(l.Int(row, "same_day") == std::count(days.begin(), days.end(), 0));
      CHECK(l.Int(row, "median_days") == *Quantile(days, 0.5));
      CHECK(l.Int(row, "p90_days") == *Quantile(days, 0.9));
    }

    Table ns = Figure(f, "no_shows", 2);
    std::map<std::string, long long> due;
    for (const Visit& v : visits) {
      if (v.active) ++due[v.service + "|" + std::to_string(WeekdayIndex(v.day) + 1)];
    }
    for (const auto& [key, count] : due) {
      CHECK_MESSAGE(ns.Int(key, "visits_due") == count, key);
      CHECK_MESSAGE(ns.Int(key, "no_shows") == no_shows[key], key);
    }

    Table q = Figure(f, "queue", 2);
    CHECK(q.Int("2026-12|booked", "visitors") == checkins);
    CHECK(q.Int("2026-12|booked", "called") == static_cast<long long>(wait_booked.size()));
    CHECK(q.Int("2026-12|booked", "wait_median_minutes") == *Quantile(wait_booked, 0.5));
    CHECK(q.Int("2026-12|booked", "wait_p90_minutes") == *Quantile(wait_booked, 0.9));
    CHECK(q.Int("2026-12|walk_in", "visitors") == issued);
    CHECK(q.Int("2026-12|walk_in", "refused") == refused);
    CHECK(q.Int("2026-12|walk_in", "called") == static_cast<long long>(wait_walk_in.size()));
    CHECK(q.Int("2026-12|walk_in", "wait_median_minutes") == *Quantile(wait_walk_in, 0.5));
    CHECK(q.Int("2026-12|walk_in", "wait_p90_minutes") == *Quantile(wait_walk_in, 0.9));

    Table d = Figure(f, "durations", 1);
    for (const auto& [svc, list] : durations) {
      CHECK(d.Int(svc, "served") == static_cast<long long>(list.size()));
      CHECK(d.Int(svc, "median_minutes") == *Quantile(list, 0.5));
      CHECK(d.Int(svc, "p90_minutes") == *Quantile(list, 0.9));
      CHECK(d.Int(svc, "configured_minutes") == minutes_of.at(svc));
    }

    Table c = Figure(f, "capacity", 2);
    long long booked_minutes = 0;
    for (const Visit& v : visits) booked_minutes += v.active ? v.minutes : 0;
    long long sum = 0;
    for (const char* desk : {"a", "b", "c"}) {
      CHECK(c.Int(std::string("2026-12|") + desk, "planned_minutes") == 31 * 720);
      CHECK(c.Int(std::string("2026-12|") + desk, "offered_ahead_minutes") == 31 * 720);  // no buffer
      sum += c.Int(std::string("2026-12|") + desk, "booked_minutes");
    }
    CHECK(sum == booked_minutes);
    CHECK(c.Int("2026-12|a", "served_minutes") == served_minutes);
    CHECK(c.Int("2026-12|a", "idle_minutes") == 31 * 720 - served_minutes);

    Table dm = Figure(f, "demand", 1);
    CHECK(dm.Int("2026-12", "conflicts") == conflicts);
    CHECK(dm.Int("2026-12", "walkins_refused") == refused);

    // The waitlist, from the test's own answers: what it did not end
    // itself ended by the sweep (an offer left open lapsed; a wish never
    // offered expired).
    Table wl = Figure(f, "waitlist", 1);
    if (!redis) {
      CHECK(wl.Int("2026-12", "wishes") == wishes_made);
      CHECK(wl.Int("2026-12", "offers") == offers);
      CHECK(wl.Int("2026-12", "accepted") == accepted);
      CHECK(wl.Int("2026-12", "declined") == declined);
      CHECK(wl.Int("2026-12", "withdrawn") == withdrawn);
      CHECK(wl.Int("2026-12", "lapsed") == offers - accepted - declined - (withdrawn - withdrawn_waiting));
      CHECK(wl.Int("2026-12", "expired") == wishes_made - offers - withdrawn_waiting);
    } else {
      CHECK(wl.rows.empty());
    }
    return total_booked;
  };
  const long long total = check_all();
  if (std::getenv("EVAL_DEBUG")) {
    auto all = f.store->ReadTallies("test-mitte", "2026-11-01", "2027-01-31");
    for (const auto& [day, fields] : *all) {
      for (const auto& [field, n] : fields) {
        if (field.rfind("mv:", 0) == 0 || field.rfind("mi:", 0) == 0) MESSAGE(day << " " << field << " " << n);
      }
    }
  }
  MESSAGE(std::string(redis ? "redis" : "memory") << ": " << total << " bookings, " << checkins << " check-ins, "
                                       << issued << " walk-ins (" << refused << " refused), "
                                       << conflicts << " conflicts, " << wait_booked.size() + wait_walk_in.size()
                                       << " calls; waitlist: " << wishes_made << " wishes, " << offers
                                       << " offers, " << accepted << " accepted, " << declined << " declined, "
                                       << withdrawn << " withdrawn");
  CHECK(total > 100);
  CHECK(checkins > 50);
  CHECK(issued > 20);
  CHECK(refused > 10);
  if (!redis) {
    CHECK(offers > 3);
    CHECK(accepted > 0);
  }

  // --- Erasure of contact data changes no figure ------------------------------
  std::map<std::string, std::string> before;
  for (const std::string& figure : api::EvalFigures()) {
    Figure(f, figure, 1, &before[figure]);
  }
  f.clock->Set(api::ToTimePoint(LocalAt(*ParseDate("2027-03-01"), 7 * 60)));
  auto erased = f.store->ErasePersonalData(f.clock->Now());
  REQUIRE(erased.ok());
  CHECK(*erased > 100);
  for (const auto& [figure, body] : before) {
    std::string after;
    Figure(f, figure, 1, &after);
    CHECK_MESSAGE(after == body, figure);
  }
  check_all();

  // --- No personal data in any stored tally ------------------------------------
  auto tallies = f.store->ReadTallies("test-mitte", "2026-01-01", "2027-12-31");
  REQUIRE(tallies.ok());
  std::size_t fields = 0;
  for (const auto& [day, counters] : *tallies) {
    for (const auto& [field, value] : counters) {
      ++fields;
      for (const std::string& p : personal) CHECK_MESSAGE(field.find(p) == std::string::npos, field);
    }
  }
  CHECK(fields > 100);
  if (redis) {
    // Every tally key of the store, as Redis holds it: names, fields, values.
    redisContext* c = redisConnect("127.0.0.1", EvalRedis().port());
    REQUIRE((c && !c->err));
    auto* keys = static_cast<redisReply*>(redisCommand(c, "KEYS %s*:ev:*", f.prefix.c_str()));
    REQUIRE(keys != nullptr);
    CHECK(keys->elements >= 31);
    for (std::size_t i = 0; i < keys->elements; ++i) {
      std::string key(keys->element[i]->str, keys->element[i]->len);
      for (const std::string& p : personal) CHECK(key.find(p) == std::string::npos);
      auto* all = static_cast<redisReply*>(redisCommand(c, "HGETALL %b", key.data(), key.size()));
      REQUIRE(all != nullptr);
      for (std::size_t j = 0; j < all->elements; ++j) {
        std::string s(all->element[j]->str, all->element[j]->len);
        for (const std::string& p : personal) CHECK_MESSAGE(s.find(p) == std::string::npos, key << " " << s);
        if (j % 2 == 1) CHECK_MESSAGE(s.find_first_not_of("-0123456789") == std::string::npos, s);
      }
      freeReplyObject(all);
    }
    freeReplyObject(keys);
    redisFree(c);
  }
}

}  // namespace

TEST_CASE("evaluation: a replayed month's figures are true, survive erasure, hold no personal data (memory)") {
  ReplayMonth(false);
}

TEST_CASE("evaluation: a replayed month's figures are true, survive erasure, hold no personal data (redis)") {
  ReplayMonth(true);
}

TEST_CASE("evaluation: CSV for German Excel, bad ranges are 400, staff keys are 403") {
  Fixture f(false, api::ToTimePoint(*ParseInstant("2026-12-01T06:00:00Z")));
  auto csv = f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/capacity", "",
                    {{"authorization", "Bearer admin-key"}, {"accept", "text/csv"}},
                    {{"from", "2026-12-01"}, {"to", "2026-12-02"}, {"period", "day"}});
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type == "text/csv; charset=utf-8");
  CHECK(csv.body.rfind("\xEF\xBB\xBFperiod;desk;planned_minutes;", 0) == 0);
  CHECK(csv.body.find("\r\n2026-12-01;a;720;720;0;0;720;0;0\r\n") != std::string::npos);
  auto fmt = f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/bookings", "", Bearer("admin-key"),
                    {{"from", "2026-12-01"}, {"to", "2026-12-02"}, {"format", "csv"}});
  CHECK(fmt.content_type == "text/csv; charset=utf-8");
  CHECK(f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/capacity", "", Bearer("admin-key"),
               {{"from", "2026-12-02"}, {"to", "2026-12-01"}}).status == 400);
  CHECK(f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/capacity", "", Bearer("admin-key"),
               {{"from", "2025-01-01"}, {"to", "2026-12-01"}}).status == 400);
  CHECK(f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/nonsense", "", Bearer("admin-key"),
               {{"from", "2026-12-01"}, {"to", "2026-12-01"}}).status == 400);
  CHECK(f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/capacity", "", Bearer("hotline-mitte"),
               {{"from", "2026-12-01"}, {"to", "2026-12-01"}}).status == 403);
  CHECK(f.Send("GET", "/v1/admin/offices/nowhere/evaluation/capacity", "", Bearer("admin-key"),
               {{"from", "2026-12-01"}, {"to", "2026-12-01"}}).status == 404);
  // The same-day buffer is planned but not offered ahead: 25 % of 720 minutes.
  auto catalog = api::LoadCatalogFile("data/test-city.json");
  REQUIRE(catalog.ok());
  api::OfficeInfo buffered = *catalog->FindOffice("test-mitte");
  buffered.schedule.rules.same_day_buffer_percent = 25;
  auto cap = api::BuildFigure("capacity", buffered, {}, *ParseDate("2026-12-01"), *ParseDate("2026-12-01"),
                              api::EvalPeriod::kDay, *ParseDate("2026-12-01"));
  REQUIRE(cap.ok());
  REQUIRE(cap->rows.size() == 3);
  CHECK(cap->rows[0][2].integer == 720);
  CHECK(cap->rows[0][3].integer == 540);
  // A decimal comma.
  api::EvalTable t;
  t.columns = {"a", "b"};
  t.rows.push_back({api::EvalCell::Text("x;y"), api::EvalCell::Decimal(0.25)});
  CHECK(api::EvalTableToCsv(t) == "\xEF\xBB\xBF" "a;b\r\n\"x;y\";0,25\r\n");
}

TEST_CASE("evaluation: visits an office change cancels count as cancelled, on both stores") {
  for (bool redis : {false, true}) {
    CAPTURE(redis);
    Fixture f(redis, api::ToTimePoint(*ParseInstant("2026-12-01T06:00:00Z")));
    auto made = f.Send("POST", "/v1/hotline/appointments",
                       "{\"office\":\"test-mitte\",\"services\":[\"lang\"],\"start\":\"2026-12-03T09:00:00+01:00\","
                       "\"contact\":{\"name\":\"Erika Closure\",\"phone\":\"+49 711 999001\"}}",
                       Bearer("hotline-mitte"));
    REQUIRE_MESSAGE(made.status == 201, made.body);
    auto doc = f.Send("GET", "/v1/admin/offices/test-mitte", "", Bearer("admin-key"));
    REQUIRE(doc.status == 200);
    std::string body = doc.body;
    const std::string none = "\"closures\":[]";
    auto at = body.find(none);
    REQUIRE(at != std::string::npos);
    body.replace(at, none.size(), "\"closures\":[{\"date\":\"2026-12-03\",\"reason\":\"Betriebsausflug\"}]");
    auto put = f.Send("PUT", "/v1/admin/offices/test-mitte", body, Bearer("admin-key"),
                      {{"cancel_conflicting", "true"}});
    REQUIRE_MESSAGE(put.status == 200, put.body);
    auto b = f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/bookings", "", Bearer("admin-key"),
                    {{"from", "2026-12-03"}, {"to", "2026-12-03"}});
    auto d = Json(b);
    REQUIRE(d["rows"].Size() == 1);
    CHECK(d["rows"][0][3].GetInt() == 1);  // booked
    CHECK(d["rows"][0][5].GetInt() == 0);  // due: none left
    CHECK(d["rows"][0][6].GetInt() == 1);  // cancelled
    CHECK(d["rows"][0][9].GetInt() == 1);  // 50 h before the start: under 72 h
  }
}

// A day's plan is kept as it was (the capacity snapshot of the day's first
// hourly sample): closing desk c later changes the days from then on, not
// the past day, on both stores.
TEST_CASE("evaluation: a change of desks does not rewrite a past day's capacity") {
  for (bool redis : {false, true}) {
    CAPTURE(redis);
    Fixture f(redis, api::ToTimePoint(*ParseInstant("2026-12-01T06:00:00Z")));
    REQUIRE(f.app->SampleLeadTimes().ok());
    f.clock->Set(api::ToTimePoint(*ParseInstant("2026-12-01T07:00:00Z")));
    REQUIRE(f.app->SampleLeadTimes().ok());  // a second sample of the day keeps the first plan
    auto doc = f.Send("GET", "/v1/admin/offices/test-mitte", "", Bearer("admin-key"));
    REQUIRE(doc.status == 200);
    std::string body = doc.body;
    auto at = body.find(",{\"id\":\"c\"");  // the last desk
    auto end = body.find("],\"closures\"");
    REQUIRE_MESSAGE((at != std::string::npos && end > at), body);
    body.erase(at, end - at);
    auto put = f.Send("PUT", "/v1/admin/offices/test-mitte", body, Bearer("admin-key"));
    REQUIRE_MESSAGE(put.status == 200, put.body);
    f.clock->Set(api::ToTimePoint(*ParseInstant("2026-12-03T06:00:00Z")));
    REQUIRE(f.app->SampleLeadTimes().ok());
    auto r = f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/capacity", "", Bearer("admin-key"),
                    {{"from", "2026-12-01"}, {"to", "2026-12-03"}, {"period", "day"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    std::map<std::string, std::int64_t> planned;  // "day desk" -> planned minutes
    const rapidjson::Document answer = Json(r);  // kept alive over the loop
    for (const auto& row : answer["rows"].GetArray()) {
      planned[std::string(row[0].GetString()) + " " + row[1].GetString()] = row[2].GetInt64();
      CHECK(row[3].GetInt64() == row[2].GetInt64());  // no same-day buffer here
    }
    // 12-01: three desks as planned that day; 12-02 (no sample, past):
    // today's configuration; 12-03 (today): the configuration now.
    CHECK(planned == std::map<std::string, std::int64_t>{{"2026-12-01 a", 720}, {"2026-12-01 b", 720},
                                                         {"2026-12-01 c", 720}, {"2026-12-02 a", 720},
                                                         {"2026-12-02 b", 720}, {"2026-12-03 a", 720},
                                                         {"2026-12-03 b", 720}});
  }
}

TEST_CASE("evaluation: the lead-time sample runs once per hour across replicas") {
  Fixture f(false, api::ToTimePoint(*ParseInstant("2026-12-01T06:00:00Z")));
  auto first = f.app->SampleLeadTimes();
  REQUIRE(first.ok());
  CHECK(*first);
  auto again = f.app->SampleLeadTimes();  // the same hour: another replica, or a second tick
  REQUIRE(again.ok());
  CHECK_FALSE(*again);
  f.clock->Set(api::ToTimePoint(*ParseInstant("2026-12-01T07:00:00Z")));
  REQUIRE(f.app->SampleLeadTimes().ok());
  auto r = f.Send("GET", "/v1/admin/offices/test-mitte/evaluation/next_free", "", Bearer("admin-key"),
                  {{"from", "2026-12-01"}, {"to", "2026-12-01"}, {"period", "day"}});
  REQUIRE(r.status == 200);
  auto d = Json(r);
  REQUIRE(d["rows"].Size() == 3);  // kurz, lang, selten
  for (const auto& row : d["rows"].GetArray()) {
    CHECK(row[2].GetInt() == 2);  // two hours sampled
    CHECK(row[3].GetInt() == 0);  // something free each time
    CHECK(row[4].GetInt() == 0);  // today
  }
}

TEST_CASE("evaluation: the audit log names keys, routes and references, never contact data") {
  Fixture f(false, api::ToTimePoint(*ParseInstant("2026-12-01T06:00:00Z")));
  auto made = f.Send("POST", "/v1/hotline/appointments",
                     "{\"office\":\"test-mitte\",\"services\":[\"kurz\"],\"start\":\"2026-12-01T09:00:00+01:00\","
                     "\"contact\":{\"name\":\"Erika Audit\",\"phone\":\"+49 711 999000\"}}",
                     Bearer("hotline-mitte"));
  REQUIRE(made.status == 201);
  const std::string ref = Str(made, "reference");
  REQUIRE(f.Send("GET", "/v1/hotline/appointments/" + ref, "", Bearer("hotline-mitte")).status == 200);
  REQUIRE(f.Send("POST", "/v1/hotline/appointments/" + ref + "/cancel", "", Bearer("hotline-mitte")).status == 200);
  REQUIRE(f.Send("POST", "/v1/desk/a/open", "", Bearer("desk-mitte")).status == 200);
  // Public calls and unknown keys leave no line.
  REQUIRE(f.Send("GET", "/v1/offices").status == 200);
  REQUIRE(f.Send("POST", "/v1/desk/a/open", "", Bearer("wrong")).status == 401);
  auto log = f.Send("GET", "/v1/admin/audit", "", Bearer("admin-key"), {{"office", "test-mitte"}});
  REQUIRE_MESSAGE(log.status == 200, log.body);
  CHECK(log.body.find("Erika") == std::string::npos);
  CHECK(log.body.find("999000") == std::string::npos);
  CHECK(log.body.find("hotline-mitte") == std::string::npos);  // the key itself never
  auto d = Json(log);
  REQUIRE(d["entries"].Size() == 4);
  const auto& e = d["entries"];
  CHECK(std::string(e[0]["action"].GetString()) == "POST /v1/hotline/appointments");
  CHECK(std::string(e[0]["reference"].GetString()) == ref);
  CHECK(std::string(e[0]["key"].GetString()) == "hotline");
  CHECK(e[0]["status"].GetInt() == 201);
  CHECK(std::string(e[1]["action"].GetString()) == "GET /v1/hotline/appointments/{reference}");
  CHECK(std::string(e[2]["action"].GetString()) == "POST /v1/hotline/appointments/{reference}/cancel");
  CHECK(std::string(e[3]["action"].GetString()) == "POST /v1/desk/{deskId}/open");
  CHECK(std::string(e[3]["target"].GetString()) == "a");
  CHECK(std::string(e[3]["role"].GetString()) == "desk");
  // Kept for the configured time: a line older than the retention is gone.
  f.clock->Set(api::ToTimePoint(*ParseInstant("2027-12-05T06:00:00Z")));
  REQUIRE(f.Send("POST", "/v1/desk/a/open", "", Bearer("desk-mitte")).status == 200);
  auto later = f.Send("GET", "/v1/admin/audit", "", Bearer("admin-key"),
                      {{"office", "test-mitte"}, {"from", "2026-01-01T00:00:00Z"}});
  REQUIRE(later.status == 200);
  CHECK(Json(later)["entries"].Size() == 1);
  // Reading the log is in the city-wide log (the read of 2026 is past the retention).
  auto city = f.Send("GET", "/v1/admin/audit", "", Bearer("admin-key"), {{"office", "*"}});
  REQUIRE(Json(city)["entries"].Size() == 1);
  CHECK(std::string(Json(city)["entries"][0]["action"].GetString()) == "GET /v1/admin/audit");
}

}  // namespace termin::service
