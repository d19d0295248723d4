// A QR code as a PNG image, for the booking reference in e-mails: the
// kiosk's keyboard-wedge scanner reads it and types the reference (#13).
//
// libqrencode makes the module matrix (error correction M), libpng writes
// it: one black or white square of `scale` pixels per module, `margin`
// modules of quiet zone (the standard asks for 4), 1-bit greyscale.
//
// Thread safety: pure functions.
#ifndef TERMIN_SERVICE_NOTIFY_QR_PNG_H_
#define TERMIN_SERVICE_NOTIFY_QR_PNG_H_

#include <string>
#include <string_view>
#include <vector>

namespace termin::service {

// The modules of `text`'s QR code, row by row (true = dark); empty if it
// cannot be encoded. `width` gets the side length in modules.
std::vector<bool> QrModules(std::string_view text, int* width);

// The PNG file; empty if `text` cannot be encoded.
std::string QrPng(std::string_view text, int scale = 6, int margin = 4);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_QR_PNG_H_
