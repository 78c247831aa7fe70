// libFuzzer target for the packet path: any bytes as an underlay frame through the parser
// and, when it accepts them, the replicator (two members of each family, one VNI). Checks
// what must hold for every input: an accepted frame has a 24-bit VNI and a source VTEP of
// a known family, copies never exceed the members, and no byte is read or written out of
// bounds (AddressSanitizer).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "host/datapath/replicator.hpp"

namespace {

using namespace vxsn;

// Every copy gets a buffer of exactly its length: an overrun is an ASan report.
class ExactSink {
 public:
  uint8_t* acquire(uint16_t, uint32_t len) {
    buf_ = std::make_unique<uint8_t[]>(len);
    return buf_.get();
  }
  void commit(uint16_t, uint32_t) { ++commits; }
  unsigned commits = 0;

 private:
  std::unique_ptr<uint8_t[]> buf_;
};

MemberSpec member(const char* addr) {
  MemberSpec m;
  m.addr = *IpAddr::parse(addr);
  m.resolved = true;
  m.next_hop_mac = MacAddr{{0x02, 0, 0, 0, 0, 0x42}};
  return m;
}

const FloodTable& table() {
  static const std::unique_ptr<FloodTable> t = [] {
    ReplicationParams p;
    p.own_v4 = *IpAddr::parse("10.0.0.254");
    p.own_v6 = *IpAddr::parse("fd00::fe");
    FloodTableBuilder b;
    b.set_params(p).set_egress_ports({EgressPort{MacAddr{{0x02, 0, 0, 0, 0, 1}}, 9216}});
    for (uint32_t vni : {0u, 1u, 100u, 0xFFFFFFu})
      b.add_vni(vni, {member("10.0.0.1"), member("10.0.0.2"), member("fd00::1"), member("fd00::2")},
                nullptr);
    return b.build();
  }();
  return *t;
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> frame(data, size);
  ParseConfig any;  // accepts any outer destination
  ParseConfig strict;
  strict.service_addrs[0] = *IpAddr::parse("10.0.0.254");
  strict.service_addrs[1] = *IpAddr::parse("fd00::fe");
  strict.service_addr_count = 2;
  for (const ParseConfig* cfg : {&any, &strict}) {
    DatapathCounters counters;
    ExactSink sink;
    ParsedFrame parsed;
    const unsigned copies = process_frame(frame, *cfg, table(), counters, sink, &parsed);
    check(copies == sink.commits);
    if (parsed.drop == DropReason::kNone) {
      check(parsed.vni <= wire::kVniMax);
      check(parsed.src_vtep.is_v4() || parsed.src_vtep.is_v6());
      check(copies <= 4);
    } else {
      check(copies == 0);
    }
  }
  return 0;
}
