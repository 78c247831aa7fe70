// Tables, frames and a copy collector shared by the emulated-card tests.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "driver/card/emu_card.hpp"
#include "host/daemon/card_table_spec.hpp"
#include "tests/csim/csim_fixtures.hpp"

namespace vxsn::cardtest {

struct Copy {
  uint16_t port = 0;
  std::vector<uint8_t> bytes;
};

class CollectingSink final : public EmuCopySink {
 public:
  void on_copy(uint16_t port, std::span<const uint8_t> copy) override {
    copies.push_back({port, {copy.begin(), copy.end()}});
  }
  std::vector<Copy> copies;
};

// VNI `vni` with the given IPv4 VTEPs (10.1.0.<i>); member i leaves through port i % 2.
inline std::unique_ptr<FloodTable> ipv4_table(uint32_t vni, std::vector<unsigned> vteps,
                                              uint64_t version = 1) {
  FloodTableBuilder b;
  b.set_params(csim::replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(csim::egress_ports())
      .set_version(version);
  std::vector<MemberSpec> members;
  for (unsigned i : vteps)
    members.push_back(csim::member(csim::vtep_v4(i), static_cast<uint16_t>(i % 2)));
  b.add_vni(vni, members, nullptr);
  return b.build();
}

// Counter slot = VNI % 64: fixed by the test, independent of any allocator.
inline std::vector<uint8_t> image_of(const FloodTable& table) {
  return card_bank_image(table,
                         [](const VniEntry& e) { return static_cast<uint16_t>(e.vni % 64); });
}

inline std::vector<uint8_t> frame_from(unsigned vtep, uint32_t vni, size_t size = 200,
                                       uint32_t seed = 7) {
  return sim::build_vxlan_frame_of_size(csim::frame_spec(csim::vtep_v4(vtep), vni), size, seed);
}

inline std::vector<Copy> send(EmuCard& card, std::span<const uint8_t> frame) {
  CollectingSink sink;
  card.process(frame, sink);
  return std::move(sink.copies);
}

}  // namespace vxsn::cardtest
