#include "driver/xrt/xclbin_reader.hpp"

#include <xclbin.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace vxsn::xclbin {

std::vector<Section> read_sections(std::span<const uint8_t> file) {
  constexpr size_t kFixedHeader = offsetof(axlf, m_sections);
  if (file.size() < kFixedHeader) {
    throw std::invalid_argument("xclbin: " + std::to_string(file.size()) +
                                " bytes, shorter than the axlf header");
  }
  axlf top;
  std::memcpy(&top, file.data(), kFixedHeader);
  if (std::memcmp(top.m_magic, "xclbin2", 8) != 0) {
    throw std::invalid_argument("xclbin: wrong magic (not an xclbin2 file)");
  }
  if (top.m_header.m_length != file.size()) {
    throw std::invalid_argument("xclbin: header says " + std::to_string(top.m_header.m_length) +
                                " bytes, the file has " + std::to_string(file.size()));
  }
  const uint64_t count = top.m_header.m_numSections;
  if (count > XCLBIN_MAX_NUM_SECTION ||
      kFixedHeader + count * sizeof(axlf_section_header) > file.size()) {
    throw std::invalid_argument("xclbin: " + std::to_string(count) +
                                " section headers do not fit the file");
  }
  std::vector<Section> sections;
  for (uint64_t i = 0; i < count; ++i) {
    axlf_section_header h;
    std::memcpy(&h, file.data() + kFixedHeader + i * sizeof(h), sizeof(h));
    if (h.m_sectionOffset > file.size() || h.m_sectionSize > file.size() - h.m_sectionOffset) {
      throw std::invalid_argument("xclbin: section " + std::to_string(i) +
                                  " lies outside the file");
    }
    Section s;
    s.kind = h.m_sectionKind;
    s.name.assign(h.m_sectionName, strnlen(h.m_sectionName, sizeof(h.m_sectionName)));
    s.offset = h.m_sectionOffset;
    s.data = file.subspan(h.m_sectionOffset, h.m_sectionSize);
    sections.push_back(s);
  }
  return sections;
}

std::optional<Section> find_section(const std::vector<Section>& sections, uint32_t kind) {
  for (const Section& s : sections) {
    if (s.kind == kind) return s;
  }
  return std::nullopt;
}

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error("cannot read " + path.string());
  return bytes;
}

}  // namespace vxsn::xclbin
