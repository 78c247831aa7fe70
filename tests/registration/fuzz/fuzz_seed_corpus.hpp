// Seeds for fuzzing the registration parser: the note's test vectors and their neighbours in
// every version, so mutation starts from well-formed datagrams.
#pragma once

#include <array>
#include <string_view>

namespace vxsn::test {

inline constexpr std::array<std::string_view, 10> kRegistrationFuzzSeeds{
    // The note's vectors.
    "03 01 08 01 10 5a 18 01 20 07 2a 0c 08 64 12 08 0a 06 0a 04 0a 00 00 01",
    "03 01 08 00 10 5a 18 00 20 00 2a 16 08 64 12 08 0a 06 0a 04 0a 00 00 01 12 08 0a 06 0a 04 "
    "0a 00 00 02",
    "01 01 00 01 00 5a 00 00 00 64 00 01 0a 00 00 01",
    // v2, reply requested, two addresses; v2 asking for every VNI.
    "02 01 00 01 00 5a 00 01 00 00 00 64 00 02 0a 00 00 01 0a 00 00 02",
    "02 01 00 01 00 5a 00 02",
    // v3: withdrawal, every VNI, two VNIs.
    "03 01 08 01 10 00 18 00 20 07 2a 0c 08 64 12 08 0a 06 0a 04 0a 00 00 01",
    "03 01 08 01 18 02",
    "03 01 08 01 10 5a 18 01 20 ac 02 2a 0c 08 64 12 08 0a 06 0a 04 0a 00 00 01 2a 10 08 c8 01 "
    "12 0b 0a 09 0a 07 c0 01 a8 01 c8 01 01",
    // v4 with an IPv6 VTEP.
    "04 01 08 01 10 5a 18 02 20 00 2a 1e 08 64 12 08 0a 06 0a 04 0a 00 00 01 7a 10 fd 00 00 00 00 "
    "00 00 00 00 00 00 00 00 00 00 01",
    // PROXY (not served).
    "03 02 08 01",
};

}  // namespace vxsn::test
