// Malformed and unwanted frames: at least one per parse-level drop reason (the order of
// checks in host/datapath/frame_parser.hpp), IPv4 and IPv6 variants where the check exists
// for both, tagged and untagged. Each case names the reason a correct parser reports.
#pragma once

#include <string>
#include <vector>

#include "hls/drop_reason.hpp"
#include "sim/tools/vxlan_frame_builder.hpp"

namespace vxsn::sim {

struct DropCase {
  std::string name;
  DropReason expected;
  std::vector<uint8_t> frame;
};

// `good_v4` / `good_v6`: specs of accepted frames (destination = a service address,
// UDP port = the VXLAN port). `foreign_v4` / `foreign_v6`: addresses that are not served.
std::vector<DropCase> parse_drop_cases(const VxlanFrameSpec& good_v4, const VxlanFrameSpec& good_v6,
                                       const IpAddr& foreign_v4, const IpAddr& foreign_v6);

}  // namespace vxsn::sim
