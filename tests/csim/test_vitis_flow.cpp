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

TEST(VitisFlow, MakefileCompilesEveryKernelSource) {
  const std::string make = read(kRepo / "hls/vitis/Makefile");
  for (const auto& entry : std::filesystem::directory_iterator(kRepo / "hls")) {
    if (entry.path().extension() != ".cpp") continue;
    EXPECT_NE(make.find(entry.path().filename().string()), std::string::npos)
        << entry.path().filename() << " is not compiled by hls/vitis/Makefile";
  }
}

}  // namespace
