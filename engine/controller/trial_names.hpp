// Trial names: Katib's shape, derived from (experiment, sequence) so they can be recomputed.
#pragma once

#include <cstdint>
#include <string>

namespace sextant::engine {

// "<experiment>-<8 lowercase alphanumerics>", as Katib names trials, but a function of
// (experiment, sequence, salt) rather than random, so a replayed creation gets the same name
// and `sextant render` shows the name the first trial will have. The controller raises `salt`
// in the rare case of a collision with an existing trial.
std::string trial_name(const std::string& experiment, int64_t sequence, int salt = 0);

}  // namespace sextant::engine
