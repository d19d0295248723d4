#include "bench/harness.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace termin::bench {
namespace {

// Columns are measured in code points, not bytes, so "µs" is two wide.
std::size_t DisplayWidth(const std::string& text) {
  std::size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80 ? 1 : 0;
  return width;
}

}  // namespace

double Quantile(std::vector<double> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  q = std::clamp(q, 0.0, 1.0);
  double pos = q * static_cast<double>(samples.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, samples.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return samples[lo] + (samples[hi] - samples[lo]) * frac;
}

Summary Summarize(const std::vector<double>& samples) {
  Summary s;
  s.runs = samples.size();
  if (samples.empty()) return s;
  s.median = Quantile(samples, 0.5);
  s.p90 = Quantile(samples, 0.9);
  auto [lo, hi] = std::minmax_element(samples.begin(), samples.end());
  s.min = *lo;
  s.max = *hi;
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) /
           static_cast<double>(samples.size());
  return s;
}

std::string Fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(std::max(cells.size(), header_.size()));
  rows_.push_back(std::move(cells));
}

void Table::AddRule() { rows_.emplace_back(); }

void Table::Print(std::ostream& out) const {
  std::vector<std::size_t> width(header_.size(), 0);
  auto widen = [&width](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(row[i]));
    }
  };
  widen(header_);
  for (const auto& row : rows_) widen(row);

  auto print_row = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      std::string pad(width[i] - std::min(width[i], DisplayWidth(cell)), ' ');
      if (i > 0) out << "  ";
      out << (i == 0 ? cell + pad : pad + cell);
    }
    out << '\n';
  };
  std::size_t total = 0;
  for (std::size_t w : width) total += w;
  total += width.empty() ? 0 : 2 * (width.size() - 1);
  const std::string rule(total, '-');

  print_row(header_);
  out << rule << '\n';
  for (const auto& row : rows_) {
    if (row.empty()) {
      out << rule << '\n';
    } else {
      print_row(row);
    }
  }
}

}  // namespace termin::bench
