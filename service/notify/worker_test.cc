// The notification worker: pure parts (backoff, decisions, templates, SMS
// length, MIME) and the worker end to end in this process, against a real
// redis-server, the SMTP sink (tests/worker/smtp_sink.py) and an HTTP SMS
// sink, with a ManualClock so that reminders fall due when the test says.
#include "service/notify/worker.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <date/date.h>
#include <date/tz.h>

#include <map>
#include <regex>
#include <set>

#include "api/domain/waitlist.h"
#include "api/security/secrets.h"
#include "service/memory/job_queue_memory.h"
#include "service/redis/job_queue_redis.h"
#include "service/notify/mail_message.h"
#include "service/memory/memory_store.h"
#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"
#include "service/notify/sms_text.h"
#include "service/notify/worker_test_servers.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using api::AppointmentStatus;
using api::JobType;
using api::OutboxJob;

constexpr const char* kSinkScript = "tests/worker/smtp_sink.py";
constexpr const char* kTemplates = "service/templates";
constexpr const char* kSmsSecret = "test-sms-secret";

const api::Catalog& TestCity() {
  static api::Catalog c = [] {
    auto r = api::LoadCatalogFile("data/test-city.json");
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return std::move(r).value();
  }();
  return c;
}

const api::Catalog& DemoCity() {
  static api::Catalog c = [] {
    auto r = api::LoadCatalogFile("data/demo-city.json");
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return std::move(r).value();
  }();
  return c;
}

const TemplateSet& Templates() {
  static TemplateSet t = [] {
    auto r = TemplateSet::Load(kTemplates);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return std::move(r).value();
  }();
  return t;
}

constexpr JobType kAllTypes[] = {JobType::kConfirmation, JobType::kReminder, JobType::kMoved,
                                 JobType::kCancelled, JobType::kCancelledByOffice, JobType::kOptIn};

// 2030-07-02 10:00 in Europe/Berlin (summer time, UTC+2) = 08:00 UTC.
Instant VisitStart() {
  return date::sys_days{date::year{2030} / 7 / 2} + std::chrono::hours(8) + Minutes(0);
}

api::AppointmentRecord Appointment(const std::string& ref, const std::string& office,
                                   Instant start, const std::string& lang = "de") {
  api::AppointmentRecord a;
  a.reference = ref;
  a.secret_hash = "h";
  a.booking.office_id = office;
  a.booking.desk_id = "a";
  a.booking.services = {"kurz"};
  a.booking.start = start;
  a.booking.end = start + Minutes(15);
  a.booking.claim_end = a.booking.end;
  a.contact.name = "Erika Mustermann";
  a.contact.email = "erika@example.org";
  a.contact.phone = "+4917612345678";
  a.contact.language = lang;
  a.contact.reminders = true;
  return a;
}

// ---------------------------------------------------------------- pure parts

TEST_CASE("worker: backoff doubles up to the cap, with jitter in [d/2, d]") {
  CHECK(BackoffDelay(1, 1000ms, 60000ms, 0.0) == 500ms);
  CHECK(BackoffDelay(1, 1000ms, 60000ms, 0.999999) <= 1000ms);
  CHECK(BackoffDelay(2, 1000ms, 60000ms, 0.0) == 1000ms);
  CHECK(BackoffDelay(3, 1000ms, 60000ms, 0.0) == 2000ms);
  CHECK(BackoffDelay(7, 1000ms, 60000ms, 0.0) == 30000ms);  // 64 s capped to 60 s, halved
  CHECK(BackoffDelay(1000, 1000ms, 60000ms, 1.0) == 60000ms);  // no overflow
  for (int attempt = 1; attempt < 12; ++attempt) {
    for (double u : {0.0, 0.3, 0.7, 0.99}) {
      auto d = BackoffDelay(attempt, 200ms, 5000ms, u);
      CHECK(d >= 100ms);
      CHECK(d <= 5000ms);
    }
  }
}

TEST_CASE("worker: what is sent is decided against the appointment as it is now") {
  const api::OfficeInfo& office = *TestCity().FindOffice("test-mitte");
  REQUIRE(office.reminder_offsets == std::vector<Minutes>{Minutes(1440), Minutes(120)});
  api::AppointmentRecord a = Appointment("DCDE-0001", "test-mitte", VisitStart());
  api::TimePoint start = api::ToTimePoint(a.booking.start);
  api::TimePoint now = start - 30h;
  OutboxJob day_before{JobType::kReminder, a.reference, start - 24h};
  OutboxJob two_hours{JobType::kReminder, a.reference, start - 2h};
  CHECK(Decide(day_before, a, office, start - 24h).send);
  CHECK(Decide(two_hours, a, office, start - 2h).send);
  // Late (every worker was down), but the visit is still ahead: sent.
  CHECK(Decide(day_before, a, office, start - 1min).send);
  CHECK(Decide(day_before, a, office, start).reason == "visit_passed");
  // Made for another start (the visit was moved since): dropped.
  api::AppointmentRecord moved = a;
  moved.booking.start += Minutes(30);
  CHECK(Decide(day_before, moved, office, now).reason == "stale_reminder");
  api::AppointmentRecord cancelled = a;
  cancelled.status = AppointmentStatus::kCancelled;
  CHECK(Decide(day_before, cancelled, office, now).reason == "not_booked");
  CHECK(Decide({JobType::kConfirmation, a.reference, now}, cancelled, office, now).reason == "not_booked");
  CHECK(Decide({JobType::kCancelled, a.reference, now}, cancelled, office, now).send);
  CHECK(Decide({JobType::kCancelledByOffice, a.reference, now}, cancelled, office, now).send);
  CHECK(Decide({JobType::kCancelled, a.reference, now}, a, office, now).reason == "not_cancelled");
  api::AppointmentRecord no_consent = a;
  no_consent.contact.reminders = false;
  CHECK(Decide(day_before, no_consent, office, now).reason == "no_consent");
  CHECK(Decide({JobType::kConfirmation, a.reference, now}, no_consent, office, now).send);
  api::AppointmentRecord erased = a;
  erased.contact_erased = true;
  CHECK(Decide({JobType::kConfirmation, a.reference, now}, erased, office, now).reason == "contact_erased");
  api::AppointmentRecord checked_in = a;
  checked_in.status = AppointmentStatus::kCheckedIn;
  CHECK(Decide({JobType::kMoved, a.reference, now}, checked_in, office, now).reason == "not_booked");
}

TEST_CASE("worker: template rendering refuses unknown placeholders and escapes HTML") {
  Placeholders p{{"name", "<b>&"}};
  CHECK(*RenderTemplate("Hallo {{name}}!", p, false) == "Hallo <b>&!");
  CHECK(*RenderTemplate("Hallo {{name}}!", p, true) == "Hallo &lt;b&gt;&amp;!");
  CHECK(RenderTemplate("{{nme}}", p, false).status().code() == StatusCode::kInvalidArgument);
  CHECK(RenderTemplate("{{name", p, false).status().code() == StatusCode::kInvalidArgument);
  CHECK(TemplateSet::Load("/nonexistent").status().code() == StatusCode::kNotFound);
}

TEST_CASE("worker: every template renders in both languages, with every placeholder known") {
  const api::Catalog& city = DemoCity();
  for (const api::OfficeInfo& office : city.offices) {
    for (JobType type : kAllTypes) {
      for (const char* lang : {"de", "en"}) {
        CAPTURE(office.id);
        CAPTURE(JobKindName(type));
        CAPTURE(lang);
        api::AppointmentRecord a = Appointment("K7QM-4XPR", office.id, VisitStart(), lang);
        a.booking.services = {city.services[0].id};
        if (type == JobType::kCancelled || type == JobType::kCancelledByOffice) {
          a.status = AppointmentStatus::kCancelled;
        }
        OutboxJob job{type, a.reference, api::ToTimePoint(VisitStart()) - 24h};
        auto n = ComposeNotification(Templates(), job, a, office, city, ComposeOptions{},
                                     api::ToTimePoint(VisitStart()) - 48h);
        REQUIRE_MESSAGE(n.ok(), n.status().message());
        CHECK(n->subject.find("K7QM-4XPR") != std::string::npos);
        CHECK(n->text.find("K7QM-4XPR") != std::string::npos);
        CHECK(n->html.find("K7QM-4XPR") != std::string::npos);
        CHECK(n->sms.find("K7QM-4XPR") != std::string::npos);
        CHECK(n->text.find("{{") == std::string::npos);
        CHECK(n->html.find("{{") == std::string::npos);
        CHECK(n->language == lang);
        CHECK(n->text.find("10:00") != std::string::npos);  // Berlin summer time
        CHECK(n->ics.empty() == (type == JobType::kReminder || type == JobType::kOptIn));
      }
    }
  }
}

TEST_CASE("worker: every SMS fits one GSM-7 SMS, with the longest office name") {
  const api::Catalog& city = DemoCity();
  const api::OfficeInfo* longest = &city.offices[0];
  for (const auto& o : city.offices) {
    if (o.name.size() > longest->name.size()) longest = &o;
  }
  api::OfficeInfo huge = *longest;
  huge.name = std::string(200, 'W');  // the format's maximum name length
  for (const api::OfficeInfo* office : {longest, static_cast<const api::OfficeInfo*>(&huge)}) {
    for (JobType type : kAllTypes) {
      for (const char* lang : {"de", "en"}) {
        CAPTURE(office->name);
        CAPTURE(JobKindName(type));
        CAPTURE(lang);
        // The longest date: a two-digit day and month, "Mittwoch"-long weekday.
        Instant start = date::sys_days{date::year{2030} / 12 / 18} + std::chrono::hours(15);
        api::AppointmentRecord a = Appointment("WWWW-WWWW", office->id, start, lang);
        OutboxJob job{type, a.reference, api::ToTimePoint(start) - 2h};
        auto n = ComposeNotification(Templates(), job, a, *office, city, ComposeOptions{},
                                     api::ToTimePoint(start) - 48h);
        REQUIRE_MESSAGE(n.ok(), n.status().message());
        auto len = Gsm7Length(n->sms);
        REQUIRE(len.has_value());
        CHECK(*len <= kSmsMaxSeptets);
        if (office == longest) {
          // A real office name is never shortened.
          CHECK(n->sms.find(longest->name) != std::string::npos);
        }
      }
    }
  }
}

TEST_CASE("worker: a waitlist offer names the place, the offer's end and the offer page's link with its token") {
  const api::Catalog& city = DemoCity();
  const api::OfficeInfo* longest = &city.offices[0];
  for (const auto& o : city.offices) {
    if (o.id.size() > longest->id.size()) longest = &o;
  }
  for (const char* lang : {"de", "en"}) {
    CAPTURE(lang);
    // The longest hold id of the demo city: "<office>.<16 random>-o".
    const std::string hold_id = longest->id + ".AbCdEfGhIjKlMnOp-o";
    api::AppointmentRecord a = Appointment(hold_id, longest->id, VisitStart(), lang);
    a.booking.services = {city.services[0].id};
    a.secret_hash.clear();
    a.closed_at = api::ToTimePoint(VisitStart()) - 22h;  // the offer lapses 12:00 local, two days before
    ComposeOptions options;
    options.offer_key = "offer-key-for-the-test";
    OutboxJob job{JobType::kWaitlistOffer, hold_id, api::ToTimePoint(VisitStart()) - 24h};
    auto n = ComposeNotification(Templates(), job, a, *longest, city, options,
                                 api::ToTimePoint(VisitStart()) - 24h);
    REQUIRE_MESSAGE(n.ok(), n.status().message());
    const std::string link = "#o=" + hold_id + "&t=" + api::OfferLinkToken(options.offer_key, hold_id);
    CHECK(n->text.find(link) != std::string::npos);
    CHECK(n->sms.find(link) != std::string::npos);
    CHECK(n->text.find("12:00") != std::string::npos);  // the offer's end
    CHECK(n->text.find("10:00") != std::string::npos);  // the visit
    CHECK(n->text.find("{{") == std::string::npos);
    CHECK(n->html.find("{{") == std::string::npos);
    CHECK(n->ics.empty());
    CHECK(n->qr_png.empty());
    auto len = Gsm7Length(n->sms);
    REQUIRE(len.has_value());
    CHECK(*len <= kSmsMaxSeptets);
  }
}

TEST_CASE("worker: an SMS whose link cannot be shortened takes two parts, or is left out; the e-mail keeps it") {
  const api::Catalog& city = DemoCity();
  const api::OfficeInfo& office = city.offices[0];
  const std::string hold_id = office.id + ".AbCdEfGhIjKlMnOp-o";
  api::AppointmentRecord a = Appointment(hold_id, office.id, VisitStart(), "de");
  a.booking.services = {city.services[0].id};
  a.secret_hash.clear();
  a.closed_at = api::ToTimePoint(VisitStart()) - 22h;
  OutboxJob job{JobType::kWaitlistOffer, hold_id, api::ToTimePoint(VisitStart()) - 24h};
  ComposeOptions options;
  options.offer_key = "offer-key-for-the-test";
  const std::string token = api::OfferLinkToken(options.offer_key, hold_id);
  // A city portal's deep path: the link alone is longer than one SMS.
  options.base_url = "https://www.stadt-musterstadt.de/buergerservice/online-dienste/termine";
  auto two = ComposeNotification(Templates(), job, a, office, city, options, api::ToTimePoint(VisitStart()) - 24h);
  REQUIRE_MESSAGE(two.ok(), two.status().message());
  auto len = Gsm7Length(two->sms);
  REQUIRE(len.has_value());
  CHECK(*len > kSmsMaxSeptets);
  CHECK(*len <= kSmsLongMaxSeptets);
  CHECK(two->sms.find(options.base_url + "/offer#o=" + hold_id + "&t=" + token) != std::string::npos);
  // Longer than two parts: no SMS, but the message is made and the e-mail
  // carries the link.
  options.base_url = "https://termine.example.de/" + std::string(300, 'x');
  auto none = ComposeNotification(Templates(), job, a, office, city, options, api::ToTimePoint(VisitStart()) - 24h);
  REQUIRE_MESSAGE(none.ok(), none.status().message());
  CHECK(none->sms.empty());
  CHECK(none->text.find(options.base_url + "/offer#o=" + hold_id + "&t=" + token) != std::string::npos);
}

TEST_CASE("worker: GSM-7 lengths") {
  CHECK(Gsm7Length("Hallo") == 5u);
  CHECK(Gsm7Length("Bürgeramt Straße") == 16u);
  CHECK(Gsm7Length("€[]") == 6u);
  CHECK(!Gsm7Length("Łódź").has_value());
  CHECK(ToGsm7("Łódź – Čr ✓") == "Lodz - Cr ?");
  CHECK(!Gsm7Length("\xff").has_value());
  CHECK(TruncateGsm7("Bürgeramt", 2) == "Bü");
}

TEST_CASE("worker: the e-mail is multipart with text, HTML and the .ics, and a stable Message-ID") {
  Notification n;
  n.message_id = "confirmation.123.K7QM-4XPR@termin.example";
  n.language = "de";
  n.subject = "Terminbestätigung für Jürgen mit einem sehr langen Betreff, der umbrochen wird";
  n.text = "Text";
  n.html = "<p>HTML</p>";
  n.ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
  std::string m = BuildMailMessage(n, "termine@example.de", "erika@example.org", api::TimePoint{});
  CHECK(m.find("Message-ID: <confirmation.123.K7QM-4XPR@termin.example>\r\n") != std::string::npos);
  CHECK(m.find("multipart/mixed") != std::string::npos);
  CHECK(m.find("multipart/alternative") != std::string::npos);
  CHECK(m.find("text/calendar; charset=utf-8; method=PUBLISH") != std::string::npos);
  n.ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n";
  CHECK(BuildMailMessage(n, "termine@example.de", "erika@example.org", api::TimePoint{})
            .find("text/calendar; charset=utf-8; method=CANCEL;") != std::string::npos);
  n.ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
  CHECK(m.find("Subject: =?UTF-8?B?") != std::string::npos);
  CHECK(m.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n") != std::string::npos);
  std::size_t pos = 0;
  while (pos < m.size()) {
    std::size_t eol = m.find("\r\n", pos);
    REQUIRE(eol != std::string::npos);
    CHECK(eol - pos <= 78);
    pos = eol + 2;
  }
  CHECK(EncodeHeaderText("plain ascii") == "plain ascii");
  n.ics.clear();
  CHECK(BuildMailMessage(n, "a@b.c", "d@e.f", api::TimePoint{}).find("text/calendar") == std::string::npos);
}

// ---------------------------------------------------------------- end to end

RedisTestServer& WorkerRedis() {
  static std::unique_ptr<RedisTestServer> server = [] {
    auto s = RedisTestServer::Start();
    REQUIRE_MESSAGE(s.ok(), s.status().message());
    return std::move(s).value();
  }();
  return *server;
}

// One worker on a fresh key prefix, with its sinks and a clock the test moves.
struct Rig {
  std::shared_ptr<api::ManualClock> clock;
  std::shared_ptr<api::Store> store;
  std::shared_ptr<JobQueue> queue;
  std::unique_ptr<SmtpTestSink> smtp;
  std::unique_ptr<SmsTestSink> sms;
  std::shared_ptr<WorkerMetrics> metrics;
  std::unique_ptr<Worker> worker;

  explicit Rig(WorkerOptions options = {}) {
    static std::atomic<int> counter{0};
    clock = std::make_shared<api::ManualClock>(api::ToTimePoint(VisitStart()) - 72h);
    RedisOptions o;
    o.port = WorkerRedis().port();
    o.key_prefix = "w" + std::to_string(counter++) + ":";
    auto s = RedisStore::Connect(o, clock);
    REQUIRE_MESSAGE(s.ok(), s.status().message());
    store = std::move(s).value();
    auto q = RedisJobQueue::Connect(o);
    REQUIRE(q.ok());
    queue = std::move(q).value();
    auto sink = SmtpTestSink::Start(kSinkScript);
    REQUIRE_MESSAGE(sink.ok(), sink.status().message());
    smtp = std::move(sink).value();
    auto smsink = SmsTestSink::Start(kSmsSecret);
    REQUIRE(smsink.ok());
    sms = std::move(smsink).value();
    metrics = std::make_shared<WorkerMetrics>();
    SmtpOptions so;
    so.url = smtp->url();
    so.starttls = "none";
    so.timeout = 2000ms;
    auto mailer = SmtpMailer::Create(so);
    REQUIRE(mailer.ok());
    auto gw = HttpSmsGateway::Create(SmsOptions{sms->url(), kSmsSecret, 2000ms}, clock);
    REQUIRE(gw.ok());
    WorkerDeps d;
    d.store = store;
    d.queue = queue;
    d.clock = clock;
    d.catalog = std::shared_ptr<const api::Catalog>(&TestCity(), [](const api::Catalog*) {});
    d.templates = std::shared_ptr<const TemplateSet>(&Templates(), [](const TemplateSet*) {});
    d.mail = std::move(mailer).value();
    d.sms = std::move(gw).value();
    d.metrics = metrics;
    options.backoff_base = 1000ms;
    options.backoff_max = 8000ms;
    worker = std::make_unique<Worker>(d, options);
  }

  // What the booking step writes: the appointment and, in the same step, its
  // confirmation and reminders (as api/domain/booking.cc's JobsFor does).
  api::AppointmentRecord Book(const std::string& ref, Instant start, const std::string& lang = "de",
                              const std::string& email = "erika@example.org") {
    api::AppointmentRecord a = Appointment(ref, "test-mitte", start, lang);
    a.contact.email = email;
    std::vector<OutboxJob> jobs{{JobType::kConfirmation, ref, clock->Now()}};
    for (Minutes m : TestCity().FindOffice("test-mitte")->reminder_offsets) {
      api::TimePoint due = api::ToTimePoint(start - m);
      if (due > clock->Now()) jobs.push_back({JobType::kReminder, ref, due});
    }
    auto r = store->CreateAppointment(a, "", jobs);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return *r;
  }

  // Runs batches until one claims nothing (bounded).
  BatchResult Drain() {
    BatchResult total;
    for (int i = 0; i < 50; ++i) {
      auto r = worker->RunOnce();
      REQUIRE_MESSAGE(r.ok(), r.status().message());
      total.claimed += r->claimed;
      total.sent += r->sent;
      total.skipped += r->skipped;
      total.retried += r->retried;
      total.buried += r->buried;
      if (r->claimed == 0) break;
    }
    return total;
  }
};

std::map<std::string, int> CountBySubjectWord(const std::vector<SinkMail>& mails, const std::string& word) {
  std::map<std::string, int> out;
  for (const auto& m : mails) {
    if (m.subject.find(word) != std::string::npos) ++out[m.message_id];
  }
  return out;
}

// DTSTART/DTEND of an .ics, as UTC.
std::optional<std::chrono::sys_seconds> IcsTime(const std::string& ics, const std::string& name) {
  std::smatch m;
  std::regex re(name + ":(\\d{8}T\\d{6})Z");
  if (!std::regex_search(ics, m, re)) return std::nullopt;
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (std::sscanf(m[1].str().c_str(), "%4d%2u%2uT%2u%2u%2u", &y, &mo, &d, &h, &mi, &se) != 6) {
    return std::nullopt;
  }
  return std::chrono::sys_seconds(date::sys_days{date::year{y} / date::month{mo} / date::day{d}}) +
         std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(se);
}

TEST_CASE("worker e2e: a booking's confirmation arrives by e-mail and SMS with the right content") {
  WorkerOptions with_key;
  with_key.compose.link_key = "worker-test-link-key-0123456789abcdef";
  Rig rig(with_key);
  api::AppointmentRecord a = rig.Book("CONF-E2E1", VisitStart());
  // The manage link: the page, the reference and a token from the secret's
  // hash (the worker never sees the secret), in the fragment.
  const std::string link = "https://termine.example.de/manage#ref=CONF-E2E1&secret=" +
                           api::ManageLinkToken(with_key.compose.link_key, "CONF-E2E1", a.secret_hash) +
                           "&lang=de";
  BatchResult r = rig.Drain();
  CHECK(r.sent == 1);
  auto mails = rig.smtp->WaitFor(1, 5s);
  REQUIRE(mails.size() == 1);
  const SinkMail& m = mails[0];
  CHECK(m.to == std::vector<std::string>{"erika@example.org"});
  CHECK(m.from == "termine@example.de");
  CHECK(m.message_id.find("confirmation.") != std::string::npos);
  CHECK(m.message_id.find("CONF-E2E1@termin.example") != std::string::npos);
  CHECK(m.subject.find("Terminbestätigung CONF-E2E1") != std::string::npos);
  CHECK(m.subject.find("Dienstag, 2. Juli 2030, 10:00 Uhr") != std::string::npos);
  CHECK(m.text.find("Testamt Mitte") != std::string::npos);
  CHECK(m.text.find("10:00 bis 10:15 Uhr") != std::string::npos);
  CHECK_MESSAGE(m.text.find(link) != std::string::npos, m.text);
  std::string html_link = std::regex_replace(link, std::regex("&"), "&amp;");
  CHECK_MESSAGE(m.html.find("<a href=\"" + html_link + "\">") != std::string::npos, m.html);
  CHECK(m.text.find("/appointments/") == std::string::npos);
  CHECK(m.ics_filename == "termin.ics");
  // The reference as a QR code for the kiosk's scanner: an inline PNG that
  // the HTML shows, with a text alternative.
  CHECK_MESSAGE(m.png_cids.find("qr.") == 0, m.png_cids);
  CHECK(m.png_cids.find("not a PNG") == std::string::npos);
  CHECK(m.html.find("<img src=\"cid:" + m.png_cids + "\"") != std::string::npos);
  CHECK(m.html.find("alt=\"QR-Code Ihrer Buchungsnummer CONF-E2E1") != std::string::npos);
  // The .ics parses back to the visit: 10:00-10:15 in Europe/Berlin.
  auto start = IcsTime(m.ics, "DTSTART");
  auto end = IcsTime(m.ics, "DTEND");
  REQUIRE(start.has_value());
  REQUIRE(end.has_value());
  const date::time_zone* berlin = date::locate_zone("Europe/Berlin");
  CHECK(date::format("%F %H:%M", date::make_zoned(berlin, *start).get_local_time()) == "2030-07-02 10:00");
  CHECK(date::format("%F %H:%M", date::make_zoned(berlin, *end).get_local_time()) == "2030-07-02 10:15");
  CHECK(m.ics.find("UID:CONF-E2E1@") != std::string::npos);
  auto sms = rig.sms->WaitFor(1, 5s);
  REQUIRE(sms.size() == 1);
  CHECK(sms[0].to == "+4917612345678");
  CHECK("<" + sms[0].id + ">" == m.message_id);
  CHECK(sms[0].text.find("CONF-E2E1") != std::string::npos);
  CHECK(rig.sms->bad_signatures() == 0);
  CHECK(rig.metrics->SentCount("email") == 1);
  CHECK(rig.metrics->SentCount("sms") == 1);
  // Nothing else is due yet: the reminders wait for their time.
  CHECK(rig.Drain().claimed == 0);
  CHECK(rig.smtp->Messages().size() == 1);
}

TEST_CASE("worker e2e: an SMS that fits no two parts is left out; the e-mail goes and the job is done") {
  WorkerOptions long_url;
  long_url.compose.link_key = "worker-test-link-key-0123456789abcdef";
  long_url.compose.base_url = "https://termine.example.de/" + std::string(300, 'x');
  Rig rig(long_url);
  api::AppointmentRecord a = Appointment("OPTN-E2E1", "test-mitte", VisitStart(), "de");
  a.status = api::AppointmentStatus::kPreconfirmed;
  a.confirm_by = rig.clock->Now() + 30min;
  auto made = rig.store->CreateAppointment(a, "", {{JobType::kOptIn, a.reference, rig.clock->Now()}});
  REQUIRE_MESSAGE(made.ok(), made.status().message());
  BatchResult r = rig.Drain();
  CHECK(r.sent == 1);
  CHECK(r.buried == 0);
  auto mails = rig.smtp->WaitFor(1, 5s);
  REQUIRE(mails.size() == 1);
  CHECK(mails[0].text.find(long_url.compose.base_url + "/manage#ref=OPTN-E2E1") != std::string::npos);
  CHECK(rig.metrics->SentCount("email") == 1);
  CHECK(rig.metrics->SentCount("sms") == 0);
  CHECK(rig.sms->Messages().empty());
  // Done: nothing is retried.
  rig.clock->Advance(10min);
  CHECK(rig.Drain().claimed == 0);
}

TEST_CASE("worker e2e: an English booking gets English texts") {
  Rig rig;
  rig.Book("CONF-E2E2", VisitStart(), "en");
  rig.Drain();
  auto mails = rig.smtp->WaitFor(1, 5s);
  REQUIRE(mails.size() == 1);
  CHECK(mails[0].subject.find("Appointment confirmed CONF-E2E2: Tuesday, 2 July 2030, 10:00") != std::string::npos);
  CHECK(mails[0].text.find("Hello Erika Mustermann") != std::string::npos);
}

TEST_CASE("worker e2e: reminders arrive at their due time, not before") {
  Rig rig;
  rig.Book("REMI-E2E1", VisitStart());
  rig.Drain();
  REQUIRE(rig.smtp->WaitFor(1, 5s).size() == 1);
  api::TimePoint start = api::ToTimePoint(VisitStart());
  rig.clock->Set(start - 24h - 1s);
  CHECK(rig.Drain().claimed == 0);
  rig.clock->Set(start - 24h);
  CHECK(rig.Drain().sent == 1);
  auto mails = rig.smtp->WaitFor(2, 5s);
  REQUIRE(mails.size() == 2);
  CHECK(mails[1].subject.find("Erinnerung an Ihren Termin REMI-E2E1") != std::string::npos);
  CHECK(mails[1].ics.empty());
  rig.clock->Set(start - 2h - 1s);
  CHECK(rig.Drain().claimed == 0);
  rig.clock->Set(start - 2h);
  CHECK(rig.Drain().sent == 1);
  mails = rig.smtp->WaitFor(3, 5s);
  REQUIRE(mails.size() == 3);
  CHECK(mails[2].message_id != mails[1].message_id);
  CHECK(rig.sms->WaitFor(3, 5s).size() == 3);
}

TEST_CASE("worker e2e: a cancelled appointment gets its notice and no reminder") {
  Rig rig;
  rig.Book("CANC-E2E1", VisitStart());
  rig.Drain();
  REQUIRE(rig.smtp->WaitFor(1, 5s).size() == 1);
  auto c = rig.store->CancelAppointment("CANC-E2E1", "citizen",
                                        {{JobType::kCancelled, "CANC-E2E1", rig.clock->Now()}});
  REQUIRE(c.ok());
  rig.Drain();
  rig.clock->Set(api::ToTimePoint(VisitStart()) - 1min);  // both reminders are due now
  BatchResult r = rig.Drain();
  CHECK(r.skipped == 2);
  CHECK(r.sent == 0);
  auto mails = rig.smtp->WaitFor(2, 5s);
  REQUIRE(mails.size() == 2);
  CHECK(mails[1].subject.find("abgesagt") != std::string::npos);
  CHECK(CountBySubjectWord(mails, "Erinnerung").empty());
  CHECK(rig.smtp->Messages().size() == 2);
}

TEST_CASE("worker e2e: after a move only the reminders of the new time go out") {
  Rig rig;
  rig.Book("MOVE-E2E1", VisitStart());
  rig.Drain();
  api::Booking to = rig.store->GetAppointment("MOVE-E2E1")->booking;
  to.start += std::chrono::hours(3);
  to.end += std::chrono::hours(3);
  to.claim_end += std::chrono::hours(3);
  std::vector<OutboxJob> jobs{{JobType::kMoved, "MOVE-E2E1", rig.clock->Now()},
                              {JobType::kReminder, "MOVE-E2E1", api::ToTimePoint(to.start) - 24h},
                              {JobType::kReminder, "MOVE-E2E1", api::ToTimePoint(to.start) - 2h}};
  REQUIRE(rig.store->MoveAppointment("MOVE-E2E1", to, jobs).ok());
  rig.clock->Set(api::ToTimePoint(to.start) - 1h);  // all four reminders are due now
  BatchResult r = rig.Drain();
  CHECK(r.sent == 3);     // the move notice and the two new reminders (late, visit ahead)
  CHECK(r.skipped == 2);  // the two reminders of the old time
  auto mails = rig.smtp->WaitFor(4, 5s);
  CHECK(mails.size() == 4);
  CHECK(CountBySubjectWord(mails, "verschoben").size() == 1);
  for (const auto& m : mails) {
    if (m.subject.find("Erinnerung") != std::string::npos) {
      CHECK(m.subject.find("13:00 Uhr") != std::string::npos);
    }
  }
}

TEST_CASE("worker e2e: the SMTP server down for a while: everything arrives once it is back, once") {
  Rig rig;
  REQUIRE(rig.smtp->Stop().ok());
  for (int i = 0; i < 5; ++i) rig.Book("DOWN-000" + std::to_string(i), VisitStart() + Minutes(20 * i));
  BatchResult r = rig.Drain();
  CHECK(r.retried == 5);
  CHECK(rig.metrics->FailedCount("email") == 5);
  CHECK(rig.sms->Messages().size() == 5);  // the SMS went out meanwhile
  rig.clock->Advance(10s);                 // past every backoff of the first retry
  r = rig.Drain();
  CHECK(r.retried == 5);
  REQUIRE(rig.smtp->Restart().ok());
  rig.clock->Advance(30s);
  r = rig.Drain();
  CHECK(r.sent == 5);
  auto mails = rig.smtp->WaitFor(5, 5s);
  CHECK(mails.size() == 5);
  std::set<std::string> ids;
  for (const auto& m : mails) ids.insert(m.message_id);
  CHECK(ids.size() == 5);
  // The SMS channel was not repeated by the retries.
  CHECK(rig.sms->Messages().size() == 5);
  CHECK(rig.Drain().claimed == 0);
}

TEST_CASE("worker e2e: a refused mailbox is dead-lettered at once; an outage after max attempts") {
  WorkerOptions o;
  o.max_attempts = 3;
  Rig rig(o);
  rig.Book("DEAD-E2E1", VisitStart(), "de", "reject-me@example.org");
  BatchResult r = rig.Drain();
  // The SMS went out, the e-mail was refused for good: the job is done.
  CHECK(r.sent == 1);
  CHECK(rig.queue->ListDeadLetters(10)->empty());

  rig.sms->SetFailing(true);
  rig.Book("DEAD-E2E2", VisitStart() + Minutes(30), "de", "reject-me@example.org");
  r = rig.Drain();
  CHECK(r.retried == 1);  // SMS may pass: retry, the refused e-mail is not the reason
  rig.clock->Advance(10s);
  r = rig.Drain();
  CHECK(r.retried == 1);
  rig.clock->Advance(10s);
  r = rig.Drain();
  CHECK(r.buried == 1);  // the third attempt was the last
  auto dead = rig.queue->ListDeadLetters(10);
  REQUIRE(dead.ok());
  REQUIRE(dead->size() == 1);
  CHECK(dead->at(0).job.reference == "DEAD-E2E2");
  CHECK(dead->at(0).attempts == 3);
  CHECK(dead->at(0).error.find("503") != std::string::npos);
  CHECK(dead->at(0).error.find("example.org") == std::string::npos);  // no personal data
  // Requeued after the gateway is back: it goes out.
  rig.sms->SetFailing(false);
  REQUIRE(rig.queue->Requeue(dead->at(0).id, rig.clock->Now()).ok());
  r = rig.Drain();
  CHECK(r.sent == 1);
  CHECK(rig.sms->Messages().size() == 2);
}

TEST_CASE("worker e2e: the memory queue over the embedded store sends the same way") {
  auto clock = std::make_shared<api::ManualClock>(api::ToTimePoint(VisitStart()) - 72h);
  auto store = std::make_shared<MemoryStore>(clock);
  auto sink = SmtpTestSink::Start(kSinkScript);
  REQUIRE(sink.ok());
  SmtpOptions so;
  so.url = (*sink)->url();
  so.starttls = "none";
  WorkerDeps d;
  d.store = store;
  d.queue = std::make_shared<MemoryJobQueue>(store);
  d.clock = clock;
  d.catalog = std::shared_ptr<const api::Catalog>(&TestCity(), [](const api::Catalog*) {});
  d.templates = std::shared_ptr<const TemplateSet>(&Templates(), [](const TemplateSet*) {});
  d.mail = std::move(SmtpMailer::Create(so)).value();
  Worker w(d, WorkerOptions{});
  api::AppointmentRecord a = Appointment("MEMO-0001", "test-mitte", VisitStart());
  REQUIRE(store->CreateAppointment(a, "", {{JobType::kConfirmation, a.reference, clock->Now()}}).ok());
  auto r = w.RunOnce();
  REQUIRE(r.ok());
  CHECK(r->sent == 1);
  auto mails = (*sink)->WaitFor(1, 5s);
  REQUIRE(mails.size() == 1);
  CHECK(mails[0].subject.find("MEMO-0001") != std::string::npos);
}

TEST_CASE("worker e2e: metrics are served over HTTP") {
  Rig rig;
  rig.Book("METR-0001", VisitStart());
  rig.Drain();
  rig.worker->UpdateQueueMetrics();
  std::string text = rig.metrics->Render();
  CHECK(text.find("termin_worker_messages_sent_total{channel=\"email\"} 1") != std::string::npos);
  CHECK(text.find("termin_worker_queue_depth{state=\"waiting\"} 2") != std::string::npos);
  auto server = MetricsServer::Start(rig.metrics.get(), "127.0.0.1", 0);
  REQUIRE(server.ok());
  httplib::Client client("127.0.0.1", (*server)->port());
  client.set_read_timeout(2, 0);
  auto res = client.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("termin_worker_oldest_due_age_seconds") != std::string::npos);
  CHECK(res->body.find("termin_worker_messages_sent_total{channel=\"sms\"} 1") != std::string::npos);
}

}  // namespace
}  // namespace termin::service
