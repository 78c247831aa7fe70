// A replicating node as its own process, for the kill -9 test: reads an [ha] config and
// publishes a steady stream of changes (key i of VNI <vni> gets identifier <counter>,
// cycling over <keys> keys, one every <interval_us>) until it is killed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "host/ha/replicator.hpp"

namespace {
struct NullSink : vxsn::ReplicaSink {
  void apply_remote(const vxsn::HaChange&) override {}
};
}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <config.toml> <vni> <keys> <interval_us>\n", argv[0]);
    return 2;
  }
  auto config = vxsn::load_ha_config(argv[1]);
  uint32_t vni = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
  uint32_t keys = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10));
  auto interval = std::chrono::microseconds(std::strtoul(argv[4], nullptr, 10));
  NullSink sink;
  vxsn::Replicator replicator(config, sink);
  for (uint64_t counter = 1;; ++counter) {
    uint32_t i = static_cast<uint32_t>(counter % keys);
    uint8_t addr[4] = {10, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8),
                       static_cast<uint8_t>(i)};
    vxsn::HaValue v;
    v.sources = 2;
    v.identifier = counter;
    replicator.publish_local({{vni, vxsn::IpAddr::v4(addr)}, v, false});
    std::this_thread::sleep_for(interval);
  }
}
