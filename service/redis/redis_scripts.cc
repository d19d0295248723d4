#include "service/redis/redis_scripts.h"

namespace termin::service {
namespace {

/* The prelude: helpers every script shares (prepended to each body).

   Claims. Each desk has a sorted set of claims scored by start minute (UTC
   minutes since the epoch). A member is "<start>:<claim_end>:<expires>:<kind>:
   <id>": kind "h" for a hold (expires = the Redis server time in ms when the
   hold lapses) and "a" for an appointment (expires = 0, never). The member
   names its own interval, so a script can check overlap from the set alone.

   Overlap. [s, e) overlaps a claim [cs, ce) iff cs < e and ce > s. ZRANGEBY-
   SCORE gives the claims with cs < e; but reading from -inf would scan the
   desk's whole history, so the lower bound is s - maxlen, where maxlen (hash
   "cmax", per desk) is the longest claim ever written on that desk: a claim
   that starts before s - maxlen ends at or before s and cannot overlap. The
   remaining few are checked for ce > s.

   Expiry. A hold's claim counts while expires > now, where now is the Redis
   server's clock (TIME). One clock for every API replica: whichever replica
   asks, a hold lapses at the same instant, and skew between API hosts cannot
   make one replica see a hold as free while another still honours it. A
   lapsed claim is skipped, and removed lazily when a writing script meets
   it; nobody has to clean up for the place to become free. (Scripts that call
   TIME and then write are fine since Redis 5: scripts replicate by effects.)

   Released places (api/store.h; ZMS's deallocationDuration). The place a
   cancelled appointment or a given-back hold frees becomes the member
   "<start>:<claim_end>:<released ms>:r:<id>" in the same script (cancel,
   release_hold); a lapsed hold's member already says when it lapsed. For
   every step such a member is a lapsed claim, except for a public hold at
   an office with a re-release delay (place_hold's `released_delay`): to it
   the place is claimed while released + delay > now. So lazy removal drops
   lapsed members only RELEASED_KEPT_MS (api::kReleasedKept, 24 h) after
   their time, not at once: until then a public hold may still have to
   honour them.

   Numbers. Lua 5.1 numbers are doubles: exact for integers below 2^53, which
   covers minutes and milliseconds since the epoch. string.format('%d') is
   used wherever a number becomes part of a string, so it never turns into
   "1.7e+12". */
const char* kPrelude = R"lua(
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function fmt(n) return string.format('%d', n) end
local function parse_claim(m)
  local s, e, x = string.match(m, '^(%-?%d+):(%-?%d+):(%d+):')
  return tonumber(s), tonumber(e), tonumber(x)
end
local RELEASED_KEPT_MS = 86400000
local function taken(claims, cmax, desk, s, e, now, own, released_delay)
  local maxlen = tonumber(redis.call('HGET', cmax, desk) or '0')
  local members = redis.call('ZRANGEBYSCORE', claims, fmt(s - maxlen), '(' .. fmt(e))
  local busy = false
  local delay = released_delay or 0
  for _, m in ipairs(members) do
    local cs, ce, x = parse_claim(m)
    if x ~= 0 and x + RELEASED_KEPT_MS <= now then
      redis.call('ZREM', claims, m)
    elseif x ~= 0 and x + delay <= now then
      -- lapsed, or released long enough ago for this step
    elseif m ~= own and ce > s then
      busy = true
    end
  end
  return busy
end
local function add_claim(claims, cmax, desks, desk, s, e, member)
  redis.call('ZADD', claims, fmt(s), member)
  redis.call('SADD', desks, desk)
  local old = tonumber(redis.call('HGET', cmax, desk) or '0')
  if e - s > old then redis.call('HSET', cmax, desk, fmt(e - s)) end
end
local function appt_member(start, claim_end, ref)
  return start .. ':' .. claim_end .. ':0:a:' .. ref
end
local function add_jobs(outbox, seq_key, from, last)
  local i = from
  last = last or #ARGV
  while i + 2 <= last do
    local seq = redis.call('INCR', seq_key)
    redis.call('ZADD', outbox, ARGV[i + 2],
               fmt(seq) .. ':' .. ARGV[i] .. ':' .. ARGV[i + 2] .. ':' .. ARGV[i + 1])
    i = i + 3
  end
end
-- The jobs of a JobPlan (api/store.h) for `ref` starting at start_min:
-- ARGV[from] the first job's type ('' = no jobs), ARGV[from + 1] its due
-- (ms), ARGV[from + 2] the reminder type, then reminder offsets (minutes
-- before the start); a reminder is written only if due after the first job.
local function plan_jobs(outbox, seq_key, ref, start_min, from)
  if ARGV[from] == nil or ARGV[from] == '' then return end
  local function add(kind, due)
    local seq = redis.call('INCR', seq_key)
    redis.call('ZADD', outbox, due, fmt(seq) .. ':' .. kind .. ':' .. due .. ':' .. ref)
  end
  local first_due = tonumber(ARGV[from + 1])
  add(ARGV[from], ARGV[from + 1])
  for i = from + 3, #ARGV do
    local due = (start_min - tonumber(ARGV[i])) * 60000
    if due > first_due then add(ARGV[from + 2], fmt(due)) end
  end
end
-- The office configuration fence: a claiming step passes the config
-- version its replica proposed on as the last ARGV ('0' = unchecked) and the
-- office's cfg hash as the last KEYS; a newer version in the store means an
-- admin changed the office since that replica loaded it (STALE: the replica
-- reloads and decides again). Same {o:X} slot as the step's other keys.
local function stale()
  local expected = ARGV[#ARGV]
  if expected == '0' then return false end
  return redis.call('HGET', KEYS[#KEYS], 'ver') ~= expected
end
local function record(akey, nkey)
  return {'OK', redis.call('HGETALL', akey), redis.call('LRANGE', nkey, 0, -1)}
end
local function active(status) return status == 'confirmed' or status == 'checked_in' end
-- Step markers (api/store.h, StepKey): a booking step with an idempotency
-- token writes {o:X}:ik:<token> = reference with its own write, and a later
-- step with the same token finds it here and writes nothing. ttl '0': the
-- request carried no Idempotency-Key.
local function step_done(marker, ttl)
  if ttl == '0' then return nil end
  local prior = redis.call('GET', marker)
  if prior then return prior end
  return nil
end
local function step_record(marker, ttl, ref)
  if ttl ~= '0' then redis.call('SET', marker, ref, 'PX', ttl) end
end
-- The office's day (see queue_read): every write raises the day's version
-- and renews the TTL of the day's keys.
local function queue_touch(meta, ttl, others)
  redis.call('HINCRBY', meta, 'ver', 1)
  redis.call('PEXPIRE', meta, ttl)
  for _, k in ipairs(others) do redis.call('PEXPIRE', k, ttl) end
end
local function queue_add(meta, entries, e, ttl)
  redis.call('HSET', entries, e.t, cjson.encode(e))
  queue_touch(meta, ttl, {entries})
end
-- A display line for entry e at desk (capped list, newest first).
local function announce(meta, calls, e, desk, now)
  e.c = e.c + 1
  e.ca = now
  local seq = redis.call('HINCRBY', meta, 'seq', 1)
  redis.call('LPUSH', calls, cjson.encode({seq = seq, t = e.t, d = desk, at = now}))
  redis.call('LTRIM', calls, 0, 19)
end
-- Evaluation tallies (api/tally.h, which names every field): HINCRBY on the
-- office's day hash {o:X}:ev:<day>, in the step that makes the change. The
-- key is built from one of the step's office keys (`office_key`): the same
-- {o:X} hash tag, so the same slot (see read_claims). Never expires: the
-- counters are anonymous and outlive the contact data.
local function office_prefix(key) return string.match(key, '^(.-{o:[^}]*}:)') end
local function ev_key(office_key, day)
  return office_prefix(office_key) .. 'ev:' .. day
end
local function svc_key(list)
  local sorted = {}
  for i, v in ipairs(list) do sorted[i] = v end
  table.sort(sorted)
  return table.concat(sorted, '+')
end
local function tally(office_key, day, adds)
  if not TALLIES or day == nil or day == '' then return end
  local k = ev_key(office_key, day)
  for _, a in ipairs(adds) do redis.call('HINCRBY', k, a[1], fmt(a[2])) end
end
-- The tallies of an event on the appointment stored at akey, as
-- api::TallyAppointment and api::TallyMove count them; `now` in ms (nil:
-- the appointment's created time, for 'booked').
local function tally_appt(akey, event, now)
  if not TALLIES then return end
  local a = redis.call('HMGET', akey, 'day', 'channel', 'services', 'desk', 'start', 'end', 'created')
  if not a[1] or a[1] == '' then return end
  -- One service (most visits): its id, without decoding and sorting.
  local svc = string.match(a[3], '^%["([^"\\]*)"%]$') or svc_key(cjson.decode(a[3]))
  local start_ms = tonumber(a[5]) * 60000
  local mins = tonumber(a[6]) - tonumber(a[5])
  local adds
  if event == 'booked' then
    local ahead = start_ms - tonumber(a[7])
    local days = 0
    if ahead > 0 then days = math.min(math.floor(ahead / 86400000), 180) end
    adds = {{'bk:' .. a[2] .. ':' .. svc, 1}, {'bm:' .. a[4], mins},
            {'lead:' .. svc .. ':' .. fmt(days), 1}}
  elseif event == 'cancelled' then
    local notice, late = start_ms - now, 'h72'
    if notice < 7200000 then late = 'h0' elseif notice < 86400000 then late = 'h2'
    elseif notice < 259200000 then late = 'h24' end
    adds = {{'cx:' .. a[2] .. ':' .. svc .. ':' .. late, 1}, {'bm:' .. a[4], -mins}}
  elseif event == 'moved_out' then
    adds = {{'mv:' .. a[2] .. ':' .. svc, 1}, {'bm:' .. a[4], -mins}}
  elseif event == 'moved_in' then
    adds = {{'mi:' .. a[2] .. ':' .. svc, 1}, {'bm:' .. a[4], mins}}
  elseif event == 'no_show' then
    adds = {{'ns:' .. svc, 1}}
  elseif event == 'checked_in' then
    adds = {{'ci:' .. svc, 1}}
  elseif event == 'opt_in_asked' then
    adds = {{'oi:' .. a[2] .. ':' .. svc, 1}}
  elseif event == 'opt_in_confirmed' then
    tally_appt(akey, 'booked', nil)
    adds = {{'oc:' .. a[2] .. ':' .. svc, 1}}
  elseif event == 'opt_in_cancelled' then
    adds = {{'ox:' .. a[2] .. ':' .. svc, 1}}
  end
  tally(akey, a[1], adds)
end
-- The waitlist (api/store.h, Wish; see "The waitlist" above the scripts).
local OFFER_KEEP_MS = 3600000
local JOB_WAITLIST_OFFER = '5'
-- Every end of a wish goes through here: `outcome` (api::TallyWish) is
-- counted on the day it was made, kept apart in {o:X}:wday (id -> day)
-- because the wish's own hash expires with its contact data.
local function drop_wish(px, id, outcome)
  local made = redis.call('HGET', px .. 'wday', id)
  if made then
    tally(px, made, {{'wl:' .. outcome, 1}})
    redis.call('HDEL', px .. 'wday', id)
  end
  local wk = px .. 'w:' .. id
  local desks = redis.call('HGET', wk, 'desks')
  if desks then
    for _, d in ipairs(cjson.decode(desks)) do redis.call('ZREM', px .. 'wd:' .. d, id) end
  end
  redis.call('ZREM', px .. 'wl', id)
  redis.call('DEL', wk)
end
-- Fair use (api/store.h, ConfirmHold's identity_limit; Wish::identities):
-- whether one of the identity sets named by the digests `ids` (zset ref ->
-- visit end, minutes) holds `limit` future confirmed, checked-in or (not
-- lapsed) preconfirmed appointments of the office sharing a service with
-- `mine` (a set of service ids). Read only (confirm_hold trims the sets).
local function at_identity_limit(px, ids, mine, limit, now)
  if limit <= 0 then return false end
  local from = '(' .. fmt(math.floor(now / 60000))
  for _, digest in ipairs(ids) do
    local count = 0
    for _, other in ipairs(redis.call('ZRANGEBYSCORE', px .. 'id:' .. digest, from, '+inf')) do
      local a = redis.call('HMGET', px .. 'a:' .. other, 'status', 'services', 'cby')
      if a[1] == 'confirmed' or a[1] == 'checked_in' or
         (a[1] == 'preconfirmed' and tonumber(a[3] or '0') > now) then
        for _, svc in ipairs(cjson.decode(a[2])) do
          if mine[svc] then count = count + 1 break end
        end
      end
    end
    if count >= limit then return true end
  end
  return false
end
-- The wish's identity (fields ids, ilimit of its hash) is at its quota for
-- its services: an offer could only be refused at the accept.
local function wish_at_limit(px, services, ids, ilimit, now)
  local limit = tonumber(ilimit or '0') or 0
  if limit <= 0 or not ids then return false end
  local mine = {}
  for _, svc in ipairs(cjson.decode(services)) do mine[svc] = true end
  return at_identity_limit(px, cjson.decode(ids), mine, limit, now)
end
-- Offers the freed place of member rm ([s, ce) on desk) to the oldest
-- waiting wish it suits; true if it did, and the member of the rest. The
-- offer-hold takes [s, s + the wish's claim); the rest of the freed interval
-- stays a released place (offer_freed offers it on).
local function offer_place(px, desk, rm, now)
  local s, ce, rx = parse_claim(rm)
  if s * 60000 <= now then return false end
  local wd = px .. 'wd:' .. desk
  local ids = redis.call('ZRANGE', wd, 0, -1)
  if #ids == 0 then return false end
  local claims = px .. 'c:' .. desk
  local rid = string.match(rm, '^%-?%d+:%-?%d+:%d+:%a:(.*)$')
  for _, id in ipairs(ids) do
    local wk = px .. 'w:' .. id
    local w = redis.call('HMGET', wk, 'state', 'occ', 'dur', 'win', 'exp', 'services', 'osecret',
                         'ottl', 'office', 'wdays', 'day', 'ids', 'ilimit')
    if not w[1] then
      redis.call('ZREM', wd, id)
    elseif w[1] == 'waiting' and tonumber(w[5]) > now then
      local e = s + tonumber(w[2])
      local suits, window = false, 0
      if e <= ce then
        for i, r in ipairs(cjson.decode(w[4])) do
          if r[1] <= s and s < r[2] then suits, window = true, i break end
        end
      end
      if suits and not taken(claims, px .. 'cmax', desk, s, e, now, rm, 0) and
         not wish_at_limit(px, w[6], w[12], w[13], now) then
        local hid = id .. '-o'
        local ttl = tonumber(w[8])
        local exp = now + ttl
        local ver = redis.call('INCR', px .. 'hv')
        local m = fmt(s) .. ':' .. fmt(e) .. ':' .. fmt(exp) .. ':h:' .. hid
        redis.call('ZREM', claims, rm)
        local rest = nil
        if e < ce then
          rest = fmt(e) .. ':' .. fmt(ce) .. ':' .. fmt(rx) .. ':r:' .. rid
          redis.call('ZADD', claims, fmt(e), rest)
        end
        add_claim(claims, px .. 'cmax', px .. 'desks', desk, s, e, m)
        local hk = px .. 'h:' .. hid
        redis.call('HSET', hk, 'id', hid, 'secret', w[7],
                   'cfgver', redis.call('HGET', px .. 'cfg', 'ver') or '0', 'office', w[9],
                   'desk', desk, 'services', w[6], 'start', fmt(s), 'end', fmt(s + tonumber(w[3])),
                   'claim_end', fmt(e), 'ver', fmt(ver), 'exp', fmt(exp), 'member', m, 'wish', id)
        -- the visit's local day: the suiting window's (the API judged it)
        if w[10] then
          local day = cjson.decode(w[10])[window]
          if type(day) == 'string' then redis.call('HSET', hk, 'day', day) end
        end
        tally(px, w[11], {{'wl:offered', 1}})
        redis.call('PEXPIRE', hk, fmt(ttl + OFFER_KEEP_MS))
        redis.call('HSET', wk, 'state', 'offered', 'hold', hid)
        redis.call('PEXPIREAT', wk, fmt(math.max(tonumber(w[5]), exp + OFFER_KEEP_MS)))
        local seq = redis.call('INCR', px .. 'obseq')
        redis.call('ZADD', px .. 'ob', fmt(now),
                   fmt(seq) .. ':' .. JOB_WAITLIST_OFFER .. ':' .. fmt(now) .. ':' .. hid)
        return true, rest
      end
    end
  end
  return false
end
-- offer_place for a freed member and then for what is left of it; the
-- number of offers made.
local function offer_freed(px, desk, rm, now)
  local n = 0
  while rm do
    local ok, rest = offer_place(px, desk, rm, now)
    if not ok then break end
    n = n + 1
    rm = rest
  end
  return n
end
-- Offers the lapsed and released places overlapping [s, e) on desk (what a
-- public hold meets) to the waitlist first.
local function offer_met(px, claims, cmax, desk, s, e, now)
  if redis.call('EXISTS', px .. 'wd:' .. desk) == 0 then return end
  local maxlen = tonumber(redis.call('HGET', cmax, desk) or '0')
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', claims, fmt(s - maxlen), '(' .. fmt(e))) do
    local _, ce, x = parse_claim(m)
    if x ~= 0 and x <= now and ce > s then offer_freed(px, desk, m, now) end
  end
end
-- "A001" .. "A999", then "B001" ...: the memory store's numbering.
local function ticket(n)
  return string.char(65 + math.floor((n - 1) / 999) % 26) .. string.format('%03d', (n - 1) % 999 + 1)
end
)lua";

/* read_claims. KEYS: the office's desk set, cmax. ARGV: begin, end
   (minutes), the claims key of the office without the desk id (the desk id
   is appended). Returns {now_ms, desk, members, desk, members, ...}: for
   each desk with claims starting before `end`, its claim members from
   begin - cmax on (the caller drops lapsed holds and claims ending by
   `begin`, judged by now_ms, the server's clock).
   One round trip: the script reads the desk set itself instead of the
   caller reading it first (SMEMBERS, then this script with one key per
   desk). The claims keys it builds are not in KEYS; they carry the same
   {o:<office>} hash tag as KEYS[1], so they lie in the same hash slot,
   which is what Redis Cluster checks (Redis 7 refuses keys of another slot,
   not undeclared keys of the declared slot). Read only: a desk added after
   this read is harmless because every writing script checks overlap again
   itself (the core proposes, the store disposes). It parses no member:
   Redis is the one process every replica shares, so the parsing is left to
   the replicas, which scale out (it was most of this script's time). It
   runs without the common prelude: it needs none of the writers' helpers,
   and each helper is a closure built anew on every call. */
const char* kReadClaims = R"lua(
local t = redis.call('TIME')
local out = {tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)}
local b = tonumber(ARGV[1])
local upper = '(' .. ARGV[2]
local cmax = {}
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do cmax[flat[i]] = tonumber(flat[i + 1]) end
for _, desk in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local members = redis.call('ZRANGEBYSCORE', ARGV[3] .. desk,
                             string.format('%d', b - (cmax[desk] or 0)), upper)
  if #members > 0 then
    out[#out + 1] = desk
    out[#out + 1] = members
  end
end
return out
)lua";

/* place_hold. KEYS: hold, claims, cmax, desks, hold version counter,
   [the day's queue,] cfg. ARGV: desk, start, claim_end, ttl_ms, keep_ms,
   hold id, released_delay ms (places released less than this long ago
   count as claimed, see the prelude; '0' = none), then field/value pairs of
   the hold hash, [then the queue version the hold was judged on and the
   queue's TTL ms,] then the config version (see stale()). Returns {OK,
   version, expires_ms}.
   The overlap check and the claim write happen in this one script, so two
   requests for the same interval cannot both pass the check: the second
   sees the first's claim. The version comes from a per-office counter that
   only grows (INCR), so a hold placed later on the same place has a larger
   number than any earlier one: the fencing token a late confirm is held
   against. The hold record lives keep_ms longer than its claim, so a confirm
   after expiry finds it and can answer Gone rather than NotFound; PEXPIRE
   then deletes it without any cleanup job.
   With the queue key (a hold for today, judged against the walk-in queue:
   api/store.h, HoldRecord::queue_day) the hold is placed only if the day's
   queue is still at the version it was judged on (QSTALE otherwise), and
   the version moves on with it, so a ticket judged before this hold is
   judged again by queue_issue. The queue key carries the office's hash tag,
   as every key here. */
const char* kPlaceHold = R"lua(
local now = now_ms()
if stale() then return {'STALE'} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'PRECOND'} end
local fenced = #KEYS == 7
local last = #ARGV - 1
if fenced then
  last = #ARGV - 3
  if (redis.call('HGET', KEYS[6], 'ver') or '0') ~= ARGV[#ARGV - 2] then return {'QSTALE'} end
end
local s, e = tonumber(ARGV[2]), tonumber(ARGV[3])
offer_met(office_prefix(KEYS[1]), KEYS[2], KEYS[3], ARGV[1], s, e, now)
if taken(KEYS[2], KEYS[3], ARGV[1], s, e, now, nil, tonumber(ARGV[7])) then
  return {'CONFLICT'}
end
local ver = redis.call('INCR', KEYS[5])
local ttl = tonumber(ARGV[4])
local exp = now + ttl
local member = ARGV[2] .. ':' .. ARGV[3] .. ':' .. fmt(exp) .. ':h:' .. ARGV[6]
add_claim(KEYS[2], KEYS[3], KEYS[4], ARGV[1], s, e, member)
redis.call('HSET', KEYS[1], unpack(ARGV, 8, last))
redis.call('HSET', KEYS[1], 'ver', fmt(ver), 'exp', fmt(exp), 'member', member)
redis.call('PEXPIRE', KEYS[1], fmt(ttl + tonumber(ARGV[5])))
if fenced then queue_touch(KEYS[6], ARGV[#ARGV - 1], {}) end
return {'OK', ver, exp}
)lua";

/* release_hold. KEYS: hold, claims. ARGV: secret hash.
   A wrong secret answers like an unknown hold, so the reply reveals nothing
   to someone guessing. A live hold's place is released now (see the
   prelude): its member becomes a released one in this step. */
const char* kReleaseHold = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
local h = redis.call('HMGET', KEYS[1], 'secret', 'member', 'start', 'claim_end', 'id', 'wish',
                     'desk')
if h[1] ~= ARGV[1] then return {'NOTFOUND'} end
local px = office_prefix(KEYS[1])
-- a declined offer ends its wish (api/store.h, Wish)
if h[6] then drop_wish(px, h[6], 'declined') end
if h[2] and redis.call('ZSCORE', KEYS[2], h[2]) then
  local now = now_ms()
  local _, _, x = parse_claim(h[2])
  local rm = h[3] .. ':' .. h[4] .. ':' .. fmt(math.min(x, now)) .. ':r:' .. h[5]
  redis.call('ZREM', KEYS[2], h[2])
  redis.call('ZADD', KEYS[2], h[3], rm)
  offer_freed(px, h[7], rm, now)
end
redis.call('DEL', KEYS[1])
return {'OK'}
)lua";

/* extend_hold. KEYS: hold, claims (of the hold's desk). ARGV: secret hash,
   ttl_ms, keep_ms, max extensions. Returns {OK, expires_ms, extensions}.
   A claim member names its hold's expiry (see the prelude), so an extension
   swaps the member for one with the new expiry, and writes the record's
   'exp', 'member' and 'ext' with it, in this one script: no step ever sees
   the place free in between, and the expiry a confirm compares with is the
   one the claim honours. While the hold is live its claim is exclusive
   (nobody could pass the overlap check against it), so the swap needs no new
   check. Expiry and the new expiry are judged by the server clock (now_ms),
   as in place_hold and confirm_hold: an extension that arrives after the
   hold lapsed is GONE even if nobody took the place, as a late confirm is.
   The new expiry is now + ttl, never earlier than the old one, and at most
   `max` extensions are written ('ext' counts them), so a hold lasts at most
   (max + 1) x ttl. The record keeps living keep_ms past its new expiry. The
   secret is checked first: a stranger learns nothing from the answer. */
const char* kExtendHold = R"lua(
local now = now_ms()
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
local h = redis.call('HMGET', KEYS[1], 'secret', 'exp', 'member', 'void', 'ext', 'start',
                     'claim_end', 'id')
if h[1] ~= ARGV[1] then return {'NOTFOUND'} end
if h[4] == '1' then return {'VOID'} end
local exp = tonumber(h[2])
if exp <= now then return {'GONE'} end
local ext = tonumber(h[5] or '0')
if ext >= tonumber(ARGV[4]) then return {'MAXED'} end
local new_exp = math.max(exp, now + tonumber(ARGV[2]))
local member = h[6] .. ':' .. h[7] .. ':' .. fmt(new_exp) .. ':h:' .. h[8]
redis.call('ZREM', KEYS[2], h[3])
redis.call('ZADD', KEYS[2], h[6], member)
redis.call('HSET', KEYS[1], 'exp', fmt(new_exp), 'member', member, 'ext', fmt(ext + 1))
redis.call('PEXPIRE', KEYS[1], fmt(new_exp - now + tonumber(ARGV[3])))
return {'OK', new_exp, ext + 1}
)lua";

/* confirm_hold. KEYS: hold, appointment, appointments, active, outbox,
   outbox seq, cfg, step marker. ARGV: secret hash, version ('' = not
   checked), reference, the office's claims key without the desk id (the
   hold's desk is appended), the config version the caller checked the hold
   on ('0' = none), the step marker's TTL ms ('0' = no marker), the identity
   limit ('0' = none), n, n field/value elements of the appointment, then
   the job plan (see plan_jobs). KEYS[9..]: the contact's identity sets
   (fair use: zset reference -> visit end, minutes), none without a limit. Returns {OK, the hold's fields as HGETALL}, or {DONE, ref}
   if a step with this marker wrote before (see step_done).
   One round trip, no read before: the script reads the hold itself, so the
   caller needs neither the hold's desk (the claims key is built from it:
   same {o:<office>} tag, same slot, as in read_claims) nor its start (the
   reminders are derived here from the plan).
   Why Gone is certain after expiry: the hold record outlives its claim (see
   place_hold) and its expiry is compared with the server clock here, in the
   same script that would write; if the place was taken again meanwhile, that
   was a new hold with another id and a larger version, and this hold still
   says "expired". While the hold is live its claim is exclusive (nobody could
   pass the overlap check against it), so swapping the hold's claim for the
   appointment's needs no new check. The booking comes from the hold, not from
   the caller, and the outbox jobs are written in this same step: a confirmed
   visit never lacks its confirmation message.
   The config fence (api/store.h, ConfirmHold): an office change judged every
   live hold in its own step (put_office_config) and voided those that did
   not fit (VOID here); a service change (touch_office_config) judged none,
   so a hold placed before the last touch is confirmed only once the caller
   says it checked it on the current version (else STALE: check, and come
   back with that version in ARGV[5]). All after the secret check: a
   stranger learns nothing from the answer. */
const char* kConfirmHold = R"lua(
local now = now_ms()
local prior = step_done(KEYS[8], ARGV[6])
if prior then return {'DONE', prior} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
local h = redis.call('HMGET', KEYS[1], 'secret', 'ver', 'exp', 'member', 'office', 'desk',
                     'services', 'start', 'end', 'claim_end', 'void', 'cfgver', 'day')
if h[1] ~= ARGV[1] then return {'NOTFOUND'} end
if ARGV[2] ~= '' and h[2] ~= ARGV[2] then return {'NOTFOUND'} end
if h[11] == '1' then return {'VOID'} end
if tonumber(h[3]) <= now then return {'GONE'} end
local cfg = redis.call('HMGET', KEYS[7], 'ver', 'touch')
if tonumber(h[12] or '0') < tonumber(cfg[2] or '0') and ARGV[5] ~= (cfg[1] or '0') then
  return {'STALE'}
end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'PRECOND'} end
local ref = ARGV[3]
-- Fair use: each identity's future confirmed or checked-in appointments
-- here that share a service with this one, read from their own records
-- (same slot: the appointment key with another reference).
local limit = tonumber(ARGV[7])
if limit > 0 and #KEYS > 8 then
  local now_min = math.floor(now / 60000)
  local mine = {}
  for _, svc in ipairs(cjson.decode(h[7])) do mine[svc] = true end
  local appt_prefix = string.sub(KEYS[2], 1, #KEYS[2] - #ref)
  for i = 9, #KEYS do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', fmt(now_min))
    local count = 0
    for _, other in ipairs(redis.call('ZRANGE', KEYS[i], 0, -1)) do
      local a = redis.call('HMGET', appt_prefix .. other, 'status', 'services', 'cby')
      if a[1] == 'confirmed' or a[1] == 'checked_in' or
         (a[1] == 'preconfirmed' and tonumber(a[3] or '0') > now) then
        for _, svc in ipairs(cjson.decode(a[2])) do
          if mine[svc] then count = count + 1 break end
        end
      end
    end
    if count >= limit then return {'QUOTA'} end
  end
end
local claims = ARGV[4] .. h[6]
-- Double opt-in: a record handed in as preconfirmed claims until its cby
-- (ms), as a hold does: then the place lapses and goes back by itself.
local cby = '0'
for i = 9, 8 + tonumber(ARGV[8]), 2 do
  if ARGV[i] == 'cby' then cby = ARGV[i + 1] end
end
redis.call('ZREM', claims, h[4])
if cby ~= '0' then
  redis.call('ZADD', claims, h[8], h[8] .. ':' .. h[10] .. ':' .. cby .. ':a:' .. ref)
else
  redis.call('ZADD', claims, h[8], appt_member(h[8], h[10], ref))
end
for i = 9, #KEYS do
  redis.call('ZADD', KEYS[i], h[9], ref)
  local last = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
  redis.call('PEXPIREAT', KEYS[i], fmt(tonumber(last[2]) * 60000 + 86400000))
end
local n = tonumber(ARGV[8])
redis.call('HSET', KEYS[2], unpack(ARGV, 9, 8 + n))
redis.call('HSET', KEYS[2], 'office', h[5], 'desk', h[6], 'services', h[7], 'start', h[8],
           'end', h[9], 'claim_end', h[10], 'day', h[13] or '')
if cby ~= '0' then tally_appt(KEYS[2], 'opt_in_asked', nil) else tally_appt(KEYS[2], 'booked', nil) end
redis.call('SADD', KEYS[3], ref)
redis.call('ZADD', KEYS[4], h[9], ref)
local hold = redis.call('HGETALL', KEYS[1])
local wish = redis.call('HGET', KEYS[1], 'wish')
if wish then drop_wish(office_prefix(KEYS[1]), wish, 'accepted') end  -- an accepted offer
redis.call('DEL', KEYS[1])
plan_jobs(KEYS[5], KEYS[6], ref, tonumber(h[8]), 9 + n)
step_record(KEYS[8], ARGV[6], ref)
return {'OK', hold}
)lua";

/* create_appointment (hotline booking, kiosk walk-in). KEYS: claims, cmax,
   desks, appointment, appointments, active, outbox, outbox seq, tickets of
   the day, step marker, the day's queue (meta), its entries, cfg. ARGV: desk, start, end, claim_end, reference,
   ticket day ('' = none), ticket key TTL ms, n, n field/value elements,
   then job triples, then the queue version the booking was judged on ('' =
   not judged; else QSTALE unless the day's queue, KEYS[11], is still at it,
   and the step moves it on: api::QueueFence), then the step marker's TTL ms
   ('0' = none), then the config version (see stale()). {DONE, ref} if the marker's step wrote
   before (the retry of a booking whose outcome its client did not learn).
   Overlap check and write in one step, as in place_hold. The ticket counter
   is per office and day and drawn in the same step, so two walk-ins never
   share a number; a visit with a ticket joins the day's queue in the same
   step (due at its start), as a check-in does. Returns {OK, ticket}. */
const char* kCreateAppointment = R"lua(
local now = now_ms()
local prior = step_done(KEYS[10], ARGV[#ARGV - 1])
if prior then return {'DONE', prior} end
if stale() then return {'STALE'} end
if redis.call('EXISTS', KEYS[4]) == 1 then return {'PRECOND'} end
local fence = ARGV[#ARGV - 2]
if fence ~= '' and (redis.call('HGET', KEYS[11], 'ver') or '0') ~= fence then return {'QSTALE'} end
local s, e = tonumber(ARGV[2]), tonumber(ARGV[4])
if taken(KEYS[1], KEYS[2], ARGV[1], s, e, now, nil) then return {'CONFLICT'} end
local ref = ARGV[5]
add_claim(KEYS[1], KEYS[2], KEYS[3], ARGV[1], s, e, appt_member(ARGV[2], ARGV[4], ref))
local n = tonumber(ARGV[8])
redis.call('HSET', KEYS[4], unpack(ARGV, 9, 8 + n))
local tk = ''
if ARGV[6] ~= '' then
  local t = redis.call('INCR', KEYS[9])
  redis.call('PEXPIRE', KEYS[9], ARGV[7])
  tk = ticket(t)
  redis.call('HSET', KEYS[4], 'ticket', tk)
  queue_add(KEYS[11], KEYS[12], {t = tk, n = t, k = 'a', r = ref,
            s = cjson.decode(redis.call('HGET', KEYS[4], 'services')), due = s * 60000,
            st = 'waiting', d = '', f = '', ca = 0, sa = 0, c = 0}, ARGV[7])
end
redis.call('SADD', KEYS[5], ref)
redis.call('ZADD', KEYS[6], ARGV[3], ref)
tally_appt(KEYS[4], 'booked', nil)
add_jobs(KEYS[7], KEYS[8], 9 + n, #ARGV - 3)
if fence ~= '' then queue_touch(KEYS[11], ARGV[7], {}) end
step_record(KEYS[10], ARGV[#ARGV - 1], ref)
return {'OK', tk}
)lua";

/* cancel. KEYS: appointment, notes, claims of the desk the caller read,
   active, outbox, outbox seq, step marker. ARGV: that desk, reason,
   closed_ms, the step marker's TTL ms ('0' = none), then job triples. A
   cancel that this marker's step already made answers the record again. The caller had to name the claims key before the script ran; if
   the appointment moved to another desk meanwhile the script answers RETRY
   (before writing anything) and the caller reads again. */
const char* kCancel = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
local a = redis.call('HMGET', KEYS[1], 'desk', 'status', 'start', 'claim_end', 'ref', 'cby')
if step_done(KEYS[7], ARGV[4]) == a[5] then return record(KEYS[1], KEYS[2]) end
if a[1] ~= ARGV[1] then return {'RETRY'} end
local open_optin = a[2] == 'preconfirmed' and tonumber(a[6] or '0') > now_ms()
if not active(a[2]) and not open_optin then return {'PRECOND'} end
if a[2] == 'preconfirmed' then
  redis.call('ZREM', KEYS[3], a[3] .. ':' .. a[4] .. ':' .. a[6] .. ':a:' .. a[5])
end
redis.call('ZREM', KEYS[3], appt_member(a[3], a[4], a[5]))
-- its place is released in this step (see the prelude), and offered to
-- the waitlist in it
local now = now_ms()
local rm = a[3] .. ':' .. a[4] .. ':' .. fmt(now) .. ':r:' .. a[5]
redis.call('ZADD', KEYS[3], a[3], rm)
offer_freed(office_prefix(KEYS[1]), a[1], rm, now)
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'reason', ARGV[2], 'closed', ARGV[3])
if open_optin then
  tally_appt(KEYS[1], 'opt_in_cancelled', tonumber(ARGV[3]))
else
  tally_appt(KEYS[1], 'cancelled', tonumber(ARGV[3]))
end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('ZREM', KEYS[4], a[5])
add_jobs(KEYS[5], KEYS[6], 5)
step_record(KEYS[7], ARGV[4], a[5])
return record(KEYS[1], KEYS[2])
)lua";

/* move (within one office). KEYS: appointment, notes, old claims, new
   claims, cmax, desks, active, outbox, outbox seq, step marker, the queue
   of the new day, cfg. ARGV: old desk as read, new desk, start, end,
   claim_end, services JSON, the step marker's TTL ms ('0' = none), the new
   local day (tallies), then job triples, then the queue version the move
   was judged on ('' = not judged; as in create_appointment) and the queue's
   TTL ms, then the config version (see stale()). A move this marker's step already made answers
   the record again.
   The new interval is checked against the new desk's live claims, ignoring
   the appointment's own claim (a visit may move by ten minutes on the same
   desk), then the old claim is removed and the new one written, all in one
   step: there is no moment at which the visit holds both places or none.
   The old place is released and offered to the waitlist in it (as cancel). */
const char* kMove = R"lua(
local now = now_ms()
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
local a = redis.call('HMGET', KEYS[1], 'desk', 'status', 'start', 'claim_end', 'ref')
if step_done(KEYS[10], ARGV[7]) == a[5] then return record(KEYS[1], KEYS[2]) end
if stale() then return {'STALE'} end
if a[1] ~= ARGV[1] then return {'RETRY'} end
if a[2] ~= 'confirmed' then return {'PRECOND'} end
local own = appt_member(a[3], a[4], a[5])
local fence = ARGV[#ARGV - 2]
if fence ~= '' and (redis.call('HGET', KEYS[11], 'ver') or '0') ~= fence then return {'QSTALE'} end
local s, e = tonumber(ARGV[3]), tonumber(ARGV[5])
if taken(KEYS[4], KEYS[5], ARGV[2], s, e, now, own) then return {'CONFLICT'} end
redis.call('ZREM', KEYS[3], own)
add_claim(KEYS[4], KEYS[5], KEYS[6], ARGV[2], s, e, appt_member(ARGV[3], ARGV[5], a[5]))
-- the old place is released in this step, as a cancel's is, and offered
-- to the waitlist once the new claim is written
local rm = a[3] .. ':' .. a[4] .. ':' .. fmt(now) .. ':r:' .. a[5]
redis.call('ZADD', KEYS[3], a[3], rm)
offer_freed(office_prefix(KEYS[1]), a[1], rm, now)
redis.call('HINCRBY', KEYS[1], 'rev', 1)
tally_appt(KEYS[1], 'moved_out', nil)
redis.call('HSET', KEYS[1], 'desk', ARGV[2], 'services', ARGV[6], 'start', ARGV[3],
           'end', ARGV[4], 'claim_end', ARGV[5], 'day', ARGV[8])
tally_appt(KEYS[1], 'moved_in', nil)
redis.call('ZADD', KEYS[7], ARGV[4], a[5])
add_jobs(KEYS[8], KEYS[9], 9, #ARGV - 3)
if fence ~= '' then queue_touch(KEYS[11], ARGV[#ARGV - 1], {}) end
step_record(KEYS[10], ARGV[7], a[5])
return record(KEYS[1], KEYS[2])
)lua";

/* check_in. KEYS: appointment, notes, tickets of the day, the day's queue
   (meta), its entries. ARGV: ticket key TTL ms. Checking in twice returns
   the first ticket (a kiosk retry must not draw a second number). The
   visitor joins the day's queue in the same step, due at its start, so
   there is no moment at which a checked-in visitor is in no queue. */
const char* kCheckIn = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
local a = redis.call('HMGET', KEYS[1], 'status', 'ref', 'services', 'start')
if a[1] == 'checked_in' then return record(KEYS[1], KEYS[2]) end
if a[1] ~= 'confirmed' then return {'PRECOND'} end
local t = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[1])
local tk = ticket(t)
redis.call('HSET', KEYS[1], 'status', 'checked_in', 'ticket', tk)
tally_appt(KEYS[1], 'checked_in', nil)
queue_add(KEYS[4], KEYS[5], {t = tk, n = t, k = 'a', r = a[2], s = cjson.decode(a[3]),
          due = tonumber(a[4]) * 60000, st = 'waiting', d = '', f = '', ca = 0, sa = 0, c = 0},
          ARGV[1])
return record(KEYS[1], KEYS[2])
)lua";

/* The office's day: one queue (api/store.h, QueueEntry). Keys of one office
   and day, all with the office's hash tag: q:<day> (hash: ver, the version
   every write raises; seq, the calls so far), q:<day>:e (hash ticket ->
   entry JSON), q:<day>:d (hash desk -> desk JSON), q:<day>:c (list of call
   JSON, newest first, capped), and qdur (hash service key -> measured
   minutes "m,m,...", newest first, capped; kept across days). Entries are
   JSON (cjson) because only these scripts and C++ read them, whole.

   Why one script per step: "call next" reads every waiting entry, picks one
   and marks it called with the desk as its current visitor before any other
   command runs, so two desks (on any replicas) calling at the same moment
   are served one after the other and never see the same waiting entry. The
   rule is api::NextForDesk, repeated here: transferred to this desk first,
   then appointments due (by start), walk-ins (by number), appointments due
   later; ties by number. */
const char* kQueueRead = R"lua(
return {redis.call('HGET', KEYS[1], 'ver') or '0', redis.call('HGET', KEYS[1], 'seq') or '0',
        redis.call('HVALS', KEYS[2]), redis.call('HVALS', KEYS[3]),
        redis.call('LRANGE', KEYS[4], 0, -1), redis.call('HGETALL', KEYS[5])}
)lua";

/* queue_calls. KEYS: the day's queue (meta), calls. The display's read. */
const char* kQueueCalls = R"lua(
return {redis.call('HGET', KEYS[1], 'seq') or '0', redis.call('LRANGE', KEYS[2], 0, -1)}
)lua";

/* queue_issue. KEYS: the day's queue, entries, tickets of the day. ARGV:
   the version the caller judged the cut-off on, the entry JSON (ticket and
   number are drawn here), TTL ms. Tallies go to the day of KEYS[1]. A version that moved answers STALE before
   any write: another ticket, call or desk change may have used the time. */
const char* kQueueIssue = R"lua(
if (redis.call('HGET', KEYS[1], 'ver') or '0') ~= ARGV[1] then return {'STALE'} end
local e = cjson.decode(ARGV[2])
local t = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
e.t = ticket(t)
e.n = t
e.st = 'waiting'
e.d = ''
e.f = ''
e.c = 0
queue_add(KEYS[1], KEYS[2], e, ARGV[3])
tally(KEYS[1], string.match(KEYS[1], ':q:([^:]+)$'), {{'wi:' .. svc_key(e.s), 1}})
return {'OK', cjson.encode(e)}
)lua";

/* queue_desk. KEYS: the day's queue, desks. ARGV: desk, open '1'/'0',
   closes at ms ('0' = as its hours say), TTL ms. The desk's current
   visitor is kept. */
const char* kQueueDesk = R"lua(
local raw = redis.call('HGET', KEYS[2], ARGV[1])
local d = raw and cjson.decode(raw) or {id = ARGV[1], cur = ''}
d.open = ARGV[2] == '1'
d.cl = tonumber(ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(d))
queue_touch(KEYS[1], ARGV[4], {KEYS[2]})
return {'OK', cjson.encode(d)}
)lua";

/* queue_call. KEYS: the day's queue, entries, desks, calls. ARGV: desk, now
   ms, TTL ms, then the services the desk can do. PRECOND: the desk is not
   open, past its closing time, or still has a visitor. NOTFOUND: nobody it
   can serve waits. */
const char* kQueueCall = R"lua(
local raw = redis.call('HGET', KEYS[3], ARGV[1])
if not raw then return {'PRECOND'} end
local d = cjson.decode(raw)
local now = tonumber(ARGV[2])
if not d.open or (d.cl ~= 0 and d.cl <= now) or d.cur ~= '' then return {'PRECOND'} end
local can = {}
for i = 4, #ARGV do can[ARGV[i]] = true end
local best, b1, b2, b3
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do
  local e = cjson.decode(v)
  if e.st == 'waiting' and (e.f == '' or e.f == ARGV[1]) then
    local able = true
    for _, svc in ipairs(e.s) do if not can[svc] then able = false end end
    if able then
      local rank
      if e.f ~= '' then rank = 0 elseif e.k == 'w' then rank = 2
      elseif e.due <= now then rank = 1 else rank = 3 end
      local order = 0
      if rank == 1 or rank == 3 then order = e.due end
      if best == nil or rank < b1 or (rank == b1 and (order < b2 or (order == b2 and e.n < b3))) then
        best, b1, b2, b3 = e, rank, order, e.n
      end
    end
  end
end
if best == nil then return {'NOTFOUND'} end
best.st = 'called'
best.d = ARGV[1]
best.f = ''
if best.c == 0 then
  local waited = math.max(0, math.floor((now - best.due) / 60000))
  tally(KEYS[1], string.match(KEYS[1], ':q:([^:]+)$'),
        {{'wt:' .. best.k .. ':' .. fmt(math.min(waited, 240)), 1}})
end
announce(KEYS[1], KEYS[4], best, ARGV[1], now)
redis.call('HSET', KEYS[2], best.t, cjson.encode(best))
d.cur = best.t
redis.call('HSET', KEYS[3], ARGV[1], cjson.encode(d))
queue_touch(KEYS[1], ARGV[3], {KEYS[2], KEYS[3], KEYS[4]})
return {'OK', cjson.encode(best)}
)lua";

/* queue_step. KEYS: the day's queue, entries, desks, calls, durations.
   ARGV: desk, action (recall|start|done|no_show|requeue|transfer), now ms,
   the other desk (transfer), the appointment key without its reference,
   TTL ms, durations kept. Done and no-show close a checked-in appointment
   in the same step; its key is built from ARGV[5] (same office, so the same
   hash slot: see read_claims). Done adds the visit's minutes (start to done,
   rounded, at least 1) to the service key's list. */
const char* kQueueStep = R"lua(
local raw = redis.call('HGET', KEYS[3], ARGV[1])
if not raw then return {'PRECOND'} end
local d = cjson.decode(raw)
if d.cur == '' then return {'PRECOND'} end
local e = cjson.decode(redis.call('HGET', KEYS[2], d.cur))
local act, now = ARGV[2], tonumber(ARGV[3])
local function close_appt(status)
  if e.r == '' then return end
  local akey = ARGV[5] .. e.r
  if redis.call('HGET', akey, 'status') == 'checked_in' then
    redis.call('HSET', akey, 'status', status, 'closed', fmt(now))
    if status == 'no_show' then tally_appt(akey, 'no_show', now) end
  end
end
if act == 'recall' then
  if e.st ~= 'called' then return {'PRECOND'} end
  announce(KEYS[1], KEYS[4], e, ARGV[1], now)
elseif act == 'start' then
  if e.st ~= 'called' then return {'PRECOND'} end
  e.st = 'serving'
  e.sa = now
elseif act == 'done' then
  if e.st ~= 'serving' then return {'PRECOND'} end
  e.st = 'done'
  local m = math.max(1, math.floor((now - e.sa + 30000) / 60000))
  local sorted = {}
  for i, v in ipairs(e.s) do sorted[i] = v end
  table.sort(sorted)
  local key = table.concat(sorted, '+')
  local old = redis.call('HGET', KEYS[5], key)
  local list = fmt(m)
  if old then
    local n = 1
    for v in string.gmatch(old, '[^,]+') do
      if n >= tonumber(ARGV[7]) then break end
      list = list .. ',' .. v
      n = n + 1
    end
  end
  redis.call('HSET', KEYS[5], key, list)
  tally(KEYS[1], string.match(KEYS[1], ':q:([^:]+)$'),
        {{'sv:' .. ARGV[1] .. ':' .. key, 1}, {'sm:' .. ARGV[1], m},
         {'dur:' .. key .. ':' .. fmt(math.min(m, 240)), 1}})
  close_appt('done')
  d.cur = ''
elseif act == 'no_show' then
  if e.st ~= 'called' then return {'PRECOND'} end
  e.st = 'no_show'
  close_appt('no_show')
  d.cur = ''
elseif act == 'requeue' or act == 'transfer' then
  e.st = 'waiting'
  e.f = ''
  if act == 'transfer' then e.f = ARGV[4] end
  d.cur = ''
else
  return {'PRECOND'}
end
redis.call('HSET', KEYS[2], e.t, cjson.encode(e))
redis.call('HSET', KEYS[3], ARGV[1], cjson.encode(d))
queue_touch(KEYS[1], ARGV[6], {KEYS[2], KEYS[3], KEYS[4]})
return {'OK', cjson.encode(e)}
)lua";

/* mark_no_show. KEYS: appointment, notes, claims of the desk the caller
   read, active. ARGV: that desk, latest start (minutes), closed ms. An
   appointment still confirmed whose start is at or before the latest start
   becomes no_show and frees its claim (its desk time is free again at once),
   as cancel does. RETRY: it moved to another desk meanwhile. */
const char* kMarkNoShow = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
local a = redis.call('HMGET', KEYS[1], 'desk', 'status', 'start', 'claim_end', 'ref')
if a[1] ~= ARGV[1] then return {'RETRY'} end
if a[2] ~= 'confirmed' or tonumber(a[3]) > tonumber(ARGV[2]) then return {'PRECOND'} end
redis.call('ZREM', KEYS[3], appt_member(a[3], a[4], a[5]))
redis.call('HSET', KEYS[1], 'status', 'no_show', 'closed', ARGV[3])
tally_appt(KEYS[1], 'no_show', tonumber(ARGV[3]))
redis.call('ZREM', KEYS[4], a[5])
return record(KEYS[1], KEYS[2])
)lua";

/* add_note. KEYS: appointment, notes. ARGV: the note as JSON. At most 100
   notes per appointment, as in the memory store. */
const char* kAddNote = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
if redis.call('LLEN', KEYS[2]) >= 100 then return {'PRECOND'} end
redis.call('RPUSH', KEYS[2], ARGV[1])
return record(KEYS[1], KEYS[2])
)lua";

/* put_office_config. KEYS: cfg, active, outbox, outbox seq, desks, cmax.
   ARGV: expected version, document, now_ms, cancel_conflicting ('1'/'0'),
   judged begin, judged end (minutes), the office's claims, hold and
   appointment key prefixes (the id is appended), the job type number of a
   cancellation by the office, d, then per desk of the new configuration:
   its id, k, k service ids, m, m begin/end pairs of its open time (minutes).
   Returns {OK, new version, voided holds, ref, start, ref, start, ...} once
   written; {AFFECTED, 0, voided holds, ref, start, ...} if appointments do
   not fit and cancel_conflicting is off (nothing written); {BEYOND, end} if
   a claim ends after the judged range (nothing written: judge a longer one);
   {CONFLICT} if the version moved.
   Why the judging is here and not in the API: this script runs in the same
   serial order as every booking step of the office (same hash slot, one
   script at a time). A hold or appointment written before it is among the
   claims judged below; one written after it carries the old version and
   meets stale(). So there is no window between listing what a change
   affects and saving it, which a list made by the API beforehand had: a
   hotline booking landing in between stayed on the closed day. Every claim
   of the office from the judged begin on is read (ZRANGEBYSCORE from
   begin - cmax, as in taken()); its visit's services come from its record
   (JSON array, cjson). An admin change is rare and an office holds a few
   thousand claims: this is milliseconds of Redis time. Nothing is written
   until every claim is judged, so a refused change changes nothing. A voided
   hold keeps its record (confirm answers VOID) but loses its claim. */
const char* kPutOfficeConfig = R"lua(
local cur = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
if cur ~= tonumber(ARGV[1]) then return {'CONFLICT'} end
local now = tonumber(ARGV[3])
local b, e = tonumber(ARGV[5]), tonumber(ARGV[6])
local cpre, hpre, apre = ARGV[7], ARGV[8], ARGV[9]
local fit = {}
local i = 12
for _ = 1, tonumber(ARGV[11]) do
  local f = {can = {}, open = {}}
  fit[ARGV[i]] = f
  local k = tonumber(ARGV[i + 1])
  i = i + 2
  for _ = 1, k do f.can[ARGV[i]] = true; i = i + 1 end
  local m = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, m do
    f.open[#f.open + 1] = {tonumber(ARGV[i]), tonumber(ARGV[i + 1])}
    i = i + 2
  end
end
local function fits(desk, services, s, ce)
  local f = fit[desk]
  if not f then return false end
  local ok, list = pcall(cjson.decode, services or '[]')
  if not ok or type(list) ~= 'table' then return false end
  for _, sv in ipairs(list) do
    if not f.can[sv] then return false end
  end
  for _, iv in ipairs(f.open) do
    if iv[1] <= s and ce <= iv[2] then return true end
  end
  return false
end
local appts, holds, beyond = {}, {}, 0
for _, desk in ipairs(redis.call('SMEMBERS', KEYS[5])) do
  local ckey = cpre .. desk
  local maxlen = tonumber(redis.call('HGET', KEYS[6], desk) or '0')
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', ckey, fmt(b - maxlen), '+inf')) do
    local s, ce, x = parse_claim(m)
    local kind, id = string.match(m, '^%-?%d+:%-?%d+:%d+:(%a):(.*)$')
    if ce > b and (x == 0 or x > now) then
      if ce > e then
        if ce > beyond then beyond = ce end
      elseif kind == 'h' then
        if not fits(desk, redis.call('HGET', hpre .. id, 'services'), s, ce) then
          holds[#holds + 1] = {ckey, m, hpre .. id}
        end
      else
        local a = redis.call('HMGET', apre .. id, 'status', 'services')
        if active(a[1]) and not fits(desk, a[2], s, ce) then
          appts[#appts + 1] = {ckey, m, id, s}
        end
      end
    end
  end
end
if beyond > 0 then return {'BEYOND', beyond} end
table.sort(appts, function(x, y) return x[4] < y[4] or (x[4] == y[4] and x[3] < y[3]) end)
local out = {'OK', 0, #holds}
for _, a in ipairs(appts) do
  out[#out + 1] = a[3]
  out[#out + 1] = a[4]
end
if #appts > 0 and ARGV[4] ~= '1' then
  out[1] = 'AFFECTED'
  return out
end
for _, a in ipairs(appts) do
  local akey = apre .. a[3]
  redis.call('ZREM', a[1], a[2])
  local was = redis.call('HGET', akey, 'status')
  redis.call('HSET', akey, 'status', 'cancelled', 'reason', 'office_change', 'closed', ARGV[3])
  -- an open double opt-in was no booking yet (api/tally.h, ox)
  tally_appt(akey, was == 'preconfirmed' and 'opt_in_cancelled' or 'cancelled', tonumber(ARGV[3]))
  redis.call('HINCRBY', akey, 'rev', 1)
  redis.call('ZREM', KEYS[2], a[3])
  local c = redis.call('HMGET', akey, 'email', 'phone')
  if (c[1] or '') ~= '' or (c[2] or '') ~= '' then
    local seq = redis.call('INCR', KEYS[4])
    redis.call('ZADD', KEYS[3], ARGV[3], fmt(seq) .. ':' .. ARGV[10] .. ':' .. ARGV[3] .. ':' .. a[3])
  end
end
for _, h in ipairs(holds) do
  redis.call('ZREM', h[1], h[2])
  redis.call('HSET', h[3], 'void', '1')
end
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'ver', fmt(cur + 1))
out[2] = cur + 1
return out
)lua";

/* put_service_config. KEYS: documents, versions ({svc} tag). ARGV: id,
   document. Returns {OK, new version}. */
const char* kPutServiceConfig = R"lua(
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {'OK', redis.call('HINCRBY', KEYS[2], ARGV[1], 1)}
)lua";

/* touch_office_config. KEYS: cfg. Returns {OK, new version}, or NOTFOUND
   if the office has no configuration.
   A new version with the document unchanged, after a change to a service
   the office offers. Services live in their own hash slot ({svc}), which no
   office script may read, so the claiming scripts cannot check a service's
   version themselves; they check the office's (stale()), and this moves it:
   a step proposed on the old service carries the old office version. The
   version is also kept as 'touch': holds placed before it are checked again
   before they are confirmed (confirm_hold). */
const char* kTouchOfficeConfig = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
local v = redis.call('HINCRBY', KEYS[1], 'ver', 1)
redis.call('HSET', KEYS[1], 'touch', v)
return {'OK', v}
)lua";

/* idem_begin. KEYS: the record. ARGV: request hash, ttl_ms, lease_ms.
   First use writes "started" with its TTL in the same step as the check, so
   of two concurrent first uses exactly one starts; the other sees it in
   progress. The same key with another request body is a mismatch. A
   started record whose lease ran out (its process died, or answered 5xx
   without finishing) is taken over: the booking steps are idempotent on
   their own (step markers), so running the request again ends in the true
   answer instead of "in progress" for a day. */
const char* kIdemBegin = R"lua(
local now = now_ms()
local r = redis.call('HMGET', KEYS[1], 'hash', 'state', 'status', 'ctype', 'body', 'location', 'lease')
if not r[1] then
  redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'state', 'started', 'lease', fmt(now + tonumber(ARGV[3])))
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'STARTED'}
end
if r[1] ~= ARGV[1] then return {'MISMATCH'} end
if r[2] ~= 'done' then
  if tonumber(r[7] or '0') <= now then
    redis.call('HSET', KEYS[1], 'lease', fmt(now + tonumber(ARGV[3])))
    return {'STARTED'}
  end
  return {'INPROGRESS'}
end
return {'REPLAY', r[3] or '0', r[4] or '', r[5] or '', r[6] or ''}
)lua";

/* idem_finish. KEYS: the record. ARGV: status, content type, body, location.
   Keeps the TTL of the first use (HSET does not touch it). */
const char* kIdemFinish = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[1], 'ctype', ARGV[2],
           'body', ARGV[3], 'location', ARGV[4])
return {'OK'}
)lua";

/* take_token. KEYS: the client's bucket (hash t, at). ARGV: capacity,
   period_ms. A token bucket on the server clock: `capacity` tokens, refilled
   at capacity per period; takes one. A bucket left alone for a period is
   full again, so it expires then. */
const char* kTakeToken = R"lua(
local now = now_ms()
local cap = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local r = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(r[1] or '') or cap
local at = tonumber(r[2] or '') or now
if now > at then tokens = math.min(cap, tokens + (now - at) * cap / period) end
if tokens < 1 then
  return {'LIMIT', fmt(math.ceil((1 - tokens) * period / cap))}
end
redis.call('HSET', KEYS[1], 't', string.format('%.4f', tokens - 1), 'at', fmt(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], fmt(period))
return {'OK'}
)lua";

/* admit_open_hold. KEYS: the client's open holds (zset id -> lapses at ms).
   ARGV: hold id, max, ttl_ms. A hold already admitted is admitted again and
   kept open at least ttl_ms from now (ZADD GT: an extended hold never
   lapses sooner for it). */
const char* kAdmitOpenHold = R"lua(
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now))
local until_ms = now + tonumber(ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'GT', fmt(until_ms), ARGV[1])
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[1], fmt(math.max(1, tonumber(last[2]) - now)))
  return {'OK'}
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {'LIMIT', fmt(math.max(0, tonumber(first[2]) - now))}
end
redis.call('ZADD', KEYS[1], fmt(until_ms), ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], fmt(math.max(1, tonumber(last[2]) - now)))
return {'OK'}
)lua";

/* release_join. KEYS: the queue's z (ticket -> order), c (client ->
   ticket), t (ticket -> client), n (late counter). ARGV: client, ticket id,
   order ('' = late: after every ticket so far), keep_ms. Returns {ticket,
   client, rank, size}: the client's ticket, new or not. */
const char* kReleaseJoin = R"lua(
local t = redis.call('HGET', KEYS[2], ARGV[1])
if not t then
  t = ARGV[2]
  if redis.call('HEXISTS', KEYS[3], t) == 1 then return redis.error_reply('ticket id in use') end
  local order = ARGV[3]
  if order == '' then order = fmt(2199023255552 + redis.call('INCR', KEYS[4])) end
  redis.call('ZADD', KEYS[1], order, t)
  redis.call('HSET', KEYS[2], ARGV[1], t)
  redis.call('HSET', KEYS[3], t, ARGV[1])
end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
return {t, redis.call('HGET', KEYS[3], t), redis.call('ZRANK', KEYS[1], t), redis.call('ZCARD', KEYS[1])}
)lua";

/* release_read. KEYS: z, t of release_join. ARGV: ticket id. Returns
   {ticket, client, rank, size}, or {} for an unknown ticket. */
const char* kReleaseRead = R"lua(
local client = redis.call('HGET', KEYS[2], ARGV[1])
if not client then return {} end
return {ARGV[1], client, redis.call('ZRANK', KEYS[1], ARGV[1]), redis.call('ZCARD', KEYS[1])}
)lua";

/* erase_contact. KEYS: appointment, notes. ARGV: cutoff_ms.
   Contact data goes when the visit's claim ended before the cutoff, or when
   it was cancelled before the cutoff (the memory store's rule). Judged here,
   in one step, so a visit moved into the future meanwhile keeps its contact.
   Staff notes go too: they may name people. Returns {OK, 1} if erased. */
const char* kEraseContact = R"lua(
local a = redis.call('HMGET', KEYS[1], 'status', 'closed', 'claim_end', 'erased')
if not a[1] or a[4] == '1' then return {'OK', 0} end
local cutoff = tonumber(ARGV[1])
local over = tonumber(a[3]) * 60000 < cutoff
local cancelled = a[1] == 'cancelled' and tonumber(a[2] or '0') < cutoff
if not over and not cancelled then return {'OK', 0} end
redis.call('HSET', KEYS[1], 'name', '', 'email', '', 'phone', '', 'lang', '', 'rem', '0',
           'erased', '1')
redis.call('DEL', KEYS[2])
return {'OK', 1}
)lua";

/* purge_claims. KEYS: claims of one desk. Removes claims of expired holds
   and released places older than RELEASED_KEPT_MS (they are already
   ignored; this only keeps the set small). */
const char* kPurgeClaims = R"lua(
local now = now_ms()
local n = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local _, _, x = parse_claim(m)
  if x ~= 0 and x + RELEASED_KEPT_MS <= now then
    redis.call('ZREM', KEYS[1], m)
    n = n + 1
  end
end
return {'OK', n}
)lua";

/* The waitlist (api/store.h, Wish). Keys: "P{o:X}:w:<id>" (hash: id
   secret office services desks (JSON) dur occ (minutes) win (JSON [[begin,
   end], ...], minutes: the start ranges that suit) name email phone lang
   created exp (ms) osecret ottl (ms) state (waiting|offered) hold; ids
   (JSON identity digests) ilimit: fair use, offers pass a wish over whose
   identity is at its quota, wish_at_limit), "P{o:X}:
   wl" (zset id -> arrival number, from the counter "P{o:X}:wseq": every
   wish of the office) and "P{o:X}:wd:<desk>" (zset id -> arrival number:
   the wishes a place on that desk may suit). The wish
   expires by itself (PEXPIREAT exp; once offered, the offer's end + 1 h), so
   its contact data goes with it; the index entries of an expired wish are
   dropped when met. offer_place (prelude) is the matching; it runs in the
   step that frees a place (cancel, release_hold: a given-back hold or a
   declined offer), in place_hold for the lapsed places a public hold meets,
   and in offer_released for lapsed holds and offers: a place is never free
   to the public while a wish it suits waits, and it is offered once (the
   offer-hold is a claim). The oldest wish first (ZRANGE by arrival).

   add_wish. KEYS: wish, wl. ARGV: created ms, exp ms, desks JSON, then
   field/value pairs. Returns {OK} / {PRECOND} (id in use). */
const char* kAddWish = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return {'PRECOND'} end
local px = office_prefix(KEYS[1])
redis.call('HSET', KEYS[1], 'created', ARGV[1], 'exp', ARGV[2], 'desks', ARGV[3], 'state', 'waiting',
           unpack(ARGV, 4, #ARGV))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
local id = redis.call('HGET', KEYS[1], 'id')
local made = redis.call('HGET', KEYS[1], 'day')
if made and made ~= '' then
  redis.call('HSET', px .. 'wday', id, made)
  tally(px, made, {{'wl:made', 1}})
end
-- first come, first served: the order of arrival here, not the (replica's) clock
local seq = redis.call('INCR', px .. 'wseq')
redis.call('ZADD', KEYS[2], seq, id)
for _, d in ipairs(cjson.decode(ARGV[3])) do redis.call('ZADD', px .. 'wd:' .. d, seq, id) end
return {'OK'}
)lua";

/* withdraw_wish. KEYS: wish. ARGV: secret hash. A live offer-hold of it is
   released and its place offered on, in this step. {OK} / {NOTFOUND}. */
const char* kWithdrawWish = R"lua(
local w = redis.call('HMGET', KEYS[1], 'secret', 'id', 'hold')
if not w[1] or w[1] ~= ARGV[1] then return {'NOTFOUND'} end
local px = office_prefix(KEYS[1])
local now = now_ms()
drop_wish(px, w[2], 'withdrawn')
if w[3] then
  local hk = px .. 'h:' .. w[3]
  local h = redis.call('HMGET', hk, 'member', 'start', 'claim_end', 'desk')
  if h[1] then
    local claims = px .. 'c:' .. h[4]
    local _, _, x = parse_claim(h[1])
    redis.call('DEL', hk)
    if x > now and redis.call('ZSCORE', claims, h[1]) then
      local rm = h[2] .. ':' .. h[3] .. ':' .. fmt(now) .. ':r:' .. w[3]
      redis.call('ZREM', claims, h[1])
      redis.call('ZADD', claims, h[2], rm)
      offer_freed(px, h[4], rm, now)
    end
  end
end
return {'OK'}
)lua";

/* offer_released. KEYS: desks, wl. ARGV: –. The sweep of one office: wishes
   that expired, or whose offer lapsed or was taken, are erased; then every
   future lapsed hold, lapsed offer and released place not yet offered is
   offered (offer_place). Returns {OK, offers made}. */
const char* kOfferReleased = R"lua(
local now = now_ms()
local px = office_prefix(KEYS[1])
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local w = redis.call('HMGET', px .. 'w:' .. id, 'state', 'exp', 'hold')
  -- a wish gone by itself expired while waiting (an offered one is kept
  -- an hour past its offer, and this sweep runs every few seconds)
  if not w[1] or tonumber(w[2]) <= now and w[1] == 'waiting' then
    drop_wish(px, id, 'expired')
  elseif w[1] == 'offered' then
    local exp = redis.call('HGET', px .. 'h:' .. w[3], 'exp')
    if not exp or tonumber(exp) <= now then drop_wish(px, id, 'lapsed') end
  end
end
local n = 0
if redis.call('ZCARD', KEYS[2]) == 0 then return {'OK', 0} end
local from = fmt(math.floor(now / 60000))
for _, desk in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', px .. 'wd:' .. desk) == 1 then
    for _, m in ipairs(redis.call('ZRANGEBYSCORE', px .. 'c:' .. desk, from, '+inf')) do
      local _, _, x = parse_claim(m)
      if x ~= 0 and x <= now then n = n + offer_freed(px, desk, m, now) end
    end
  end
end
return {'OK', n}
)lua";

/* confirm_opt_in. KEYS: appointment, notes, claims of the desk the caller
   read, outbox, outbox seq. ARGV: desk as read, then job triples. Double
   opt-in (api/store.h, kPreconfirmed): while its cby (ms) lies ahead of the
   server clock, the booking's lapsing claim member is swapped for a
   permanent one and the record says confirmed, with the jobs written in the
   same step; once cby passed, GONE (the member lapsed and its place may
   have gone to someone else). A confirmed one answers its record again. */
const char* kConfirmOptIn = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOTFOUND'} end
local a = redis.call('HMGET', KEYS[1], 'desk', 'status', 'start', 'claim_end', 'ref', 'cby')
if a[1] ~= ARGV[1] then return {'RETRY'} end
if a[2] == 'confirmed' then return record(KEYS[1], KEYS[2]) end
if a[2] ~= 'preconfirmed' then return {'PRECOND'} end
if tonumber(a[6] or '0') <= now_ms() then return {'GONE'} end
redis.call('ZREM', KEYS[3], a[3] .. ':' .. a[4] .. ':' .. a[6] .. ':a:' .. a[5])
redis.call('ZADD', KEYS[3], a[3], appt_member(a[3], a[4], a[5]))
redis.call('HSET', KEYS[1], 'status', 'confirmed', 'cby', '0')
tally_appt(KEYS[1], 'opt_in_confirmed', nil)
add_jobs(KEYS[4], KEYS[5], 2)
return record(KEYS[1], KEYS[2])
)lua";

/* identity_at_limit. KEYS: the office's config hash (names its slot).
   ARGV: limit, services JSON, then the identity digests. Read only: whether
   an identity's quota is used up (at_identity_limit), what a new wish is
   judged by before it is written. Returns {OK, 0|1}. */
const char* kIdentityAtLimit = R"lua(
local px = office_prefix(KEYS[1])
local mine = {}
for _, svc in ipairs(cjson.decode(ARGV[2])) do mine[svc] = true end
local ids = {}
for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
return {'OK', at_identity_limit(px, ids, mine, tonumber(ARGV[1]), now_ms()) and 1 or 0}
)lua";

// `tallies` false: the benchmark's variant without evaluation tallies (the
// first line of the prelude says so), to measure what they cost.
std::vector<RedisScriptSource> Build(bool tallies) {
  auto with_prelude = [tallies](const char* body) {
    return std::string(tallies ? "local TALLIES = true\n" : "local TALLIES = false\n") + kPrelude + body;
  };
  std::vector<RedisScriptSource> v(static_cast<size_t>(RedisScript::kCount));
  auto set = [&](RedisScript s, const char* name, const char* body) {
    v[static_cast<size_t>(s)] = RedisScriptSource{name, with_prelude(body)};
  };
  v[static_cast<size_t>(RedisScript::kReadClaims)] = RedisScriptSource{"read_claims", kReadClaims};
  set(RedisScript::kPlaceHold, "place_hold", kPlaceHold);
  set(RedisScript::kReleaseHold, "release_hold", kReleaseHold);
  set(RedisScript::kExtendHold, "extend_hold", kExtendHold);
  set(RedisScript::kConfirmHold, "confirm_hold", kConfirmHold);
  set(RedisScript::kCreateAppointment, "create_appointment", kCreateAppointment);
  set(RedisScript::kCancel, "cancel", kCancel);
  set(RedisScript::kMove, "move", kMove);
  set(RedisScript::kCheckIn, "check_in", kCheckIn);
  set(RedisScript::kAddNote, "add_note", kAddNote);
  set(RedisScript::kPutOfficeConfig, "put_office_config", kPutOfficeConfig);
  set(RedisScript::kPutServiceConfig, "put_service_config", kPutServiceConfig);
  set(RedisScript::kTouchOfficeConfig, "touch_office_config", kTouchOfficeConfig);
  set(RedisScript::kIdemBegin, "idem_begin", kIdemBegin);
  set(RedisScript::kIdemFinish, "idem_finish", kIdemFinish);
  set(RedisScript::kEraseContact, "erase_contact", kEraseContact);
  set(RedisScript::kPurgeClaims, "purge_claims", kPurgeClaims);
  set(RedisScript::kAddWish, "add_wish", kAddWish);
  set(RedisScript::kWithdrawWish, "withdraw_wish", kWithdrawWish);
  set(RedisScript::kOfferReleased, "offer_released", kOfferReleased);
  set(RedisScript::kConfirmOptIn, "confirm_opt_in", kConfirmOptIn);
  set(RedisScript::kIdentityAtLimit, "identity_at_limit", kIdentityAtLimit);
  set(RedisScript::kTakeToken, "take_token", kTakeToken);
  set(RedisScript::kAdmitOpenHold, "admit_open_hold", kAdmitOpenHold);
  set(RedisScript::kQueueRead, "queue_read", kQueueRead);
  set(RedisScript::kQueueCalls, "queue_calls", kQueueCalls);
  set(RedisScript::kQueueIssue, "queue_issue", kQueueIssue);
  set(RedisScript::kQueueDesk, "queue_desk", kQueueDesk);
  set(RedisScript::kQueueCall, "queue_call", kQueueCall);
  set(RedisScript::kQueueStep, "queue_step", kQueueStep);
  set(RedisScript::kMarkNoShow, "mark_no_show", kMarkNoShow);
  set(RedisScript::kReleaseJoin, "release_join", kReleaseJoin);
  set(RedisScript::kReleaseRead, "release_read", kReleaseRead);
  return v;
}

}  // namespace

const std::vector<RedisScriptSource>& RedisScripts(bool tallies) {
  static const std::vector<RedisScriptSource> with = Build(true);
  static const std::vector<RedisScriptSource> without = Build(false);
  return tallies ? with : without;
}

}  // namespace termin::service
