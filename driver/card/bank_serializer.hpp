// Serialises a driver-level flood table description into one bank of the card's table
// layout (hls/table_layout.hpp). The host fills CardTableSpec from its FloodTable
// (host/daemon/card_table_spec.hpp); every member already carries its precomputed outer
// header template and partial checksums, exactly as the reference datapath builds them, so the
// card's copies are byte-identical to the reference's.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "driver/card/card.hpp"
#include "driver/net_types.hpp"
#include "hls/table_layout.hpp"
#include "hls/token_bucket.hpp"
#include "hls/vxlan_wire.hpp"

namespace vxsn {

struct CardMemberSpec {
  IpAddr addr;                  // family 4 or 6
  bool resolved = false;        // next hop known
  bool has_own_source = false;  // own address of the member's family in the template
  uint16_t egress_port = 0;
  uint32_t egress_max_frame = 0;  // the egress port's largest frame (0: nothing fits)
  std::array<uint8_t, wire::kOuterIpv6Len> outer{};  // untagged outer header template
  uint32_t fixed_sum = 0;                            // see host/datapath/flood_table.hpp
  uint32_t own_source_sum = 0;
};

struct CardVniSpec {
  uint32_t vni = 0;
  uint16_t counter_slot = 0;  // card::kNoCounterSlot: not counted
  bool has_ipv6_member = false;
  uint8_t source_check = card::kSourceCheckOpen;  // who may flood (card::kSourceCheck*)
  PolicerRate storm;                              // the VNI's storm limits; none by default
  std::vector<CardMemberSpec> members;            // flood order
};

struct CardTableSpec {
  uint64_t version = 0;
  bool own_source = false;  // copies carry the node's own address (else the sender's)
  PolicerRate per_vtep;     // each source VTEP's storm limits, all VNIs together
  uint64_t burst_ns = 0;    // every storm bucket's depth in time
  std::vector<CardVniSpec> vnis;
};

// card::kBankBytes bytes. Throws CardError{kTableTooLarge} when the table exceeds a
// capacity (VNIs, members, members per VNI, counter slots, probe bound, distinct per-VNI
// storm limits: card::kMaxPolicerProfiles - 1).
std::vector<uint8_t> serialise_bank(const CardTableSpec& table);

// The table's VNIs fit the VNI table (count and probe bound); cheap: no image is built.
bool fits_card_slots(const CardTableSpec& table);

}  // namespace vxsn
