#include "tests/bench/memif_link.hpp"

#include "tests/integration/process.hpp"

namespace vxsn::test {

MemifLink::MemifLink(const std::string& prefix, int log2_ring, const std::string& server_mac)
    : socket_("/tmp/" + prefix + "-memif.sock"),
      eal_prefix_(prefix + "-vxsnd"),
      common_("id=0,socket=" + socket_ + ",socket-abstract=no,rsize=" + std::to_string(log2_ring)),
      server_mac_(server_mac) {}

MemifLink::~MemifLink() {
  run("rm -rf " + socket_ + " /var/run/dpdk/" + eal_prefix_);
}

std::string MemifLink::server_device() const {
  return "net_memif0,role=server," + common_ + ",mac=" + server_mac_;
}

std::string MemifLink::client_device() const {
  return "net_memif0,role=client," + common_;
}

std::string MemifLink::eal_args_toml() const {
  return "eal_args = [\"--no-huge\", \"-m\", \"512\", \"--no-pci\", \"--no-telemetry\", "
         "\"--log-level=notice\", \"--file-prefix\", \"" +
         eal_prefix_ + "\"]\n";
}

}  // namespace vxsn::test
