// Seeds of the HA wire-codec target: one valid frame of every kind, IPv4 and IPv6 keys,
// live entries and tombstones, as the replicator writes them.
#include <string>

#include "host/ha/wire_codec.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

namespace vxsn::fuzz {
namespace {

HaChange change(uint32_t vni, const char* vtep, bool tombstone, const char* origin) {
  HaChange c;
  c.key = {vni, *IpAddr::parse(vtep)};
  c.tombstone = tombstone;
  c.value = {2, 0x1122334455667788ull, 1700000000123};
  c.stamp = {(uint64_t{1700000000000} << 16) | 7, origin};
  return c;
}

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

}  // namespace

std::vector<std::vector<uint8_t>> seed_inputs() {
  const std::vector<HaChange> changes = {change(100, "10.0.0.1", false, "sn1"),
                                         change(0xFFFFFF, "fd00::2", true, "sn1"),
                                         change(7, "192.168.1.9", false, "sn1")};
  std::string chunk = encode_chunk_header(42, changes.size());
  for (const HaChange& c : changes) append_chunk_change(chunk, c);
  finish_chunk(chunk, static_cast<uint32_t>(changes.size()));
  return {
      bytes(encode_updates({"sn1", 77, 1234}, changes)),
      bytes(encode_updates({"sn1", 77, 1}, {changes[0]})),
      bytes(encode_heartbeat({{"sn1", 77, 1236}, 99})),
      bytes(encode_snapshot_request({"sn2", 42})),
      bytes(chunk),
      bytes(encode_snapshot_end({42, {"sn1", 77, 1236}, 99, changes.size()})),
  };
}

}  // namespace vxsn::fuzz
