// Runs a fuzz target without libFuzzer: over every file of the given corpus directories (or
// the target's seeds), then over `--mutations N` byte-flipped, truncated and extended variants
// of them (fixed seed, so a failure reproduces). With `--write-seeds DIR` it first writes the
// target's seed corpus (fuzz_seeds.hpp) that the clang fuzzer also starts from. One driver
// for every target of this folder: each links its own seeds.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_seeds.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::vector<std::vector<uint8_t>> corpus;
  unsigned mutations = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mutations" && i + 1 < argc) {
      mutations = static_cast<unsigned>(std::stoul(argv[++i]));
    } else if (arg == "--write-seeds" && i + 1 < argc) {
      const std::filesystem::path dir = argv[++i];
      std::filesystem::create_directories(dir);
      unsigned n = 0;
      for (const auto& f : vxsn::fuzz::seed_inputs()) {
        std::ofstream out(dir / ("seed-" + std::to_string(n++)), std::ios::binary);
        out.write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size()));
      }
    } else {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        std::ifstream in(entry.path(), std::ios::binary);
        corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
    }
  }
  if (corpus.empty()) corpus = vxsn::fuzz::seed_inputs();
  for (const auto& f : corpus) LLVMFuzzerTestOneInput(f.data(), f.size());

  std::mt19937 rng(12345);
  for (unsigned m = 0; m < mutations; ++m) {
    std::vector<uint8_t> f = corpus[rng() % corpus.size()];
    switch (rng() % 4) {
      case 0:  // flip a few bytes
        for (unsigned k = 0, n = 1 + rng() % 4; k < n && !f.empty(); ++k)
          f[rng() % f.size()] = static_cast<uint8_t>(rng());
        break;
      case 1:  // truncate
        f.resize(rng() % (f.size() + 1));
        break;
      case 2:  // extend with noise
        for (unsigned k = 0, n = rng() % 64; k < n; ++k) f.push_back(static_cast<uint8_t>(rng()));
        break;
      case 3:  // one byte in the headers (first 80) set to an edge value
        if (!f.empty()) f[rng() % std::min<size_t>(80, f.size())] = (rng() & 1) ? 0xFF : 0x00;
        break;
    }
    LLVMFuzzerTestOneInput(f.data(), f.size());
  }
  std::printf("replayed %zu corpus inputs and %u mutations\n", corpus.size(), mutations);
  return 0;
}
