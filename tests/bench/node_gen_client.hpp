// The benchmark's side of bench_node_gen: starts the generator in a namespace with its own
// EAL (--file-prefix, no hugepages, pinned to one CPU) and runs trials through its command
// FIFO. Everything it creates (FIFO, log) is removed, and the process stopped, on
// destruction.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tests/integration/process.hpp"

namespace vxsn::test {

struct GenSetup {
  std::string netns;        // where the generator runs (its device's namespace)
  std::string file_prefix;  // EAL --file-prefix, unique per run
  std::string vdev;         // e.g. net_memif0,role=client,... or net_af_packet0,iface=ul0
  int cpu = 0;              // the generator's one lcore
  std::string dst_mac, src_mac, src_ip, dst_ip;
  int vnis = 64;
  int inner = 64;
  int queues = 1;  // TX/RX queue pairs: vxsnd's lanes on memif
};

struct GenTrial {
  uint64_t sent = 0;      // frames the port took
  uint64_t received = 0;  // frames that came back on the port
  uint64_t refused = 0;   // frames the port's TX ring refused (not offered)
  double send_s = 0;      // sending time
  double last_rx_s = 0;   // from the start to the last frame received
};

class GenClient {
 public:
  // Starts the generator and waits until its port is up; throws with its log otherwise.
  explicit GenClient(const GenSetup& setup);
  ~GenClient();
  GenClient(const GenClient&) = delete;
  GenClient& operator=(const GenClient&) = delete;

  // rate 0: as fast as the port takes frames.
  GenTrial run(double rate, double seconds, uint32_t vni_base);
  pid_t pid() const { return process_->pid(); }
  std::string log() const { return process_->log(); }

 private:
  void remove();  // stops the process, removes its directory and EAL runtime directory

  std::string dir_;
  std::string fifo_;
  std::string file_prefix_;
  int fd_ = -1;
  unsigned seq_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace vxsn::test
