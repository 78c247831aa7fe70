// Shared by the XRT backend tests: a temporary directory for xclbin variants, and small
// tables to load.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "driver/card/bank_serializer.hpp"
#include "driver/xrt/xclbin_writer.hpp"

namespace vxsn::xrt_test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes `spec` as `dir/name` with the project's writer and returns the path.
std::filesystem::path write_variant(const TempDir& dir, const std::string& name,
                                    const xclbin::XclbinSpec& spec);

// Two VNIs (100: one IPv4 member, counter slot 7; 200: two members, one IPv6, not counted),
// three members in all.
CardTableSpec two_vni_table(uint64_t version);

}  // namespace vxsn::xrt_test
