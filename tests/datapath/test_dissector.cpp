// Replicated copies checked by an independent dissector: written to a pcap file and decoded
// by tshark with checksum validation on. Skipped when tshark is not installed.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

#include "host/datapath/replicator.hpp"
#include "tests/datapath/test_frames.hpp"
#include "tests/datapath/test_sinks.hpp"

namespace vxsn {
namespace {

using test::ip;
using test::mac;

std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool tshark_available() {
  return std::system("command -v tshark >/dev/null 2>&1") == 0;
}

void write_pcap(const std::filesystem::path& path, const std::vector<test::CapturedCopy>& copies) {
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  ASSERT_NE(dead, nullptr);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  ASSERT_NE(dumper, nullptr) << pcap_geterr(dead);
  for (size_t i = 0; i < copies.size(); ++i) {
    pcap_pkthdr h{};
    h.ts.tv_sec = 1700000000;
    h.ts.tv_usec = static_cast<suseconds_t>(i);
    h.caplen = h.len = static_cast<bpf_u_int32>(copies[i].bytes.size());
    pcap_dump(reinterpret_cast<u_char*>(dumper), &h, copies[i].bytes.data());
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
}

std::vector<std::vector<std::string>> tshark_fields(const std::filesystem::path& pcap) {
  const std::string cmd =
      "tshark -r '" + pcap.string() +
      "' -T fields -e vxlan.vni -e ip.dst -e ipv6.dst -e udp.srcport -e udp.dstport"
      " -e ip.checksum.status -e udp.checksum.status -e ip.src -e ipv6.src"
      " -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE 2>/dev/null";
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(run_command(cmd));
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::istringstream cols(line);
    for (std::string f; std::getline(cols, f, '\t');) fields.push_back(f);
    fields.resize(9);
    rows.push_back(fields);
  }
  return rows;
}

TEST(Dissector, TsharkDecodesCopiesWithGoodChecksums) {
  if (!tshark_available()) GTEST_SKIP() << "tshark not installed; dissector check skipped";

  ReplicationParams params;
  params.own_v4 = ip("10.0.0.254");
  params.own_v6 = ip("fd00::fe");
  auto table = FloodTableBuilder()
                   .set_params(params)
                   .set_egress_ports({EgressPort{mac("02:aa:00:00:00:00"), 9216}})
                   .add_vni(5000,
                            {{ip("10.0.0.1"), true, mac("02:00:00:00:00:01"), 0},
                             {ip("10.0.0.2"), true, mac("02:00:00:00:00:02"), 0},
                             {ip("fd00::3"), true, mac("02:00:00:00:00:03"), 0}},
                            nullptr)
                   .build();
  test::FrameSpec s;
  s.vni = 5000;
  s.udp_src = 51234;
  s.inner = test::inner_of_len(101);  // odd length: the UDP checksum's padding byte
  const std::vector<uint8_t> in4 = test::build_frame(s);
  s.src = ip("fd00::1");
  s.dst = ip("fd00::fe");
  s.vlan_tci = 12;
  const std::vector<uint8_t> in6 = test::build_frame(s);

  test::CollectingSink sink;
  DatapathCounters c;
  ASSERT_EQ(process_frame(std::span<const uint8_t>(in4), ParseConfig{}, *table, c, sink), 2u);
  ASSERT_EQ(process_frame(std::span<const uint8_t>(in6), ParseConfig{}, *table, c, sink), 3u);

  const auto dir = std::filesystem::temp_directory_path();
  const auto path = dir / ("vxsn_dissector_" + std::to_string(getpid()) + ".pcap");
  write_pcap(path, sink.copies);
  const auto rows = tshark_fields(path);
  std::filesystem::remove(path);
  ASSERT_EQ(rows.size(), 5u) << "tshark read " << rows.size() << " packets";

  // tshark checksum status: 0 bad, 1 good, 2 unverified, 3 not present (IPv4 UDP checksum 0).
  struct Expected {
    std::string ip_dst, ip6_dst, ip_cs, udp_cs, ip_src, ip6_src;
  };
  const Expected expected[5] = {
      {"10.0.0.2", "", "1", "3", "10.0.0.1", ""},    // v4 in -> v4, source kept
      {"", "fd00::3", "", "1", "", "fd00::fe"},      // v4 in -> v6, own source
      {"10.0.0.1", "", "1", "3", "10.0.0.254", ""},  // v6 in -> v4, own source
      {"10.0.0.2", "", "1", "3", "10.0.0.254", ""},  //
      {"", "fd00::3", "", "1", "", "fd00::1"},       // v6 in -> v6, source kept
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    const auto& r = rows[i];
    EXPECT_EQ(r[0], "5000");
    EXPECT_EQ(r[1], expected[i].ip_dst);
    EXPECT_EQ(r[2], expected[i].ip6_dst);
    EXPECT_EQ(r[3], "51234");
    EXPECT_EQ(r[4], "4789");
    EXPECT_EQ(r[5], expected[i].ip_cs);
    EXPECT_EQ(r[6], expected[i].udp_cs);
    EXPECT_EQ(r[7], expected[i].ip_src);
    EXPECT_EQ(r[8], expected[i].ip6_src);
  }
}

}  // namespace
}  // namespace vxsn
