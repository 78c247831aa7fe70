// Structural checks of an xclbin file before it goes anywhere near XRT: XRT trusts the
// header's offsets, so a truncated or foreign file would make it read past the buffer. The
// XRT backend reads the file with this, checks it, then hands the same bytes to XRT.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vxsn::xclbin {

struct Section {
  uint32_t kind = 0;  // axlf_section_kind
  std::string name;
  uint64_t offset = 0;
  std::span<const uint8_t> data;  // inside the file bytes given to read_sections()
};

// The file's sections in header order. Throws std::invalid_argument with the reason when
// the file is not a well-formed xclbin: shorter than its header, wrong magic ("xclbin2"),
// a length field that disagrees with the file, or a section outside the file.
std::vector<Section> read_sections(std::span<const uint8_t> file);

// The first section of `kind`, if any.
std::optional<Section> find_section(const std::vector<Section>& sections, uint32_t kind);

// The whole file. Throws std::runtime_error when it cannot be read.
std::vector<uint8_t> read_file(const std::filesystem::path& path);

}  // namespace vxsn::xclbin
