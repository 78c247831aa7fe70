// `vxsnctl top`'s arithmetic: two reads of the node through the API become one frame of
// rates (per VNI, datapath totals, drops by reason) with the table's occupancy and the
// peers. No I/O here, so the numbers can be checked apart from the terminal.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "vxsn_api/Management.h"

namespace vxsn::ctl {

// One read: getInfo, getCounters and listPeers, in that order.
struct TopReading {
  api::NodeInfo info;
  api::Counters counters;
  std::vector<api::Peer> peers;
  double client_s = 0;  // the client's clock when read (steady, seconds)
};

struct VniRate {
  int32_t vni = 0;
  double frames_in = 0, bytes_in = 0, copies_out = 0, bytes_out = 0, dropped = 0;  // per second
};

struct DropRate {
  std::string reason;
  double per_s = 0;
  int64_t total = 0;  // since the API's last counter reset
};

struct TopFrame {
  double interval_s = 0;
  double rx_frames = 0, rx_bytes = 0, tx_copies = 0, tx_bytes = 0, host_frames = 0;  // per second
  std::vector<VniRate> vnis;  // the busiest first (bytes in + out per second), at most top_n
  size_t vnis_with_counters = 0;
  std::vector<DropRate> drops;  // reasons counted at all, busiest first
  api::NodeInfo info;           // of the second read: occupancy, card
  std::vector<api::Peer> peers;
};

TopFrame top_frame(const TopReading& before, const TopReading& after, size_t top_n);

std::string top_text(const TopFrame& f);
nlohmann::json top_json(const TopFrame& f);

}  // namespace vxsn::ctl
