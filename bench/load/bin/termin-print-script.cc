// termin-print-script: prints the exact Lua text RedisStore runs for one
// booking step (service/redis/redis_scripts.h: the shared prelude + the step's
// body), so redis-benchmark can EVALSHA the very script the store loads.
//
//   termin-print-script place_hold | redis-cli -x SCRIPT LOAD
//   termin-print-script --list
#include <cstdio>
#include <cstring>
#include <iostream>

#include "service/redis/redis_scripts.h"

int main(int argc, char** argv) {
  const auto& scripts = termin::service::RedisScripts();
  if (argc != 2 || std::strcmp(argv[1], "--help") == 0) {
    std::cerr << "usage: termin-print-script NAME | --list\n";
    return 2;
  }
  if (std::strcmp(argv[1], "--list") == 0) {
    for (const auto& s : scripts) std::cout << s.name << "\n";
    return 0;
  }
  for (const auto& s : scripts) {
    if (std::strcmp(s.name, argv[1]) == 0) {
      std::fwrite(s.text.data(), 1, s.text.size(), stdout);
      return 0;
    }
  }
  std::cerr << "termin-print-script: no script named " << argv[1] << " (try --list)\n";
  return 2;
}
