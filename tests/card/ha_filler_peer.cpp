// A replication peer in its own process, for the card capacity test: it reads an [ha]
// config, publishes <vnis> VNIs from <first_vni> with <members> registered VTEPs each (the
// last of them with <last_members>), then serves heartbeats and snapshots until SIGTERM.
// Each SIGUSR1 publishes one more VNI (the next number) with <members> VTEPs: a peer
// pushing the table further.
#include <signal.h>

#include <cstdio>
#include <cstdlib>

#include "host/ha/replicator.hpp"

namespace {

struct NullSink : vxsn::ReplicaSink {
  void apply_remote(const vxsn::HaChange&) override {}
};

// VTEP i of every VNI: 172.16.<i / 256>.<i % 256 + 1>, never a testbed address.
vxsn::IpAddr vtep(uint32_t i) {
  uint8_t addr[4] = {172, 16, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i % 256 + 1)};
  return vxsn::IpAddr::v4(addr);
}

void publish_vni(vxsn::Replicator& replicator, uint32_t vni, uint32_t members) {
  std::vector<vxsn::HaLocalChange> changes;
  for (uint32_t i = 0; i < members; ++i) {
    vxsn::HaValue v;
    v.sources = 2;  // registered (EntrySource::kRegistered), never expires
    changes.push_back({{vni, vtep(i)}, v, false});
  }
  replicator.publish_local_and_wait(changes);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s <config.toml> <first_vni> <vnis> <members> <last_members>\n",
                 argv[0]);
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the replicator's threads start

  auto config = vxsn::load_ha_config(argv[1]);
  const auto number = [&](int i) {
    return static_cast<uint32_t>(std::strtoul(argv[i], nullptr, 10));
  };
  const uint32_t first_vni = number(2), vnis = number(3), members = number(4);
  const uint32_t last_members = number(5);
  NullSink sink;
  vxsn::Replicator replicator(config, sink);
  for (uint32_t k = 0; k < vnis; ++k)
    publish_vni(replicator, first_vni + k, k + 1 == vnis ? last_members : members);
  std::printf("published %u VNIs\n", vnis);
  std::fflush(stdout);
  uint32_t next_vni = first_vni + vnis;
  for (;;) {
    int signo = 0;
    sigwait(&signals, &signo);
    if (signo == SIGTERM) return 0;
    publish_vni(replicator, next_vni++, members);
    std::printf("published VNI %u\n", next_vni - 1);
    std::fflush(stdout);
  }
}
