// Wall-clock time as the engine stores it: unix seconds.
#pragma once

namespace sextant::engine {

// Now, in unix seconds with a fraction (the time of reports, events and conditions).
double unix_now();

}  // namespace sextant::engine
