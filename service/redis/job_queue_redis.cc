#include "service/redis/job_queue_redis.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "api/security/secrets.h"
#include "service/redis/redis_records.h"

namespace termin::service {

namespace {

// Claim: first the jobs whose lease ran out (their worker is gone), then due
// jobs from the outbox, up to the limit. Every claimed member gets a new
// lease deadline and token, and its attempt count goes up by one: a claim
// whose worker crashed counts as an attempt, so a job that kills its worker
// every time still ends in the dead-letter set.
// KEYS: ob, run, lease, tries. ARGV: now_ms, deadline_ms, limit, token.
constexpr const char* kClaimScript = R"lua(
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[3])
local picked = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
if #picked < limit then
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit - #picked)
  for _, m in ipairs(due) do
    redis.call('ZREM', KEYS[1], m)
    picked[#picked + 1] = m
  end
end
local out = {}
for i, m in ipairs(picked) do
  redis.call('ZADD', KEYS[2], ARGV[2], m)
  local token = ARGV[4] .. '.' .. i
  redis.call('HSET', KEYS[3], m, token)
  local n = redis.call('HINCRBY', KEYS[4], m, 1)
  out[#out + 1] = m
  out[#out + 1] = token
  out[#out + 1] = tostring(n)
end
return out
)lua";

// Ack: forget a job whose lease is still ours. KEYS: run, lease, tries.
// ARGV: member, token.
constexpr const char* kAckScript = R"lua(
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
)lua";

// Retry: back into the outbox, scored by the next attempt time.
// KEYS: ob, run, lease. ARGV: member, token, at_ms.
constexpr const char* kRetryScript = R"lua(
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
)lua";

// Bury: into the dead-letter set (attempts kept for the admin view).
// KEYS: run, lease, dead, err. ARGV: member, token, now_ms, error.
constexpr const char* kBuryScript = R"lua(
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[4])
return 1
)lua";

// Requeue: a dead letter back into the outbox, attempts reset.
// KEYS: ob, dead, err, tries. ARGV: member, now_ms.
constexpr const char* kRequeueScript = R"lua(
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
)lua";

std::string Ms(api::TimePoint t) { return std::to_string(t.time_since_epoch().count()); }

std::string MemberOf(const std::string& seq, const api::OutboxJob& job) {
  return seq + ":" + std::to_string(static_cast<int>(job.type)) + ":" + Ms(job.due) + ":" +
         job.reference;
}

std::string SeqOf(std::string_view member) { return std::string(member.substr(0, member.find(':'))); }

Status ReplyError(const Result<RedisReply>& r, const char* what) {
  if (!r.ok()) return r.status();
  if ((*r)->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(**r, what);
  return Status::Ok();
}

std::vector<std::string> Strings(const redisReply& r) {
  std::vector<std::string> out;
  if (r.type != REDIS_REPLY_ARRAY) return out;
  for (std::size_t i = 0; i < r.elements; ++i) {
    const redisReply* e = r.element[i];
    if (e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS) {
      out.emplace_back(e->str, e->len);
    }
  }
  return out;
}

long long Int(const redisReply& r) {
  if (r.type == REDIS_REPLY_INTEGER) return r.integer;
  if (r.type == REDIS_REPLY_STRING) return std::strtoll(r.str, nullptr, 10);
  return 0;
}

Result<RedisReply> Eval(RedisPool::Lease& lease, const char* script,
                        const std::vector<std::string>& keys, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"EVAL", script, std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = lease.Command(argv);
  if (Status s = ReplyError(r, "job queue script"); !s.ok()) return s;
  return r;
}

}  // namespace

Result<std::unique_ptr<RedisJobQueue>> RedisJobQueue::Connect(RedisOptions options) {
  RedisKeys keys(options.key_prefix);
  auto pool = RedisPool::Create(options);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<RedisJobQueue>(new RedisJobQueue(std::move(pool).value(), keys));
}

RedisJobQueue::JobKeys RedisJobQueue::KeysOf(const std::string& office) const {
  std::string ob = keys_.Outbox(office);
  return JobKeys{ob, ob + ":run", ob + ":lease", ob + ":tries", ob + ":dead", ob + ":err"};
}

bool RedisJobQueue::SplitId(const std::string& id, std::string* office, std::string* seq) {
  std::size_t colon = id.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == id.size()) return false;
  *office = id.substr(0, colon);
  *seq = id.substr(colon + 1);
  if (!RedisKeys::ValidId(*office)) return false;
  return std::all_of(seq->begin(), seq->end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::vector<ClaimedJob>> RedisJobQueue::Claim(api::TimePoint now,
                                                     std::chrono::milliseconds lease_for,
                                                     std::size_t limit) {
  std::vector<ClaimedJob> out;
  if (limit == 0) return out;
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto offices = lease->Command({"SMEMBERS", keys_.Offices()});
  if (Status s = ReplyError(offices, "office list"); !s.ok()) return s;
  std::vector<std::string> ids = Strings(**offices);
  // Start at a random office so that one busy office does not starve the
  // others when the batch fills up.
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::size_t start = ids.empty() ? 0 : std::uniform_int_distribution<std::size_t>(0, ids.size() - 1)(rng);
  std::string token = api::NewId();
  for (std::size_t k = 0; k < ids.size() && out.size() < limit; ++k) {
    const std::string& office = ids[(start + k) % ids.size()];
    JobKeys jk = KeysOf(office);
    auto r = Eval(*lease, kClaimScript, {jk.outbox, jk.run, jk.lease, jk.tries},
                  {Ms(now), Ms(now + lease_for), std::to_string(limit - out.size()), token});
    if (!r.ok()) return r.status();
    std::vector<std::string> flat = Strings(**r);
    for (std::size_t i = 0; i + 2 < flat.size(); i += 3) {
      auto job = ParseOutboxMember(flat[i]);
      if (!job.ok()) continue;  // not ours to judge; it stays leased and surfaces in Stats
      ClaimedJob c;
      c.id = office + ":" + SeqOf(flat[i]);
      c.job = std::move(job).value();
      c.lease = flat[i + 1];
      c.attempt = static_cast<int>(std::strtol(flat[i + 2].c_str(), nullptr, 10));
      out.push_back(std::move(c));
    }
  }
  return out;
}

Status RedisJobQueue::Ack(const ClaimedJob& job) {
  std::string office, seq;
  if (!SplitId(job.id, &office, &seq)) return Status::InvalidArgument("malformed job id");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  JobKeys jk = KeysOf(office);
  auto r = Eval(*lease, kAckScript, {jk.run, jk.lease, jk.tries}, {MemberOf(seq, job.job), job.lease});
  if (!r.ok()) return r.status();
  if (Int(**r) != 1) return Status::Gone("the job's lease ran out");
  return Status::Ok();
}

Status RedisJobQueue::Retry(const ClaimedJob& job, api::TimePoint at) {
  std::string office, seq;
  if (!SplitId(job.id, &office, &seq)) return Status::InvalidArgument("malformed job id");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  JobKeys jk = KeysOf(office);
  auto r = Eval(*lease, kRetryScript, {jk.outbox, jk.run, jk.lease},
                {MemberOf(seq, job.job), job.lease, Ms(at)});
  if (!r.ok()) return r.status();
  if (Int(**r) != 1) return Status::Gone("the job's lease ran out");
  return Status::Ok();
}

Status RedisJobQueue::Bury(const ClaimedJob& job, api::TimePoint now, const std::string& error) {
  std::string office, seq;
  if (!SplitId(job.id, &office, &seq)) return Status::InvalidArgument("malformed job id");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  JobKeys jk = KeysOf(office);
  auto r = Eval(*lease, kBuryScript, {jk.run, jk.lease, jk.dead, jk.err},
                {MemberOf(seq, job.job), job.lease, Ms(now), error});
  if (!r.ok()) return r.status();
  if (Int(**r) != 1) return Status::Gone("the job's lease ran out");
  return Status::Ok();
}

Result<std::vector<DeadLetter>> RedisJobQueue::ListDeadLetters(std::size_t limit) {
  std::vector<DeadLetter> out;
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto offices = lease->Command({"SMEMBERS", keys_.Offices()});
  if (Status s = ReplyError(offices, "office list"); !s.ok()) return s;
  for (const std::string& office : Strings(**offices)) {
    JobKeys jk = KeysOf(office);
    auto dead = lease->Command({"ZRANGE", jk.dead, "0", std::to_string(limit), "WITHSCORES"});
    if (Status s = ReplyError(dead, "dead letters"); !s.ok()) return s;
    std::vector<std::string> flat = Strings(**dead);
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2) {
      auto job = ParseOutboxMember(flat[i]);
      if (!job.ok()) continue;
      DeadLetter d;
      d.id = office + ":" + SeqOf(flat[i]);
      d.job = std::move(job).value();
      d.dead_at = api::TimePoint(std::chrono::milliseconds(std::strtoll(flat[i + 1].c_str(), nullptr, 10)));
      auto more = lease->Pipeline({{"HGET", jk.tries, flat[i]}, {"HGET", jk.err, flat[i]}});
      if (!more.ok()) return more.status();
      d.attempts = static_cast<int>(Int(*(*more)[0]));
      if ((*more)[1]->type == REDIS_REPLY_STRING) d.error.assign((*more)[1]->str, (*more)[1]->len);
      out.push_back(std::move(d));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const DeadLetter& a, const DeadLetter& b) { return a.dead_at < b.dead_at; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Status RedisJobQueue::Requeue(const std::string& id, api::TimePoint now) {
  std::string office, seq;
  if (!SplitId(id, &office, &seq)) return Status::NotFound("no such dead letter");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  JobKeys jk = KeysOf(office);
  // The member is found by its sequence number (the id's second part).
  auto dead = lease->Command({"ZRANGE", jk.dead, "0", "-1"});
  if (Status s = ReplyError(dead, "dead letters"); !s.ok()) return s;
  for (const std::string& m : Strings(**dead)) {
    if (SeqOf(m) != seq) continue;
    auto r = Eval(*lease, kRequeueScript, {jk.outbox, jk.dead, jk.err, jk.tries}, {m, Ms(now)});
    if (!r.ok()) return r.status();
    if (Int(**r) == 1) return Status::Ok();
  }
  return Status::NotFound("no such dead letter");
}

Result<QueueStats> RedisJobQueue::Stats(api::TimePoint now) {
  QueueStats st;
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto offices = lease->Command({"SMEMBERS", keys_.Offices()});
  if (Status s = ReplyError(offices, "office list"); !s.ok()) return s;
  for (const std::string& office : Strings(**offices)) {
    JobKeys jk = KeysOf(office);
    // The oldest original due time: the member's own due, not its score
    // (a retried job's score is its next attempt). 100 candidates of each
    // set are enough to find it in practice; it is a gauge, not a ledger.
    auto r = lease->Pipeline({{"ZCARD", jk.outbox},
                              {"ZCOUNT", jk.outbox, "-inf", Ms(now)},
                              {"ZCARD", jk.run},
                              {"ZCARD", jk.dead},
                              {"ZRANGEBYSCORE", jk.outbox, "-inf", Ms(now), "LIMIT", "0", "100"},
                              {"ZRANGE", jk.run, "0", "99"}});
    if (!r.ok()) return r.status();
    for (const auto& reply : *r) {
      if (reply->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(*reply, "queue stats");
    }
    st.waiting += static_cast<std::size_t>(Int(*(*r)[0]));
    st.due += static_cast<std::size_t>(Int(*(*r)[1]));
    st.in_flight += static_cast<std::size_t>(Int(*(*r)[2]));
    st.dead += static_cast<std::size_t>(Int(*(*r)[3]));
    for (int k : {4, 5}) {
      for (const std::string& m : Strings(*(*r)[k])) {
        auto job = ParseOutboxMember(m);
        if (!job.ok()) continue;
        if (!st.oldest_due || job->due < *st.oldest_due) st.oldest_due = job->due;
      }
    }
  }
  return st;
}

std::vector<api::StoreCounter> RedisJobQueue::Counters() {
  const std::string help = "Redis Cluster redirects followed (MOVED: a slot moved; ASK: a slot migrating)";
  return {{"termin_redis_redirects_total", help, "kind", "moved", pool_->moved_redirects()},
          {"termin_redis_redirects_total", help, "kind", "ask", pool_->ask_redirects()}};
}

}  // namespace termin::service
