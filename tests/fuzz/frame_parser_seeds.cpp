// Seeds of the packet-path target: valid VXLAN frames (IPv4, IPv6, tagged, large, and one
// with IP options the parser must refuse).
#include "tests/datapath/test_frames.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

namespace vxsn::fuzz {
namespace {

using namespace vxsn::test;

FrameSpec v4_spec() {
  FrameSpec s;
  s.dst = ip("10.0.0.254");
  return s;
}

}  // namespace

std::vector<std::vector<uint8_t>> seed_inputs() {
  std::vector<std::vector<uint8_t>> out;
  out.push_back(build_frame(v4_spec()));
  FrameSpec v6;
  v6.src = ip("fd00::1");
  v6.dst = ip("fd00::fe");
  out.push_back(build_frame(v6));
  FrameSpec tagged = v4_spec();
  tagged.vlan_tci = 7;
  out.push_back(build_frame(tagged));
  FrameSpec big = v4_spec();
  big.inner = inner_of_len(1400);
  out.push_back(build_frame(big));
  FrameSpec options = v4_spec();
  options.version_ihl = 0x46;
  out.push_back(build_frame(options));
  return out;
}

}  // namespace vxsn::fuzz
