// vxsn-cycle-model end to end: it prints the table and writes a CSV and a PNG.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

namespace fs = std::filesystem;

class CycleModelCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vxsn_cycle_model_" + std::to_string(getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path dir_;
};

TEST_F(CycleModelCli, WritesTableCsvAndPng) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "gnuplot not installed (Debian package gnuplot-nox)";
  const fs::path stdout_file = dir_ / "stdout.txt";
  fs::create_directories(dir_);
  const std::string cmd = std::string(VXSN_CYCLE_MODEL_CLI) + " --out '" + dir_.string() + "' > '" +
                          stdout_file.string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

  const std::string table = read_all(stdout_file);
  EXPECT_NE(table.find("a model, not a synthesis result"), std::string::npos);
  EXPECT_NE(table.find("egress utilisation"), std::string::npos);
  EXPECT_NE(table.find("   9216 "), std::string::npos);

  // 4 variants x 2 memories x 8 sizes x 7 fan-outs, plus the header line.
  const std::string csv = read_all(dir_ / "cycle_model.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4 * 2 * 8 * 7);

  const std::string png = read_all(dir_ / "cycle_model.png");
  ASSERT_GT(png.size(), 1000u);
  const std::array<unsigned char, 8> magic = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  for (size_t i = 0; i < magic.size(); ++i)
    EXPECT_EQ(static_cast<unsigned char>(png[i]), magic[i]) << "byte " << i;
}

TEST_F(CycleModelCli, RejectsAnUnknownVariant) {
  const std::string cmd =
      std::string(VXSN_CYCLE_MODEL_CLI) + " --no-plot --variant fastest >/dev/null 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);
}

}  // namespace
