// inet::sum_bytes against the definition (RFC 1071): the ones'-complement sum of the
// big-endian 16-bit words, an odd last byte padded with zero; for every length from 0 to
// past a 16-byte step and jumbo lengths, on random bytes and on all-ones bytes (every add
// carries), and a known IPv4 header checksum.
#include "host/datapath/inet_checksum.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace vxsn {
namespace {

uint16_t by_definition(const std::vector<uint8_t>& bytes, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i += 2) sum += uint32_t{bytes[i]} << 8 | (i + 1 < n ? bytes[i + 1] : 0);
  return inet::fold(sum);
}

TEST(InetChecksum, SumBytesMatchesTheDefinitionForEveryLength) {
  std::mt19937 rng(1071);
  std::vector<uint8_t> random(9200), ones(9200, 0xFF);
  for (uint8_t& b : random) b = static_cast<uint8_t>(rng());
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 80; ++n) lengths.push_back(n);
  for (size_t n : {1399u, 1400u, 1401u, 8999u, 9000u, 9001u, 9199u}) lengths.push_back(n);
  for (size_t n : lengths) {
    for (size_t offset : {0u, 1u, 3u}) {  // unaligned starts too
      const std::vector<uint8_t> r(random.begin() + offset, random.end());
      EXPECT_EQ(inet::sum_bytes(r.data(), n), by_definition(r, n)) << n << " +" << offset;
    }
    EXPECT_EQ(inet::sum_bytes(ones.data(), n), by_definition(ones, n)) << "ones " << n;
  }
}

TEST(InetChecksum, KnownIpv4HeaderChecksum) {
  // The example header of RFC 1071's usual illustration: checksum 0xB861.
  const uint8_t header[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                              0x00, 0x00, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7};
  EXPECT_EQ(inet::finish(inet::sum_bytes(header, sizeof header)), 0xB861);
}

}  // namespace
}  // namespace vxsn
