// What the proof of work (api/security/pow.h, #14) costs: a client solving
// challenges natively in C++ (what a bot pays per hold, per core) against
// the server's cost to issue and verify one. The browser's cost (the
// widget's Web Worker) is measured by the browser test.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>

#include "api/security/pow.h"

int main(int argc, char** argv) {
  CLI::App app{"bench_pow: proof-of-work cost"};
  std::int64_t maxnumber = 100000;
  int rounds = 40;
  app.add_option("--maxnumber", maxnumber, "the challenge's range (termin-api --pow-maxnumber)");
  app.add_option("--rounds", rounds, "challenges to solve");
  CLI11_PARSE(app, argc, argv);
  using Clock = std::chrono::steady_clock;
  const std::string key = "bench key of sixteen bytes or more";
  const auto expires = termin::api::TimePoint{std::chrono::seconds{4000000000}};
  std::vector<double> solve_ms;
  double issue_us = 0, verify_us = 0;
  for (int i = 0; i < rounds; ++i) {
    auto t0 = Clock::now();
    auto c = termin::api::MakePowChallenge(key, maxnumber, expires);
    auto t1 = Clock::now();
    auto n = termin::api::SolvePowChallenge(c);
    auto t2 = Clock::now();
    if (!n) {
      std::fprintf(stderr, "bench_pow: a challenge without solution\n");
      return 1;
    }
    const std::string payload_json = "{\"algorithm\":\"SHA-256\",\"challenge\":\"" + c.challenge +
                                     "\",\"number\":" + std::to_string(*n) + ",\"salt\":\"" + c.salt +
                                     "\",\"signature\":\"" + c.signature + "\"}";
    // The header as a client sends it: base64 of the JSON.
    static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string b64;
    for (std::size_t j = 0; j < payload_json.size(); j += 3) {
      unsigned v = static_cast<unsigned char>(payload_json[j]) << 16;
      if (j + 1 < payload_json.size()) v |= static_cast<unsigned char>(payload_json[j + 1]) << 8;
      if (j + 2 < payload_json.size()) v |= static_cast<unsigned char>(payload_json[j + 2]);
      b64 += kB64[(v >> 18) & 63];
      b64 += kB64[(v >> 12) & 63];
      b64 += j + 1 < payload_json.size() ? kB64[(v >> 6) & 63] : '=';
      b64 += j + 2 < payload_json.size() ? kB64[v & 63] : '=';
    }
    std::string why;
    auto t3 = Clock::now();
    auto ok = termin::api::VerifyPowSolution(key, b64, expires - std::chrono::seconds{1}, &why);
    auto t4 = Clock::now();
    if (!ok) {
      std::fprintf(stderr, "bench_pow: verify failed: %s\n", why.c_str());
      return 1;
    }
    issue_us += std::chrono::duration<double, std::micro>(t1 - t0).count();
    solve_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    verify_us += std::chrono::duration<double, std::micro>(t4 - t3).count();
  }
  std::sort(solve_ms.begin(), solve_ms.end());
  double sum = 0;
  for (double v : solve_ms) sum += v;
  const double mean = sum / static_cast<double>(solve_ms.size());
  std::printf("proof of work, maxnumber %lld, %d challenges, one core, native C++ (OpenSSL SHA-256):\n",
              static_cast<long long>(maxnumber), rounds);
  std::printf("  client solve: mean %.1f ms, median %.1f ms, p90 %.1f ms -> a bot core gets %.0f holds/s\n",
              mean, solve_ms[solve_ms.size() / 2], solve_ms[solve_ms.size() * 9 / 10], 1000.0 / mean);
  std::printf("  server: issue %.1f us, verify %.1f us per challenge\n", issue_us / rounds, verify_us / rounds);
  return 0;
}
