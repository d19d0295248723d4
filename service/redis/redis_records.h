// How the store's records are laid out in Redis hashes, and back.
//
// Appointments and holds are hashes of flat string fields (docs/redis.md
// lists them), not JSON blobs: the Lua scripts read and change single fields
// (status, desk, start, ...) without a JSON codec. Instants are whole minutes
// since the epoch (UTC) and TimePoints milliseconds, both as decimal text.
// Lists (services, notes) are JSON arrays of strings/objects, which only C++
// reads. Status and channel are stored as words ("confirmed", "web").
//
// Thread safety: free functions without shared state.
#ifndef TERMIN_SERVICE_REDIS_REDIS_RECORDS_H_
#define TERMIN_SERVICE_REDIS_REDIS_RECORDS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/store.h"
#include "scheduler/status.h"

namespace termin::service {

using FieldMap = std::map<std::string, std::string, std::less<>>;

std::string MinutesText(Instant t);
std::string MillisText(api::TimePoint t);

const char* StatusWord(api::AppointmentStatus s);
const char* ChannelWord(api::Channel c);

std::string ServicesJson(const std::vector<std::string>& services);
std::string NoteJson(const api::Note& note);

// Field/value pairs of an appointment hash (booking fields included).
std::vector<std::string> AppointmentFields(const api::AppointmentRecord& a);
// Field/value pairs of a hold hash, without the fields the script sets
// (ver, exp, member).
std::vector<std::string> HoldFields(const api::HoldRecord& h);

// From HGETALL (and the notes list); Internal if a field is malformed.
Result<api::AppointmentRecord> ParseAppointment(const FieldMap& fields,
                                                const std::vector<std::string>& notes);
Result<api::HoldRecord> ParseHold(const FieldMap& fields);

// The office's day: entries, desks and display lines as the queue scripts
// keep them (JSON; redis_scripts.cc, queue_read). Parsers return false on a
// malformed document.
std::string QueueEntryJson(const api::QueueEntry& e);
bool ParseQueueEntry(std::string_view json, api::QueueEntry* out);
bool ParseQueueDesk(std::string_view json, api::QueueDesk* out);
bool ParseQueueCall(std::string_view json, api::QueueCall* out);
const char* QueueStateWord(api::QueueState s);

// Outbox member "<seq>:<type>:<due_ms>:<reference>".
Result<api::OutboxJob> ParseOutboxMember(std::string_view member);
int JobTypeNumber(api::JobType t);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_REDIS_REDIS_RECORDS_H_
