// Writes the seed corpus (one file per seed) into the directory given as argv[1], emptied
// first, so each fuzz run starts from the same inputs.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "tests/registration/fuzz/fuzz_seed_corpus.hpp"
#include "tests/registration/hex_bytes.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_fuzz_seeds <corpus-dir>\n";
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int n = 0;
  for (std::string_view seed : vxsn::test::kRegistrationFuzzSeeds) {
    const auto bytes = vxsn::test::hex(seed);
    std::ofstream(dir / ("seed" + std::to_string(n++)), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  return 0;
}
