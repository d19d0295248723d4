#include "service/notify/qr_png.h"

#include <png.h>

#include <doctest/doctest.h>

namespace termin::service {

// Reads the PNG back with libpng and compares every pixel with the module
// matrix: what the scanner sees is the code libqrencode made.
TEST_CASE("the reference's QR code PNG shows exactly the code's modules with a quiet zone") {
  const std::string ref = "K7QM-4XPR";
  int modules = 0;
  const std::vector<bool> dark = QrModules(ref, &modules);
  REQUIRE(modules == 21);  // version 1 holds 9 bytes at level M
  const int scale = 6, margin = 4;
  const std::string png = QrPng(ref, scale, margin);
  REQUIRE(png.size() > 8);
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_memory(&image, png.data(), png.size()));
  image.format = PNG_FORMAT_GRAY;
  const int side = (modules + 2 * margin) * scale;
  CHECK(static_cast<int>(image.width) == side);
  CHECK(static_cast<int>(image.height) == side);
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  REQUIRE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr));
  int wrong = 0;
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      const int mx = x / scale - margin, my = y / scale - margin;
      const bool want = mx >= 0 && my >= 0 && mx < modules && my < modules &&
                        dark[static_cast<std::size_t>(my * modules + mx)];
      const bool got = pixels[static_cast<std::size_t>(y * side + x)] < 128;
      wrong += want != got;
    }
  }
  CHECK(wrong == 0);
  // The finder pattern's corner is dark, the quiet zone light.
  CHECK(dark[0]);
  CHECK(pixels[0] == 255);
}

}  // namespace termin::service
