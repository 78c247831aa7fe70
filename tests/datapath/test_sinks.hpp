// Copy sinks for tests: one that keeps every copy, one that never has a buffer.
#pragma once

#include <cstdint>
#include <vector>

namespace vxsn::test {

struct CapturedCopy {
  uint16_t port = 0;
  std::vector<uint8_t> bytes;
  bool committed = false;
};

class CollectingSink {
 public:
  uint8_t* acquire(uint16_t port, uint32_t len) {
    copies.push_back({port, std::vector<uint8_t>(len, 0xCC), false});
    return copies.back().bytes.data();
  }
  void commit(uint16_t port, uint32_t len) {
    CapturedCopy& c = copies.back();
    if (c.port == port && c.bytes.size() == len) c.committed = true;
  }
  std::vector<CapturedCopy> copies;
};

class EmptyPoolSink {
 public:
  uint8_t* acquire(uint16_t, uint32_t) {
    ++acquires;
    return nullptr;
  }
  void commit(uint16_t, uint32_t) { ++commits; }
  unsigned acquires = 0;
  unsigned commits = 0;
};

}  // namespace vxsn::test
