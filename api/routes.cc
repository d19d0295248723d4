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
  r.Add("GET", "/v1/offices", bind(&App::ListOffices));
  r.Add("GET", "/v1/offices/{officeId}", bind(&App::GetOffice));
  r.Add("GET", "/v1/services", bind(&App::ListServices));
  r.Add("GET", "/v1/availability", bind(&App::GetAvailability));
  r.Add("GET", "/v1/availability/next", bind(&App::GetNextAvailability));
  r.Add("POST", "/v1/holds", bind(&App::CreateHold));
  r.Add("DELETE", "/v1/holds/{holdId}", bind(&App::DeleteHold));
  r.Add("POST", "/v1/holds/{holdId}/extend", bind(&App::ExtendHold));
  r.Add("POST", "/v1/appointments", bind(&App::CreateAppointment));
  r.Add("GET", "/v1/appointments/{reference}", bind(&App::GetAppointment));
  r.Add("POST", "/v1/appointments/{reference}/cancel", bind(&App::CancelAppointment));
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
  // Admin.
  r.Add("GET", "/v1/admin/offices/{officeId}", bind(&App::AdminGetOffice));
  r.Add("PUT", "/v1/admin/offices/{officeId}", bind(&App::AdminPutOffice));
  r.Add("GET", "/v1/admin/services", bind(&App::AdminListServices));
  r.Add("PUT", "/v1/admin/services/{serviceId}", bind(&App::AdminPutService));
  r.Add("GET", "/v1/admin/dead-letters", bind(&App::AdminListDeadLetters));
  r.Add("POST", "/v1/admin/dead-letters/{letterId}/requeue", bind(&App::AdminRequeueDeadLetter));
  // Operations.
  r.Add("GET", "/healthz", bind(&App::Healthz));
  r.Add("GET", "/readyz", bind(&App::Readyz));
  r.Add("GET", "/metrics", bind(&App::Metrics));
}

}  // namespace termin::api
