// The route table: every route of the API, in one place. openapi.yaml
// describes exactly these (termin-api --print-routes prints them, and the
// contract test holds the two against each other).
#include "api/app.h"

namespace termin::api {

void App::RegisterRoutes() {
  auto bind = [this](HttpResponse (App::*handler)(const Call&)) {
    return [this, handler](const Call& call) { return (this->*handler)(call); };
  };
  Router& r = router_;
  // Public: the booking widget.
  // Path parameters at most as long as openapi.yaml allows (#17).
  r.LimitParam("officeId", 40);   // Id
  r.LimitParam("serviceId", 40);  // Id
  r.LimitParam("reference", 40);
  r.LimitParam("holdId", 64);
  r.LimitParam("wishId", 64);
  r.LimitParam("ticket", 40);
  r.LimitParam("letterId", 64);
  r.Add("GET", "/v1/offices", bind(&App::ListOffices));
  r.Add("GET", "/v1/offices/{officeId}", bind(&App::GetOffice));
  r.Add("GET", "/v1/services", bind(&App::ListServices));
  r.Add("GET", "/v1/availability", bind(&App::GetAvailability));
  r.Add("GET", "/v1/availability/next", bind(&App::GetNextAvailability));
  r.Add("GET", "/v1/challenge", bind(&App::GetChallenge));
  r.Add("POST", "/v1/offices/{officeId}/release-queue", bind(&App::JoinReleaseQueue));
  r.Add("GET", "/v1/offices/{officeId}/release-queue/{ticket}", bind(&App::GetReleaseTicket));
  r.Add("POST", "/v1/holds", bind(&App::CreateHold));
  r.Add("DELETE", "/v1/holds/{holdId}", bind(&App::DeleteHold));
  r.Add("POST", "/v1/holds/{holdId}/extend", bind(&App::ExtendHold));
  r.Add("POST", "/v1/appointments", bind(&App::CreateAppointment));
  r.Add("POST", "/v1/waitlist", bind(&App::CreateWish));
  r.Add("DELETE", "/v1/waitlist/{wishId}", bind(&App::WithdrawWish));
  r.Add("GET", "/v1/waitlist/offers/{holdId}", bind(&App::GetOffer));
  r.Add("POST", "/v1/waitlist/offers/{holdId}/accept", bind(&App::AcceptOffer));
  r.Add("POST", "/v1/waitlist/offers/{holdId}/decline", bind(&App::DeclineOffer));
  r.Add("GET", "/v1/appointments/{reference}", bind(&App::GetAppointment));
  r.Add("POST", "/v1/appointments/{reference}/cancel", bind(&App::CancelAppointment));
  r.Add("POST", "/v1/appointments/{reference}/confirm", bind(&App::ConfirmOptIn));
  r.Add("POST", "/v1/appointments/{reference}/move", bind(&App::MoveAppointment));
  r.Add("GET", "/v1/appointments/{reference}/ics", bind(&App::GetAppointmentIcs));
  // Hotline.
  r.Add("POST", "/v1/hotline/appointments", bind(&App::HotlineBook));
  r.Add("GET", "/v1/hotline/appointments", bind(&App::HotlineSearch));
  r.Add("GET", "/v1/hotline/appointments/{reference}", bind(&App::HotlineGet));
  r.Add("POST", "/v1/hotline/appointments/{reference}/cancel", bind(&App::HotlineCancel));
  r.Add("POST", "/v1/hotline/appointments/{reference}/move", bind(&App::HotlineMove));
  r.Add("POST", "/v1/hotline/appointments/{reference}/notes", bind(&App::HotlineNote));
  // Kiosk.
  r.Add("POST", "/v1/kiosk/checkins", bind(&App::KioskCheckIn));
  r.Add("POST", "/v1/kiosk/walkins", bind(&App::KioskWalkIn));
  r.Add("POST", "/v1/kiosk/tickets", bind(&App::KioskTicket));
  // Desk console (the office's day).
  r.Add("POST", "/v1/desk/{deskId}/open", bind(&App::DeskOpen));
  r.Add("POST", "/v1/desk/{deskId}/close", bind(&App::DeskClose));
  r.Add("POST", "/v1/desk/{deskId}/call-next", bind(&App::DeskCallNext));
  r.Add("POST", "/v1/desk/{deskId}/recall", bind(&App::DeskRecall));
  r.Add("POST", "/v1/desk/{deskId}/start", bind(&App::DeskStart));
  r.Add("POST", "/v1/desk/{deskId}/done", bind(&App::DeskDone));
  r.Add("POST", "/v1/desk/{deskId}/no-show", bind(&App::DeskNoShow));
  r.Add("POST", "/v1/desk/{deskId}/requeue", bind(&App::DeskRequeue));
  r.Add("POST", "/v1/desk/{deskId}/transfer", bind(&App::DeskTransfer));
  r.Add("GET", "/v1/desk/{deskId}/queue", bind(&App::DeskQueue));
  // Call display (no key).
  r.Add("GET", "/v1/offices/{officeId}/calls", bind(&App::OfficeCalls));
  // Admin.
  r.Add("GET", "/v1/admin/offices/{officeId}", bind(&App::AdminGetOffice));
  r.Add("PUT", "/v1/admin/offices/{officeId}", bind(&App::AdminPutOffice));
  r.Add("GET", "/v1/admin/services", bind(&App::AdminListServices));
  r.Add("PUT", "/v1/admin/services/{serviceId}", bind(&App::AdminPutService));
  r.Add("GET", "/v1/admin/dead-letters", bind(&App::AdminListDeadLetters));
  r.Add("POST", "/v1/admin/dead-letters/{letterId}/requeue", bind(&App::AdminRequeueDeadLetter));
  r.LimitParam("figure", 20);
  r.Add("GET", "/v1/admin/offices/{officeId}/evaluation/{figure}", bind(&App::AdminEvaluation));
  r.Add("GET", "/v1/admin/audit", bind(&App::AdminAudit));
  // Operations.
  r.Add("GET", "/healthz", bind(&App::Healthz));
  r.Add("GET", "/readyz", bind(&App::Readyz));
  r.Add("GET", "/metrics", bind(&App::Metrics));
}

}  // namespace termin::api
