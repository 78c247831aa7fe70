#include "driver/xrt/xclbin_writer.hpp"

#include <xclbin.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace vxsn::xclbin {
namespace {

constexpr size_t kSectionAlignment = 8;  // every struct in xclbin.h is 8-byte aligned

template <size_t N>
void copy_name(char (&field)[N], const std::string& value, const char* what) {
  if (value.size() >= N) {
    throw std::invalid_argument(std::string(what) + " '" + value + "' is longer than " +
                                std::to_string(N - 1) + " characters");
  }
  std::memset(field, 0, N);
  std::memcpy(field, value.data(), value.size());
}

template <size_t N>
void copy_name(unsigned char (&field)[N], const std::string& value, const char* what) {
  copy_name(reinterpret_cast<char(&)[N]>(field), value, what);
}

template <typename T>
void append_struct(std::vector<uint8_t>& out, const T& value) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(&value);
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string hex(uint64_t value) {
  std::ostringstream s;
  s << "0x" << std::hex << std::uppercase << value;
  return s.str();
}

const char* port_mode(KernelPort::Mode mode) {
  switch (mode) {
    case KernelPort::Mode::kSlave:
      return "slave";
    case KernelPort::Mode::kMaster:
      return "master";
    case KernelPort::Mode::kStreamIn:
      return "read_only";
    case KernelPort::Mode::kStreamOut:
      return "write_only";
  }
  return "slave";
}

// IP_LAYOUT's control type for the <kernel> element's hwControlProtocol.
uint32_t ip_control(const std::string& protocol) {
  if (protocol == "ap_ctrl_hs") return AP_CTRL_HS;
  if (protocol == "ap_ctrl_chain") return AP_CTRL_CHAIN;
  if (protocol == "ap_ctrl_none") return AP_CTRL_NONE;
  throw std::invalid_argument("xclbin: unknown kernel control protocol '" + protocol + "'");
}

bool is_stream(KernelPort::Mode mode) {
  return mode == KernelPort::Mode::kStreamIn || mode == KernelPort::Mode::kStreamOut;
}

void check_spec(const XclbinSpec& spec) {
  const KernelSpec& k = spec.kernel;
  if (k.name.empty() || k.instance_name.empty()) {
    throw std::invalid_argument("xclbin: the kernel needs a name and an instance name");
  }
  ip_control(k.control_protocol);
  for (const KernelArg& arg : k.args) {
    bool port_known = false;
    for (const KernelPort& port : k.ports) port_known |= port.name == arg.port;
    if (!port_known) {
      throw std::invalid_argument("xclbin: argument '" + arg.name + "' names unknown port '" +
                                  arg.port + "'");
    }
    if (arg.kind == ArgKind::kGlobal &&
        (arg.memory_bank < 0 || static_cast<size_t>(arg.memory_bank) >= spec.banks.size())) {
      throw std::invalid_argument("xclbin: global argument '" + arg.name +
                                  "' is not connected to a memory bank");
    }
  }
  for (const MemoryBank& bank : spec.banks) {
    if (bank.size_bytes % 1024 != 0) {
      throw std::invalid_argument("xclbin: bank '" + bank.tag + "' size is not whole KiB");
    }
  }
}

std::vector<uint8_t> mem_topology_section(const XclbinSpec& spec) {
  std::vector<uint8_t> out;
  int32_t count = static_cast<int32_t>(spec.banks.size());
  // m_count is followed by padding up to the 8-byte aligned m_mem_data array.
  out.resize(offsetof(mem_topology, m_mem_data), 0);
  std::memcpy(out.data(), &count, sizeof(count));
  for (const MemoryBank& bank : spec.banks) {
    mem_data m{};
    m.m_type = MEM_DDR4;
    m.m_used = 1;
    m.m_size = bank.size_bytes / 1024;
    m.m_base_address = bank.base_address;
    copy_name(m.m_tag, bank.tag, "memory bank tag");
    append_struct(out, m);
  }
  return out;
}

std::vector<uint8_t> ip_layout_section(const XclbinSpec& spec) {
  std::vector<uint8_t> out;
  int32_t count = 1;
  out.resize(offsetof(ip_layout, m_ip_data), 0);
  std::memcpy(out.data(), &count, sizeof(count));
  ip_data ip{};
  ip.m_type = IP_KERNEL;
  // The control type with its interrupt enabled: what Vitis gives an HLS kernel with a
  // `return` port on s_axilite.
  ip.properties =
      (ip_control(spec.kernel.control_protocol) << IP_CONTROL_SHIFT) | IP_INT_ENABLE_MASK;
  ip.m_base_address = spec.kernel.base_address;
  copy_name(ip.m_name, spec.kernel.name + ":" + spec.kernel.instance_name, "compute unit name");
  append_struct(out, ip);
  return out;
}

std::vector<uint8_t> connectivity_section(const XclbinSpec& spec) {
  std::vector<connection> links;
  for (const KernelArg& arg : spec.kernel.args) {
    if (arg.kind != ArgKind::kGlobal) continue;
    connection c{};
    c.arg_index = static_cast<int32_t>(arg.id);
    c.m_ip_layout_index = 0;  // the one compute unit
    c.mem_data_index = arg.memory_bank;
    links.push_back(c);
  }
  std::vector<uint8_t> out;
  int32_t count = static_cast<int32_t>(links.size());
  out.resize(offsetof(connectivity, m_connection), 0);
  std::memcpy(out.data(), &count, sizeof(count));
  for (const connection& c : links) append_struct(out, c);
  return out;
}

std::vector<uint8_t> text_section(const std::string& text) {
  std::vector<uint8_t> out(text.begin(), text.end());
  out.push_back(0);  // XRT hands the section to parsers that like a terminator
  return out;
}

// A 128-bit content hash (two FNV-1a lanes) as the xclbin uuid: reproducible builds, and a
// changed kernel description gives a different uuid, which XRT uses to tell xclbins apart.
std::array<uint8_t, 16> content_uuid(const std::vector<std::vector<uint8_t>>& sections) {
  uint64_t lanes[2] = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull};
  for (const auto& section : sections) {
    for (uint8_t b : section) {
      lanes[0] = (lanes[0] ^ b) * 0x100000001b3ull;
      lanes[1] = (lanes[1] ^ static_cast<uint8_t>(b + 0x5a)) * 0x100000001b3ull;
    }
  }
  std::array<uint8_t, 16> uuid{};
  std::memcpy(uuid.data(), lanes, sizeof(lanes));
  uuid[6] = static_cast<uint8_t>((uuid[6] & 0x0f) | 0x80);  // RFC 4122 version 8 (custom)
  uuid[8] = static_cast<uint8_t>((uuid[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return uuid;
}

size_t align_up(size_t n) {
  return (n + kSectionAlignment - 1) / kSectionAlignment * kSectionAlignment;
}

}  // namespace

std::string kernel_metadata_xml(const XclbinSpec& spec) {
  const KernelSpec& k = spec.kernel;
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<project name=\"" << xml_escape(k.name) << "\">\n"
    << "  <platform vendor=\"vxsn\" boardid=\"vxsn\" name=\"" << xml_escape(spec.platform_vbnv)
    << "\" featureRomTime=\"0\">\n"
    << "    <version major=\"1\" minor=\"0\"/>\n"
    << "    <device name=\"fpga0\" fpgaDevice=\"\" addrWidth=\"64\">\n"
    << "      <core name=\"OCL_REGION_0\" target=\"hw\" type=\"clc_region\" "
       "numComputeUnits=\"1\">\n"
    << "        <kernel name=\"" << xml_escape(k.name)
    << "\" language=\"c\" vlnv=\"vxsn:hls:" << xml_escape(k.name)
    << ":1.0\" preferredWorkGroupSizeMultiple=\"0\" workGroupSize=\"1\" interrupt=\"true\" "
       "hwControlProtocol=\""
    << xml_escape(k.control_protocol) << "\"";
  if (k.counted_auto_restart != 0) x << " countedAutoRestart=\"" << k.counted_auto_restart << "\"";
  if (!k.mailbox.empty()) x << " mailbox=\"" << xml_escape(k.mailbox) << "\"";
  if (k.sw_reset) x << " swReset=\"true\"";
  x << ">\n";
  for (const KernelPort& p : k.ports) {
    x << "          <port name=\"" << xml_escape(p.name) << "\" mode=\"" << port_mode(p.mode)
      << "\"";
    if (!is_stream(p.mode)) x << " range=\"" << hex(p.range) << "\"";
    x << " dataWidth=\"" << p.data_width_bits << "\" portType=\""
      << (is_stream(p.mode) ? "stream" : "addressable") << "\" base=\"0x0\"/>\n";
  }
  for (const KernelArg& a : k.args) {
    x << "          <arg name=\"" << xml_escape(a.name) << "\" addressQualifier=\""
      << static_cast<unsigned>(a.kind) << "\" id=\"" << a.id << "\" port=\"" << xml_escape(a.port)
      << "\" size=\"" << hex(a.size) << "\" offset=\"" << hex(a.offset)
      << "\" hostOffset=\"0x0\" hostSize=\"" << hex(a.host_size) << "\" type=\""
      << xml_escape(a.type) << "\"/>\n";
  }
  x << "          <instance name=\"" << xml_escape(k.instance_name) << "\">\n"
    << "            <addrRemap base=\"" << hex(k.base_address) << "\" port=\"";
  for (const KernelPort& p : k.ports) {
    if (p.mode == KernelPort::Mode::kSlave) {
      x << xml_escape(p.name);
      break;
    }
  }
  x << "\"/>\n"
    << "          </instance>\n"
    << "        </kernel>\n"
    << "      </core>\n"
    << "    </device>\n"
    << "  </platform>\n"
    << "</project>\n";
  return x.str();
}

std::vector<uint8_t> build_xclbin(const XclbinSpec& spec) {
  check_spec(spec);

  struct Section {
    axlf_section_kind kind;
    const char* name;
    std::vector<uint8_t> data;
  };
  std::vector<Section> sections;
  sections.push_back({EMBEDDED_METADATA, "metadata", text_section(kernel_metadata_xml(spec))});
  sections.push_back({MEM_TOPOLOGY, "mem_topology", mem_topology_section(spec)});
  sections.push_back({IP_LAYOUT, "ip_layout", ip_layout_section(spec)});
  sections.push_back({CONNECTIVITY, "connectivity", connectivity_section(spec)});
  sections.push_back({BUILD_METADATA, "build_metadata", text_section(spec.build_metadata_json)});

  // The axlf struct ends with room for one section header; the others follow it.
  const size_t header_bytes =
      sizeof(axlf) - sizeof(axlf_section_header) + sections.size() * sizeof(axlf_section_header);
  std::vector<axlf_section_header> section_headers;
  size_t offset = align_up(header_bytes);
  for (const Section& s : sections) {
    axlf_section_header h{};
    h.m_sectionKind = s.kind;
    copy_name(h.m_sectionName, s.name, "section name");
    h.m_sectionOffset = offset;
    h.m_sectionSize = s.data.size();
    section_headers.push_back(h);
    offset = align_up(offset + s.data.size());
  }
  const size_t total = offset;

  std::vector<std::vector<uint8_t>> contents;
  for (const Section& s : sections) contents.push_back(s.data);
  const std::array<uint8_t, 16> uuid = content_uuid(contents);

  axlf top{};
  std::memcpy(top.m_magic, "xclbin2", 8);
  top.m_signature_length = -1;  // no signature
  std::memset(top.reserved, 0xFF, sizeof(top.reserved));
  std::memset(top.m_keyBlock, 0xFF, sizeof(top.m_keyBlock));
  std::memcpy(&top.m_uniqueId, uuid.data(), sizeof(top.m_uniqueId));
  axlf_header& h = top.m_header;
  h.m_length = total;
  h.m_timeStamp = spec.timestamp;
  h.m_versionMajor = 2;
  h.m_versionMinor = 13;
  h.m_versionPatch = 0;
  h.m_mode = XCLBIN_FLAT;
  copy_name(h.m_platformVBNV, spec.platform_vbnv, "platform VBNV");
  std::memcpy(h.uuid, uuid.data(), uuid.size());
  h.m_numSections = static_cast<uint32_t>(sections.size());

  std::vector<uint8_t> out(total, 0);
  std::memcpy(out.data(), &top, sizeof(axlf) - sizeof(axlf_section_header));
  std::memcpy(out.data() + offsetof(axlf, m_sections), section_headers.data(),
              section_headers.size() * sizeof(axlf_section_header));
  for (size_t i = 0; i < sections.size(); ++i) {
    std::memcpy(out.data() + section_headers[i].m_sectionOffset, sections[i].data.data(),
                sections[i].data.size());
  }
  return out;
}

void write_xclbin(const XclbinSpec& spec, const std::filesystem::path& path) {
  const std::vector<uint8_t> bytes = build_xclbin(spec);
  std::filesystem::path temp = path;
  temp += ".tmp";
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    if (!file) throw std::runtime_error("xclbin: cannot write " + temp.string());
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec)
    throw std::runtime_error("xclbin: cannot rename to " + path.string() + ": " + ec.message());
}

}  // namespace vxsn::xclbin
