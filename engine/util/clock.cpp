// Wall-clock time as the engine stores it: unix seconds.
#include "engine/util/clock.hpp"

#include <chrono>

namespace sextant::engine {

double unix_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sextant::engine
