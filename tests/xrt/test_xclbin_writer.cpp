// The xclbin writer, read back two independent ways: by hand with the structs of XRT's
// <xclbin.h>, and with XRT's own parser (xrt::xclbin, no device needed). Expected sizes are
// computed here from the struct definitions and the kernel's documented signature.
#include <gtest/gtest.h>

#include <xclbin.h>

#include <experimental/xrt_xclbin.h>
#include <cstddef>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "driver/xrt/datapath_xclbin.hpp"
#include "driver/xrt/xclbin_reader.hpp"
#include "driver/xrt/xclbin_writer.hpp"

namespace vxsn {
namespace {

struct Parsed {
  axlf top{};
  std::vector<axlf_section_header> sections;
};

Parsed parse(const std::vector<uint8_t>& file) {
  Parsed p;
  const size_t fixed = sizeof(axlf) - sizeof(axlf_section_header);
  EXPECT_GE(file.size(), fixed);
  std::memcpy(&p.top, file.data(), fixed);
  for (uint32_t i = 0; i < p.top.m_header.m_numSections; ++i) {
    axlf_section_header h;
    std::memcpy(&h, file.data() + fixed + i * sizeof(h), sizeof(h));
    p.sections.push_back(h);
  }
  return p;
}

const axlf_section_header* find(const Parsed& p, axlf_section_kind kind) {
  for (const auto& h : p.sections)
    if (h.m_sectionKind == static_cast<uint32_t>(kind)) return &h;
  return nullptr;
}

std::string section_text(const std::vector<uint8_t>& file, const axlf_section_header& h) {
  const char* begin = reinterpret_cast<const char*>(file.data() + h.m_sectionOffset);
  return std::string(begin, strnlen(begin, h.m_sectionSize));
}

class XclbinWriter : public ::testing::Test {
 protected:
  std::vector<uint8_t> file = xclbin::build_xclbin(xrtcard::datapath_xclbin_spec());
  Parsed p = parse(file);
};

TEST_F(XclbinWriter, HeaderHasTheMagicTheLengthAndFiveSections) {
  EXPECT_EQ(std::memcmp(p.top.m_magic, "xclbin2", 8), 0);
  EXPECT_EQ(p.top.m_signature_length, -1);
  EXPECT_EQ(p.top.m_header.m_length, file.size());
  EXPECT_EQ(p.top.m_header.m_numSections, 5u);
  EXPECT_STREQ(reinterpret_cast<const char*>(p.top.m_header.m_platformVBNV),
               "vxsn:noop:datapath:1.0");
  std::set<uint32_t> kinds;
  for (const auto& h : p.sections) kinds.insert(h.m_sectionKind);
  EXPECT_EQ(kinds, (std::set<uint32_t>{EMBEDDED_METADATA, MEM_TOPOLOGY, IP_LAYOUT, CONNECTIVITY,
                                       BUILD_METADATA}));
}

TEST_F(XclbinWriter, SectionsAreAlignedInsideTheFileAndDoNotOverlap) {
  const size_t headers_end =
      sizeof(axlf) - sizeof(axlf_section_header) + p.sections.size() * sizeof(axlf_section_header);
  std::map<uint64_t, uint64_t> spans;  // offset -> end
  for (const auto& h : p.sections) {
    EXPECT_EQ(h.m_sectionOffset % 8, 0u) << h.m_sectionName;
    EXPECT_GE(h.m_sectionOffset, headers_end) << h.m_sectionName;
    EXPECT_LE(h.m_sectionOffset + h.m_sectionSize, file.size()) << h.m_sectionName;
    spans[h.m_sectionOffset] = h.m_sectionOffset + h.m_sectionSize;
  }
  uint64_t previous_end = 0;
  for (const auto& [offset, end] : spans) {
    EXPECT_GE(offset, previous_end);
    previous_end = end;
  }
}

TEST_F(XclbinWriter, MemTopologyHasTheTableAndStateBanks) {
  const axlf_section_header* h = find(p, MEM_TOPOLOGY);
  ASSERT_NE(h, nullptr);
  // m_count, padding to 8, then two 40-byte mem_data.
  EXPECT_EQ(h->m_sectionSize, 8u + 2 * 40u);
  int32_t count;
  std::memcpy(&count, file.data() + h->m_sectionOffset, 4);
  ASSERT_EQ(count, 2);
  mem_data m[2];
  std::memcpy(m, file.data() + h->m_sectionOffset + 8, sizeof(m));
  EXPECT_STREQ(reinterpret_cast<const char*>(m[0].m_tag), "table");
  EXPECT_STREQ(reinterpret_cast<const char*>(m[1].m_tag), "state");
  EXPECT_EQ(m[0].m_used, 1);
  EXPECT_EQ(m[0].m_size, 4u * 1024 * 1024);  // 4 GiB in KiB
  EXPECT_EQ(m[1].m_base_address, 0x400000000u);
}

TEST_F(XclbinWriter, IpLayoutHasOneApCtrlHsComputeUnit) {
  const axlf_section_header* h = find(p, IP_LAYOUT);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->m_sectionSize, 8u + 80u);
  ip_data ip;
  std::memcpy(&ip, file.data() + h->m_sectionOffset + 8, sizeof(ip));
  EXPECT_EQ(ip.m_type, static_cast<uint32_t>(IP_KERNEL));
  EXPECT_EQ((ip.properties & IP_CONTROL_MASK) >> IP_CONTROL_SHIFT,
            static_cast<uint32_t>(AP_CTRL_HS));
  EXPECT_EQ(ip.m_base_address, 0x1800000u);
  EXPECT_STREQ(reinterpret_cast<const char*>(ip.m_name), "vxsn_datapath:vxsn_datapath_1");
}

TEST_F(XclbinWriter, ConnectivityTiesEachPointerArgumentToItsBank) {
  const axlf_section_header* h = find(p, CONNECTIVITY);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->m_sectionSize, 4u + 6 * 12u);
  connection c[6];
  std::memcpy(c, file.data() + h->m_sectionOffset + 4, sizeof(c));
  std::map<int, int> arg_to_mem;
  for (const connection& x : c) {
    EXPECT_EQ(x.m_ip_layout_index, 0);
    arg_to_mem[x.arg_index] = x.mem_data_index;
  }
  // table_mem and member_mem on the table bank; learn_ring, counters, punt_ring and
  // inject_ring on the state bank.
  EXPECT_EQ(arg_to_mem, (std::map<int, int>{{2, 0}, {3, 0}, {4, 1}, {5, 1}, {8, 1}, {9, 1}}));
}

TEST_F(XclbinWriter, MetadataXmlNamesTheKernelAndEveryArgument) {
  const axlf_section_header* h = find(p, EMBEDDED_METADATA);
  ASSERT_NE(h, nullptr);
  const std::string xml = section_text(file, *h);
  EXPECT_NE(xml.find("<kernel name=\"vxsn_datapath\""), std::string::npos);
  EXPECT_NE(xml.find("<instance name=\"vxsn_datapath_1\">"), std::string::npos);
  struct Expect {
    const char* name;
    int qualifier, id;
    const char* offset;
    const char* size;
  };
  // hls/datapath_top.hpp: streams are axis (4), pointers m_axi (1), ctrl/command s_axilite (0).
  for (const Expect& e :
       {Expect{"rx", 4, 0, "0x0", "0x0"}, Expect{"tx", 4, 1, "0x0", "0x0"},
        Expect{"table_mem", 1, 2, "0x10", "0x8"}, Expect{"member_mem", 1, 3, "0x1C", "0x8"},
        Expect{"learn_ring", 1, 4, "0x28", "0x8"}, Expect{"counters", 1, 5, "0x34", "0x8"},
        Expect{"ctrl", 0, 6, "0x40", "0x19C"}, Expect{"command", 0, 7, "0x1E0", "0x4"},
        Expect{"punt_ring", 1, 8, "0x1E8", "0x8"}, Expect{"inject_ring", 1, 9, "0x1F4", "0x8"}}) {
    SCOPED_TRACE(e.name);
    const std::regex arg(std::string("<arg name=\"") + e.name + "\" addressQualifier=\"" +
                         std::to_string(e.qualifier) + "\" id=\"" + std::to_string(e.id) +
                         "\" port=\"[^\"]+\" size=\"" + e.size + "\" offset=\"" + e.offset + "\"");
    EXPECT_TRUE(std::regex_search(xml, arg));
  }
  EXPECT_NE(xml.find("type=\"ControlRegs const&amp;\""), std::string::npos);  // escaped
}

TEST_F(XclbinWriter, BuildMetadataIsJsonWithTheTableLayoutVersion) {
  const axlf_section_header* h = find(p, BUILD_METADATA);
  ASSERT_NE(h, nullptr);
  const auto meta = nlohmann::json::parse(section_text(file, *h));
  const auto& v = meta.at("build_metadata").at("vxsn");
  EXPECT_EQ(v.at("kernel"), "vxsn_datapath");
  EXPECT_EQ(v.at("table_layout_version"), 2);
  EXPECT_EQ(v.at("table_memory_bytes"), 2u * 2166848u);
  EXPECT_EQ(v.at("learn_ring_bytes"), (2u + 1024u) * 64u);
  EXPECT_EQ(v.at("counter_words"), 64u + 8u * 4096u);
  EXPECT_EQ(v.at("punt_ring_bytes"), (2u + 64u * 145u) * 64u);
  EXPECT_EQ(v.at("inject_ring_bytes"), (1u + 32u * 145u) * 64u);
}

TEST_F(XclbinWriter, XrtsOwnParserSeesTheKernelSignature) {
  const xrt::xclbin xb(std::vector<char>(file.begin(), file.end()));
  const xrt::xclbin::kernel k = xb.get_kernel("vxsn_datapath");
  ASSERT_TRUE(static_cast<bool>(k));
  ASSERT_EQ(k.get_num_args(), 10u);
  const auto args = k.get_args();
  EXPECT_EQ(args[2].get_name(), "table_mem");
  EXPECT_EQ(args[2].get_offset(), 0x10u);
  ASSERT_EQ(args[2].get_mems().size(), 1u);
  EXPECT_EQ(args[2].get_mems()[0].get_tag(), "table");
  EXPECT_EQ(args[3].get_name(), "member_mem");
  EXPECT_EQ(args[3].get_mems()[0].get_tag(), "table");
  EXPECT_EQ(args[5].get_mems()[0].get_tag(), "state");
  EXPECT_EQ(args[6].get_size(), 412u);
  EXPECT_EQ(args[8].get_name(), "punt_ring");
  EXPECT_EQ(args[8].get_mems()[0].get_tag(), "state");
  EXPECT_EQ(args[9].get_name(), "inject_ring");
  EXPECT_EQ(args[9].get_mems()[0].get_tag(), "state");
  EXPECT_EQ(xb.get_xsa_name(), "vxsn:noop:datapath:1.0");
}

TEST_F(XclbinWriter, EqualSpecsGiveEqualFilesAndAChangeGivesANewUuid) {
  EXPECT_EQ(xclbin::build_xclbin(xrtcard::datapath_xclbin_spec()), file);
  xclbin::XclbinSpec changed = xrtcard::datapath_xclbin_spec();
  changed.kernel.args[5].size = 128;
  const Parsed q = parse(xclbin::build_xclbin(changed));
  EXPECT_NE(std::memcmp(q.top.m_header.uuid, p.top.m_header.uuid, 16), 0);
}

TEST(XclbinWriterErrors, SpecsThatCannotBeWrittenAreRefused) {
  xclbin::XclbinSpec unconnected = xrtcard::datapath_xclbin_spec();
  unconnected.kernel.args[2].memory_bank = -1;
  EXPECT_THROW(xclbin::build_xclbin(unconnected), std::invalid_argument);
  xclbin::XclbinSpec long_tag = xrtcard::datapath_xclbin_spec();
  long_tag.banks[0].tag = "a-tag-of-sixteen";
  EXPECT_THROW(xclbin::build_xclbin(long_tag), std::invalid_argument);
  xclbin::XclbinSpec unknown_port = xrtcard::datapath_xclbin_spec();
  unknown_port.kernel.args[0].port = "nowhere";
  EXPECT_THROW(xclbin::build_xclbin(unknown_port), std::invalid_argument);
  xclbin::XclbinSpec unknown_protocol = xrtcard::datapath_xclbin_spec();
  unknown_protocol.kernel.control_protocol = "ap_ctrl_maybe";
  EXPECT_THROW(xclbin::build_xclbin(unknown_protocol), std::invalid_argument);
}

// The control protocol read back from EMBEDDED_METADATA, for the xclbin the build writes
// (per-call) and for one declaring what a Vitis build declares (free-running).
xclbin::KernelControl control_of(const xclbin::XclbinSpec& spec) {
  const std::vector<uint8_t> file = xclbin::build_xclbin(spec);
  return xclbin::read_kernel_control(xclbin::read_sections(file), xrtcard::kKernelName);
}

TEST(XclbinKernelControl, TheBuildsXclbinIsApCtrlHsWithoutRestartMailboxOrReset) {
  const xclbin::KernelControl c = control_of(xrtcard::datapath_xclbin_spec());
  EXPECT_EQ(c.protocol, "ap_ctrl_hs");
  EXPECT_FALSE(c.auto_restart);
  EXPECT_FALSE(c.mailbox);
  EXPECT_FALSE(c.sw_reset);
}

TEST(XclbinKernelControl, AVitisBuildsAttributesAreReadBackAndXrtParsesThem) {
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  xrtcard::set_vitis_control_protocol(spec.kernel);
  const xclbin::KernelControl c = control_of(spec);
  EXPECT_EQ(c.protocol, "ap_ctrl_chain");
  EXPECT_TRUE(c.auto_restart);
  EXPECT_TRUE(c.mailbox);
  EXPECT_TRUE(c.sw_reset);

  const std::vector<uint8_t> file = xclbin::build_xclbin(spec);
  const Parsed q = parse(file);
  const std::string xml = section_text(file, *find(q, EMBEDDED_METADATA));
  EXPECT_NE(xml.find("hwControlProtocol=\"ap_ctrl_chain\" countedAutoRestart=\"1\" "
                     "mailbox=\"both\" swReset=\"true\">"),
            std::string::npos)
      << xml;
  ip_data ip;
  std::memcpy(&ip, file.data() + find(q, IP_LAYOUT)->m_sectionOffset + 8, sizeof(ip));
  EXPECT_EQ((ip.properties & IP_CONTROL_MASK) >> IP_CONTROL_SHIFT,
            static_cast<uint32_t>(AP_CTRL_CHAIN));
  // XRT's parser (no device) takes the file; only opening the kernel acts on the attributes.
  const xrt::xclbin xb(std::vector<char>(file.begin(), file.end()));
  EXPECT_TRUE(static_cast<bool>(xb.get_kernel("vxsn_datapath")));
}

TEST(XclbinKernelControl, OnlyAMailboxTheHostCanWriteCounts) {
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  for (const auto& [direction, writable] : std::vector<std::pair<std::string, bool>>{
           {"in", true}, {"inout", true}, {"true", true}, {"out", false}, {"none", false}}) {
    SCOPED_TRACE(direction);
    spec.kernel.mailbox = direction;
    EXPECT_EQ(control_of(spec).mailbox, writable);
  }
}

TEST(XclbinKernelControl, ValuesXrtWouldRefuseOrAMissingKernelAreErrors) {
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  spec.kernel.mailbox = "sometimes";
  try {
    control_of(spec);
    ADD_FAILURE() << "mailbox=\"sometimes\" accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("mailbox=\"sometimes\""), std::string::npos) << e.what();
  }
  const std::vector<uint8_t> file = xclbin::build_xclbin(xrtcard::datapath_xclbin_spec());
  EXPECT_THROW(xclbin::read_kernel_control(xclbin::read_sections(file), "other_kernel"),
               std::invalid_argument);
}

}  // namespace
}  // namespace vxsn
