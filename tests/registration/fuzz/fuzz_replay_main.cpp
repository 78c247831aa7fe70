// Without libFuzzer: replays the seed corpus and a few thousand deterministic mutations of it
// through the same fuzz target, in an ordinary executable (a crash or an abort fails the test).
#include <cstdint>
#include <iostream>
#include <random>
#include <vector>

#include "tests/registration/fuzz/fuzz_seed_corpus.hpp"
#include "tests/registration/hex_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main() {
  std::vector<std::vector<uint8_t>> seeds;
  for (std::string_view s : vxsn::test::kRegistrationFuzzSeeds) seeds.push_back(vxsn::test::hex(s));
  for (const auto& s : seeds) LLVMFuzzerTestOneInput(s.data(), s.size());

  std::mt19937_64 rng(20240601);
  constexpr int kMutations = 5000;
  for (int i = 0; i < kMutations; ++i) {
    std::vector<uint8_t> d = seeds[rng() % seeds.size()];
    switch (rng() % 5) {
      case 0:  // flip bytes
        for (int f = 1 + static_cast<int>(rng() % 4); f > 0 && !d.empty(); --f)
          d[rng() % d.size()] = static_cast<uint8_t>(rng());
        break;
      case 1:  // cut short
        d.resize(rng() % (d.size() + 1));
        break;
      case 2:  // append garbage
        for (int n = 1 + static_cast<int>(rng() % 16); n > 0; --n)
          d.push_back(static_cast<uint8_t>(rng()));
        break;
      case 3: {  // splice two seeds
        const auto& other = seeds[rng() % seeds.size()];
        d.resize(rng() % (d.size() + 1));
        d.insert(d.end(), other.begin() + static_cast<long>(rng() % other.size()), other.end());
        break;
      }
      default:  // insert a byte
        d.insert(d.begin() + static_cast<long>(rng() % (d.size() + 1)),
                 static_cast<uint8_t>(rng()));
        break;
    }
    LLVMFuzzerTestOneInput(d.data(), d.size());
  }
  std::cout << "replayed " << seeds.size() << " seeds and " << kMutations << " mutations\n";
  return 0;
}
