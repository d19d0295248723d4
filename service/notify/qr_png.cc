#include "service/notify/qr_png.h"

#include <png.h>
#include <qrencode.h>

#include <memory>

namespace termin::service {

std::vector<bool> QrModules(std::string_view text, int* width) {
  *width = 0;
  const std::string s(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(s.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) return {};
  *width = code->width;
  std::vector<bool> out(static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = (code->data[i] & 1) != 0;
  return out;
}

std::string QrPng(std::string_view text, int scale, int margin) {
  int modules = 0;
  const std::vector<bool> dark = QrModules(text, &modules);
  if (modules == 0) return "";
  const int side = (modules + 2 * margin) * scale;
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return "";
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return "";
  }
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep data, png_size_t n) {
        static_cast<std::string*>(png_get_io_ptr(p))->append(reinterpret_cast<const char*>(data), n);
      },
      nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(side), static_cast<png_uint_32>(side), 1,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  std::vector<png_byte> row(static_cast<std::size_t>((side + 7) / 8));
  for (int y = 0; y < side; ++y) {
    std::fill(row.begin(), row.end(), 0);
    const int my = y / scale - margin;
    for (int x = 0; x < side; ++x) {
      const int mx = x / scale - margin;
      const bool is_dark = my >= 0 && my < modules && mx >= 0 && mx < modules &&
                           dark[static_cast<std::size_t>(my * modules + mx)];
      if (!is_dark) row[static_cast<std::size_t>(x / 8)] |= static_cast<png_byte>(0x80 >> (x % 8));  // 1 = white
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace termin::service
