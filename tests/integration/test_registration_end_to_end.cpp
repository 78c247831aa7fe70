// A VTEP that registers with vxsnd over the vxfld protocol (UDP 10001) starts receiving
// floods; after it withdraws it stops. Real Linux VTEPs, the real daemon, a registration
// written byte by byte from the protocol note.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

// A v3 REFRESH for one VNI and one IPv4 VTEP: originator, holdtime, response type 1,
// identifier 3, then VniDict{vni, [VniData{IPv4Address{octets}}]}.
constexpr const char* kSender = R"PY(
import socket, sys
vni, vtep, node, holdtime = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
def varint(v):
    out = b''
    while True:
        b = v & 0x7f; v >>= 7
        out += bytes([b | (0x80 if v else 0)])
        if not v: return out
octets = b''.join(varint(int(o)) for o in vtep.split('.'))
addr = b'\x0a' + varint(len(octets)) + octets
data = b'\x0a' + varint(len(addr)) + addr
vnidict = b'\x08' + varint(vni) + b'\x12' + varint(len(data)) + data
body = b'\x08\x01\x10' + varint(holdtime) + b'\x18\x01\x20\x03' + b'\x2a' + varint(len(vnidict)) + vnidict
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.bind((vtep, 0))
s.sendto(b'\x03\x01' + body, (node, 10001))
reply = s.recv(2048)
assert reply[:2] == b'\x03\x01', reply
print(reply.hex())
)PY";

TEST(RegistrationEndToEnd, RegisteredVtepReceivesFloodsUntilItWithdraws) {
  Testbed tb({.vteps = 3, .vnis = 1});
  uint32_t vni = tb.vnis()[0];
  // VTEP 3 is not configured, and learning is off: only its registration can add it.
  Node node(tb, {.extra_config = "[table]\nlearning = false\n", .members = {{vni, {1, 2}}}});
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  auto t = tb.tenants_of(vni);
  ASSERT_TRUE(tb.ping(t[0], t[1], 56, false, 3));
  EXPECT_FALSE(tb.ping(t[0], t[2], 56, false, 2)) << "VTEP 3 reached before registering";

  std::string py = "/tmp/" + tb.prefix() + "-register.py";
  std::ofstream(py) << kSender;
  auto send = [&](int holdtime) {
    return run("ip netns exec " + tb.vtep_ns(3) + " python3 " + py + " " + std::to_string(vni) +
               " " + tb.vtep_ips()[2] + " " + tb.service_ip() + " " + std::to_string(holdtime));
  };
  CommandResult reg = send(90);
  ASSERT_EQ(reg.exit_code, 0) << reg.output << node.process().log();
  // The reply lists the VNI's members, the registering VTEP among them (0a 63 00 03).
  EXPECT_NE(reg.output.find("0a630003"), std::string::npos) << reg.output;
  EXPECT_TRUE(tb.ping(t[0], t[2], 56, false, 5)) << node.process().log();

  CommandResult withdraw = send(0);
  ASSERT_EQ(withdraw.exit_code, 0) << withdraw.output;
  ASSERT_TRUE(wait_until(
      [&] {
        auto s = node.stats();
        return s.contains("registration") && s["registration"]["withdrawn"].get<int>() >= 1;
      },
      5s));
  node.fresh_stats();  // the control tick has published the table without VTEP 3
  EXPECT_FALSE(tb.ping(t[0], t[2], 56, false, 2)) << "VTEP 3 still flooded after withdrawing";
  EXPECT_TRUE(tb.ping(t[0], t[1], 56, false, 3));
  run("rm -f " + py);
}

}  // namespace
}  // namespace vxsn::test
