// The Vitis link config (hls/vitis/connectivity_u55c.cfg) against the kernel's interface
// pragmas (hls/datapath_top.cpp): every m_axi port is mapped to memory, every stream port
// is connected, and the config names no port the kernel does not have. Keeps the unverified
// build flow from drifting away from the kernel it builds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::filesystem::path kRepo = VXSN_REPO_SOURCE_DIR;

// port -> interface mode ("m_axi", "axis", ...) from `#pragma HLS INTERFACE` lines.
std::map<std::string, std::string> kernel_ports() {
  const std::string top = read(kRepo / "hls/datapath_top.cpp");
  const std::regex pragma(R"(#pragma HLS INTERFACE mode = (\w+) port = (\w+))");
  std::map<std::string, std::string> ports;
  for (auto it = std::sregex_iterator(top.begin(), top.end(), pragma); it != std::sregex_iterator();
       ++it)
    ports[(*it)[2]] = (*it)[1];
  return ports;
}

TEST(VitisFlow, ConnectivityNamesEveryKernelPortAndNoOther) {
  const auto ports = kernel_ports();
  ASSERT_EQ(ports.count("rx"), 1u) << "the interface pragmas were not found";
  const std::string cfg = read(kRepo / "hls/vitis/connectivity_u55c.cfg");
  ASSERT_FALSE(cfg.empty());

  std::set<std::string> mapped, streamed;
  const std::regex sp(R"(^sp=vxsn_datapath_1\.(\w+):)", std::regex::multiline);
  for (auto it = std::sregex_iterator(cfg.begin(), cfg.end(), sp); it != std::sregex_iterator();
       ++it)
    mapped.insert((*it)[1]);
  const std::regex sc(R"(^stream_connect=(\S+):(\S+))", std::regex::multiline);
  for (auto it = std::sregex_iterator(cfg.begin(), cfg.end(), sc); it != std::sregex_iterator();
       ++it)
    for (const std::string& end : {(*it)[1].str(), (*it)[2].str()})
      if (end.rfind("vxsn_datapath_1.", 0) == 0) streamed.insert(end.substr(16));

  for (const auto& [port, mode] : ports) {
    if (mode == "m_axi") {
      EXPECT_TRUE(mapped.count(port)) << port << " has no sp= line";
    }
    if (mode == "axis") {
      EXPECT_TRUE(streamed.count(port)) << port << " is not stream_connect-ed";
    }
  }
  for (const std::string& p : mapped)
    EXPECT_EQ(ports.count(p) ? ports.at(p) : "", "m_axi") << "sp= names " << p;
  for (const std::string& p : streamed)
    EXPECT_EQ(ports.count(p) ? ports.at(p) : "", "axis") << "stream_connect names " << p;
}

// m_axi port -> bundle, from the interface pragmas.
std::map<std::string, std::string> m_axi_bundles() {
  const std::string top = read(kRepo / "hls/datapath_top.cpp");
  const std::regex pragma(R"(#pragma HLS INTERFACE mode = m_axi port = (\w+) .*bundle = (\w+))");
  std::map<std::string, std::string> bundles;
  for (auto it = std::sregex_iterator(top.begin(), top.end(), pragma); it != std::sregex_iterator();
       ++it)
    bundles[(*it)[1]] = (*it)[2];
  return bundles;
}

// One m_axi bundle per reader: the VNI lookup and the member records (two DATAFLOW
// processes) never share a port, and neither shares with the learn ring, the counters or
// the punt and inject rings.
TEST(VitisFlow, EveryMemoryPortHasItsOwnBundle) {
  const auto bundles = m_axi_bundles();
  ASSERT_EQ(bundles.size(), 6u)
      << "table_mem, member_mem, learn_ring, counters, punt_ring, inject_ring";
  ASSERT_TRUE(bundles.count("table_mem") && bundles.count("member_mem") &&
              bundles.count("punt_ring") && bundles.count("inject_ring"));
  std::set<std::string> distinct;
  for (const auto& [port, bundle] : bundles) {
    EXPECT_TRUE(distinct.insert(bundle).second) << port << " shares bundle " << bundle;
  }
  // The noop xclbin the driver builds names the same AXI master ports.
  const std::string spec = read(kRepo / "driver/xrt/datapath_xclbin.cpp");
  for (const auto& [port, bundle] : bundles) {
    EXPECT_NE(spec.find("\"m_axi_" + bundle + "\""), std::string::npos)
        << "driver/xrt/datapath_xclbin.cpp has no port m_axi_" << bundle;
  }
}

// The host binds ONE table buffer to table_mem and member_mem: the link must put both
// ports on the same memory.
TEST(VitisFlow, BothTablePortsMapToTheSameMemory) {
  const std::string cfg = read(kRepo / "hls/vitis/connectivity_u55c.cfg");
  const std::regex sp(R"(^sp=vxsn_datapath_1\.(\w+):(\S+))", std::regex::multiline);
  std::map<std::string, std::string> memory;
  for (auto it = std::sregex_iterator(cfg.begin(), cfg.end(), sp); it != std::sregex_iterator();
       ++it)
    memory[(*it)[1]] = (*it)[2];
  ASSERT_TRUE(memory.count("table_mem") && memory.count("member_mem"));
  EXPECT_EQ(memory.at("table_mem"), memory.at("member_mem"));
}

TEST(VitisFlow, MakefileCompilesEveryKernelSource) {
  const std::string make = read(kRepo / "hls/vitis/Makefile");
  for (const auto& entry : std::filesystem::directory_iterator(kRepo / "hls")) {
    if (entry.path().extension() != ".cpp") continue;
    EXPECT_NE(make.find(entry.path().filename().string()), std::string::npos)
        << entry.path().filename() << " is not compiled by hls/vitis/Makefile";
  }
}

// The host starts the kernel once with xrt::autostart and changes its registers through
// xrt::mailbox (driver/xrt/xrt_card.cpp): both exist only if the compile enables them.
TEST(VitisFlow, CompileMakesTheKernelAutoRestartingWithAMailbox) {
  const std::string make = read(kRepo / "hls/vitis/Makefile");
  EXPECT_NE(make.find("--hls.pre_tcl hls_pre.tcl"), std::string::npos);
  const std::string tcl = read(kRepo / "hls/vitis/hls_pre.tcl");
  for (const char* line : {"config_interface -s_axilite_mailbox both",
                           "config_interface -s_axilite_auto_restart_counter 1",
                           "config_interface -s_axilite_sw_reset"})
    EXPECT_NE(tcl.find(line), std::string::npos) << line;
  const std::string top = read(kRepo / "hls/datapath_top.cpp");
  EXPECT_NE(top.find("mode = ap_ctrl_chain port = return"), std::string::npos);
}

}  // namespace
