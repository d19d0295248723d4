#include "service/notify/mail_message.h"

#include <openssl/evp.h>

#include <date/date.h>

#include <functional>

#include "service/notify/worker_templates.h"

namespace termin::service {

namespace {

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool PrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// A boundary that cannot occur in base64 text or our headers.
std::string Boundary(std::string_view id, std::string_view tag) {
  return "=_termin_" + std::string(tag) + "_" + std::to_string(std::hash<std::string_view>{}(id));
}

}  // namespace

std::string Base64Lines(std::string_view data) {
  std::string b = Base64(data);
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 76) {
    out.append(b, i, 76);
    out += "\r\n";
  }
  return out;
}

std::string EncodeHeaderText(std::string_view utf8) {
  if (PrintableAscii(utf8)) return std::string(utf8);
  // 39 input octets -> 52 base64 characters; with "=?UTF-8?B?" and "?=" a
  // word is 64 characters, so even the first line ("Subject: " in front)
  // stays under 78. Cut only between UTF-8 sequences.
  std::string out;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    std::size_t n = std::min<std::size_t>(39, utf8.size() - pos);
    while (n > 0 && pos + n < utf8.size() &&
           (static_cast<unsigned char>(utf8[pos + n]) & 0xC0) == 0x80) {
      --n;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(utf8.substr(pos, n)) + "?=";
    pos += n;
  }
  return out;
}

std::string Rfc5322Date(api::TimePoint t) {
  return date::format("%a, %d %b %Y %H:%M:%S +0000", std::chrono::floor<std::chrono::seconds>(t));
}

std::string BuildMailMessage(const Notification& n, std::string_view from, std::string_view to,
                             api::TimePoint now) {
  std::string mixed = Boundary(n.message_id, "m");
  std::string alt = Boundary(n.message_id, "a");
  std::string m;
  m += "From: " + std::string(from) + "\r\n";
  m += "To: " + std::string(to) + "\r\n";
  m += "Subject: " + EncodeHeaderText(n.subject) + "\r\n";
  m += "Date: " + Rfc5322Date(now) + "\r\n";
  m += "Message-ID: <" + n.message_id + ">\r\n";
  m += "Content-Language: " + n.language + "\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/mixed;\r\n boundary=\"" + mixed + "\"\r\n\r\n";
  m += "--" + mixed + "\r\n";
  m += "Content-Type: multipart/alternative;\r\n boundary=\"" + alt + "\"\r\n\r\n";
  m += "--" + alt + "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(n.text);
  m += "--" + alt + "\r\n";
  if (n.qr_png.empty()) {
    m += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    m += Base64Lines(n.html);
  } else {
    // The HTML with the reference's QR code beside it (RFC 2387): the image
    // shown at the end of the text, for the kiosk's scanner.
    const std::string related = Boundary(n.message_id, "r");
    const std::string cid = "qr." + n.message_id;
    std::string html = n.html;
    std::string img = "<p><img src=\"cid:" + cid + "\" alt=\"" + HtmlEscape(n.qr_alt) +
                      "\" width=\"174\" height=\"174\"></p>";
    const std::size_t body_end = html.rfind("</body>");
    html.insert(body_end == std::string::npos ? html.size() : body_end, img);
    m += "Content-Type: multipart/related; type=\"text/html\";\r\n boundary=\"" + related + "\"\r\n\r\n";
    m += "--" + related + "\r\n";
    m += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    m += Base64Lines(html);
    m += "--" + related + "\r\n";
    m += "Content-Type: image/png; name=\"buchungsnummer.png\"\r\n";
    m += "Content-ID: <" + cid + ">\r\n";
    m += "Content-Disposition: inline; filename=\"buchungsnummer.png\"\r\n";
    m += "Content-Transfer-Encoding: base64\r\n\r\n";
    m += Base64Lines(n.qr_png);
    m += "--" + related + "--\r\n";
  }
  m += "--" + alt + "--\r\n";
  if (!n.ics.empty()) {
    m += "--" + mixed + "\r\n";
    // The MIME method is the file's own METHOD (RFC 6047 2.4).
    std::string method = "PUBLISH";
    if (auto at = n.ics.find("\r\nMETHOD:"); at != std::string::npos) {
      const std::size_t from = at + 9;
      method = n.ics.substr(from, n.ics.find("\r\n", from) - from);
    }
    m += "Content-Type: text/calendar; charset=utf-8; method=" + method + ";\r\n name=\"termin.ics\"\r\n";
    m += "Content-Disposition: attachment; filename=\"termin.ics\"\r\n";
    m += "Content-Transfer-Encoding: base64\r\n\r\n";
    m += Base64Lines(n.ics);
  }
  m += "--" + mixed + "--\r\n";
  return m;
}

}  // namespace termin::service
