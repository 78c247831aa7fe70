#include "driver/xrt/xclbin_reader.hpp"

#include <xclbin.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
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

namespace {

// The mailbox directions XRT knows (its xclbin parser refuses any other value), and whether
// each lets the host write arguments into a running kernel.
bool host_writable_mailbox(const std::string& value) {
  if (value == "in" || value == "inout" || value == "both" || value == "true") return true;
  if (value == "none" || value == "false" || value == "out") return false;
  throw std::invalid_argument("xclbin: kernel mailbox=\"" + value +
                              "\" is none of none, in, out, inout, both, true, false");
}

}  // namespace

KernelControl read_kernel_control(const std::vector<Section>& sections,
                                  const std::string& kernel_name) {
  const auto section = find_section(sections, EMBEDDED_METADATA);
  if (!section) throw std::invalid_argument("xclbin: no EMBEDDED_METADATA section");
  const auto* text = reinterpret_cast<const char*>(section->data.data());
  std::istringstream xml(std::string(text, strnlen(text, section->data.size())));
  // XRT reads this section with the same parser (boost::property_tree), so both see the
  // same attributes.
  namespace pt = boost::property_tree;
  pt::ptree tree;
  try {
    pt::read_xml(xml, tree);
  } catch (const pt::xml_parser_error& e) {
    throw std::invalid_argument(std::string("xclbin: EMBEDDED_METADATA is not XML: ") + e.what());
  }
  const auto core = tree.get_child_optional("project.platform.device.core");
  if (core) {
    for (const auto& [tag, kernel] : *core) {
      if (tag != "kernel" || kernel.get<std::string>("<xmlattr>.name", "") != kernel_name) continue;
      KernelControl c;
      c.protocol = kernel.get<std::string>("<xmlattr>.hwControlProtocol", "");
      const std::string restart = kernel.get<std::string>("<xmlattr>.countedAutoRestart", "0");
      try {
        size_t used = 0;
        c.auto_restart = !restart.empty() && std::stoul(restart, &used, 0) != 0;  // "": 0, as XRT
        if (!restart.empty() && used != restart.size()) throw std::invalid_argument(restart);
      } catch (const std::exception&) {
        throw std::invalid_argument("xclbin: kernel '" + kernel_name + "' countedAutoRestart=\"" +
                                    restart + "\" is not a number");
      }
      c.mailbox = host_writable_mailbox(kernel.get<std::string>("<xmlattr>.mailbox", "none"));
      c.sw_reset = kernel.get<std::string>("<xmlattr>.swReset", "false") == "true";
      return c;
    }
  }
  throw std::invalid_argument("xclbin: EMBEDDED_METADATA has no kernel '" + kernel_name + "'");
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
