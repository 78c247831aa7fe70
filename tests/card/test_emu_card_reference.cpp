// The emulated card (EmuCard: beats in host memory, counters read through the Card
// interface, banks from the production serialiser) against the reference datapath on the
// same frames and table: every copy byte for byte with its egress port, then every counter.
#include <gtest/gtest.h>

#include "host/datapath/vni_counter_registry.hpp"
#include "sim/tools/drop_cases.hpp"
#include "tests/card/emu_card_fixtures.hpp"
#include "tests/csim/reference_harness.hpp"

namespace vxsn::cardtest {
namespace {

class EmuCardVsReference : public ::testing::TestWithParam<SourceIpMode> {
 protected:
  EmuCardVsReference() : ref_(csim::service_parse_config()) {
    CardControl control;
    control.service_addrs = {csim::service_v4(), csim::service_v6()};
    card_.configure(control);

    FloodTableBuilder b;
    b.set_params(csim::replication_params(GetParam(), true))
        .set_egress_ports(csim::egress_ports())
        .set_version(3);
    b.add_vni(100,
              {csim::member(csim::vtep_v4(1)), csim::member(csim::vtep_v4(2), 1),
               csim::member(csim::vtep_v6(3)), csim::member(csim::vtep_v4(4), 0, false)},
              registry_.get_or_create(100));
    b.add_vni(200, {csim::member(csim::vtep_v6(1)), csim::member(csim::vtep_v6(2), 1)},
              registry_.get_or_create(200));
    table_ = b.build();
    card_.load_table(card_bank_image(
        *table_, [](const VniEntry& e) { return static_cast<uint16_t>(e.vni == 100 ? 3 : 9); }));
  }

  void compare(const std::vector<uint8_t>& frame, const std::string& name) {
    const auto expected = ref_.process(frame, *table_);
    const auto got = send(card_, frame);
    ASSERT_EQ(got.size(), expected.size()) << name;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].port, expected[i].egress_port) << name << " copy " << i;
      EXPECT_EQ(got[i].bytes, expected[i].bytes) << name << " copy " << i;
    }
  }

  EmuCard card_;
  csim::ReferenceHarness ref_;
  VniCounterRegistry registry_;
  std::unique_ptr<FloodTable> table_;
};

TEST_P(EmuCardVsReference, CopiesAndCountersMatch) {
  unsigned seed = 1;
  for (uint32_t vni : {100u, 200u, 300u})
    for (const IpAddr& src :
         {csim::vtep_v4(1), csim::vtep_v6(3), csim::vtep_v6(1), csim::vtep_v4(77)})
      for (size_t size : {114u, 127u, 128u, 129u, 191u, 192u, 193u, 1500u, 1601u, 9000u}) {
        sim::VxlanFrameSpec spec = csim::frame_spec(src, vni);
        if (seed % 3 == 0) spec.vlan_tci = 0x0123;
        if (size < sim::outer_overhead(spec) + 14) continue;
        compare(sim::build_vxlan_frame_of_size(spec, size, seed++),
                "vni " + std::to_string(vni) + " from " + src.to_string() + " size " +
                    std::to_string(size));
      }
  for (const sim::DropCase& c : sim::parse_drop_cases(
           csim::frame_spec(csim::vtep_v4(1), 100), csim::frame_spec(csim::vtep_v6(3), 100),
           *IpAddr::parse("10.9.9.9"), *IpAddr::parse("fd09::9")))
    compare(c.frame, c.name);

  const DatapathCountersSnapshot r = ref_.counters();
  const CardCounters c = card_.read_counters();
  EXPECT_EQ(c.rx_frames, r.rx_frames);
  EXPECT_EQ(c.rx_bytes, r.rx_bytes);
  EXPECT_EQ(c.tx_copies, r.tx_copies);
  EXPECT_EQ(c.tx_bytes, r.tx_bytes);
  for (unsigned d = 0; d < kDropReasonCount; ++d)
    EXPECT_EQ(c.drops[d], r.drops[d]) << drop_reason_label(static_cast<DropReason>(d));
  ASSERT_EQ(c.vnis.size(), 2u);
  for (const CardVniCounters& v : c.vnis) {
    const VniCountersSnapshot ref = registry_.find(v.vni)->snapshot();
    EXPECT_EQ(v.frames_in, ref.frames_in) << v.vni;
    EXPECT_EQ(v.bytes_in, ref.bytes_in) << v.vni;
    EXPECT_EQ(v.copies_out, ref.copies_out) << v.vni;
    EXPECT_EQ(v.bytes_out, ref.bytes_out) << v.vni;
    EXPECT_GT(v.copies_out, 0u) << v.vni;
  }
}

INSTANTIATE_TEST_SUITE_P(SourceModes, EmuCardVsReference,
                         ::testing::Values(SourceIpMode::kKeepOriginal, SourceIpMode::kOwnAddress));

}  // namespace
}  // namespace vxsn::cardtest
