// What each fuzz target of this folder starts from: valid inputs of its own format. The
// replay driver (replay_main.cpp) runs them and their mutations, and writes them as the
// libFuzzer seed corpus.
#pragma once

#include <cstdint>
#include <vector>

namespace vxsn::fuzz {

std::vector<std::vector<uint8_t>> seed_inputs();

}  // namespace vxsn::fuzz
