// vxsn-keygen <prefix> [--force]: writes <prefix>.key (secret, 0600) and <prefix>.pub for
// a node's HA CURVE identity and prints the public key to put into the peers' [[ha.peers]].
#include <cstdio>
#include <cstring>

#include "host/ha/curve_keys.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::strcmp(argv[2], "--force") != 0)) {
    std::fprintf(stderr, "usage: %s <prefix> [--force]\n", argv[0]);
    return 2;
  }
  try {
    auto pair = vxsn::write_key_pair(argv[1], argc == 3);
    std::printf("%s\n", pair.public_z85.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vxsn-keygen: %s\n", e.what());
    return 1;
  }
}
