// The node's snapshot as a Prometheus scrape: metric names vxsn_*, counters with _total.
// Per-VNI series only for the `top_vnis` busiest VNIs (by bytes in and out), plus sums over
// every VNI, so a node with many VNIs never makes a scrape explode.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "host/metrics/node_snapshot.hpp"

namespace vxsn {

std::string node_metrics_text(const NodeSnapshot& s, uint32_t top_vnis,
                              std::string_view software_version);

}  // namespace vxsn
