// A DPDK memif link between vxsnd (server) and a generator process (client): the device
// strings of both ends, and the EAL arguments vxsnd needs for it. The socket file and the
// EAL runtime directory of the run's prefix are removed on destruction.
#pragma once

#include <string>

namespace vxsn::test {

class MemifLink {
 public:
  // `prefix` names the socket (/tmp/PREFIX-memif.sock) and vxsnd's EAL file prefix;
  // rings of 2^log2_ring slots on both ends.
  MemifLink(const std::string& prefix, int log2_ring, const std::string& server_mac);
  ~MemifLink();
  MemifLink(const MemifLink&) = delete;
  MemifLink& operator=(const MemifLink&) = delete;

  std::string server_device() const;  // vxsnd's [[port]] device
  std::string client_device() const;  // the generator's --vdev
  // The [datapath] key vxsnd needs: memif registers an EAL multi-process action, which
  // vxsnd's default --no-shconf refuses, so the defaults with a shared config under the
  // run's own --file-prefix.
  std::string eal_args_toml() const;

 private:
  std::string socket_;
  std::string eal_prefix_;
  std::string common_;
  std::string server_mac_;
};

}  // namespace vxsn::test
