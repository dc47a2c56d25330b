// The dashboard files compiled into the binary (generated at build time by embed_assets.cmake).
#pragma once

#include "engine/api/dashboard_assets.hpp"

namespace sextant::dashboard {

// Every file of dashboard/src plus the chart library from npm. When npm was not available at
// build time, the bundle says so in `missing` (and `sextant dashboard` reports it).
const engine::AssetBundle& embedded_assets();

}  // namespace sextant::dashboard
