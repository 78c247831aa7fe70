#include "xrt_test_support.hpp"

#include <stdlib.h>

#include <stdexcept>
#include <system_error>
#include <vector>

#include "hls/table_layout.hpp"

namespace vxsn::xrt_test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "vxsn-xrt-test-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp " + pattern);
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path write_variant(const TempDir& dir, const std::string& name,
                                    const xclbin::XclbinSpec& spec) {
  const std::filesystem::path path = dir.path() / name;
  xclbin::write_xclbin(spec, path);
  return path;
}

namespace {

CardMemberSpec member(const char* addr, uint16_t port) {
  CardMemberSpec m;
  m.addr = *IpAddr::parse(addr);
  m.resolved = true;
  m.egress_port = port;
  m.egress_max_frame = 9216;
  m.outer[0] = 0x02;  // any template bytes: the card copies them, the host never reads them
  m.outer[12] = m.addr.is_v4() ? 0x08 : 0x86;
  return m;
}

}  // namespace

CardTableSpec two_vni_table(uint64_t version) {
  CardTableSpec t;
  t.version = version;
  CardVniSpec a;
  a.vni = 100;
  a.counter_slot = 7;
  a.members = {member("192.0.2.1", 0)};
  CardVniSpec b;
  b.vni = 200;
  b.counter_slot = card::kNoCounterSlot;
  b.has_ipv6_member = true;
  b.members = {member("192.0.2.2", 1), member("2001:db8::3", 1)};
  t.vnis = {a, b};
  return t;
}

}  // namespace vxsn::xrt_test
