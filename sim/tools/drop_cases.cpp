#include "sim/tools/drop_cases.hpp"

namespace vxsn::sim {
namespace {

void put16(std::vector<uint8_t>& f, size_t at, uint16_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}

std::vector<uint8_t> good(const VxlanFrameSpec& s, size_t inner_len = 60) {
  return build_vxlan_frame(s, make_inner_frame(inner_len, 7));
}

VxlanFrameSpec tagged(VxlanFrameSpec s) {
  s.vlan_tci = 0x2064;  // PCP 1, VID 100
  return s;
}

}  // namespace

std::vector<DropCase> parse_drop_cases(const VxlanFrameSpec& good_v4, const VxlanFrameSpec& good_v6,
                                       const IpAddr& foreign_v4, const IpAddr& foreign_v6) {
  std::vector<DropCase> out;
  auto add = [&out](std::string name, DropReason r, std::vector<uint8_t> f) {
    out.push_back({std::move(name), r, std::move(f)});
  };

  for (const VxlanFrameSpec& base : {good_v4, tagged(good_v4), good_v6, tagged(good_v6)}) {
    const bool v6 = base.src.is_v6();
    const std::string tag = std::string(v6 ? "v6" : "v4") + (base.vlan_tci ? "_vlan" : "");
    const size_t ip = ip_offset(base);
    const size_t udp = ip + (v6 ? 40 : 20);
    const size_t vx = udp + 8;
    const std::vector<uint8_t> g = good(base);

    // Cut inside the IP header (kTooShort from step 4).
    add(tag + "_cut_in_ip_header", DropReason::kTooShort,
        std::vector<uint8_t>(g.begin(), g.begin() + ip + (v6 ? 39 : 19)));
    {
      auto f = g;  // version nibble of the other family
      f[ip] = static_cast<uint8_t>((v6 ? 0x40 : 0x65));
      add(tag + "_bad_version", DropReason::kIpBadVersion, f);
    }
    {
      auto f = g;  // IP length longer than the frame
      put16(f, ip + (v6 ? 4 : 2), static_cast<uint16_t>(f.size()));
      if (!v6) fix_ipv4_checksum(f.data() + ip);
      add(tag + "_ip_length_past_frame", DropReason::kIpBadLength, f);
    }
    {
      auto f = g;  // IP length too small for UDP
      put16(f, ip + (v6 ? 4 : 2), v6 ? 7 : 27);
      if (!v6) fix_ipv4_checksum(f.data() + ip);
      add(tag + "_ip_length_below_udp", DropReason::kIpBadLength, f);
    }
    {
      auto f = g;
      f[ip + (v6 ? 7 : 8)] = 0;
      if (!v6) fix_ipv4_checksum(f.data() + ip);
      add(tag + "_ttl_zero", DropReason::kTtlExpired, f);
    }
    {
      VxlanFrameSpec s = base;
      s.dst = v6 ? foreign_v6 : foreign_v4;
      add(tag + "_not_service_address", DropReason::kNotServiceAddress, good(s));
    }
    {
      VxlanFrameSpec s = base;
      s.udp_dst_port = 4790;
      add(tag + "_wrong_port", DropReason::kWrongPort, good(s));
    }
    {
      auto f = g;  // UDP length below UDP + VXLAN headers
      put16(f, udp + 4, 15);
      add(tag + "_udp_length_short", DropReason::kUdpBadLength, f);
    }
    {
      auto f = g;  // UDP length above the IP payload
      put16(f, udp + 4, static_cast<uint16_t>(f.size() - udp + 1));
      add(tag + "_udp_length_long", DropReason::kUdpBadLength, f);
    }
    {
      auto f = g;  // I flag clear, other flags set
      f[vx] = 0xF7;
      add(tag + "_vxlan_no_i_flag", DropReason::kVxlanBadFlags, f);
    }
    add(tag + "_inner_13_bytes", DropReason::kInnerTooShort,
        build_vxlan_frame(base, make_inner_frame(13, 3)));
    add(tag + "_inner_0_bytes", DropReason::kInnerTooShort,
        build_vxlan_frame(base, make_inner_frame(0, 3)));
    if (!v6) {
      {
        auto f = g;
        f[ip] = 0x46;  // IHL 6
        add(tag + "_options", DropReason::kIpv4Options, f);
      }
      {
        auto f = g;
        put16(f, ip + 6, 0x2000);  // MF
        fix_ipv4_checksum(f.data() + ip);
        add(tag + "_more_fragments", DropReason::kIpv4Fragment, f);
      }
      {
        auto f = g;
        put16(f, ip + 6, 0x4001);  // DF and offset 1
        fix_ipv4_checksum(f.data() + ip);
        add(tag + "_fragment_offset", DropReason::kIpv4Fragment, f);
      }
      {
        auto f = g;
        f[ip + 11] ^= 0x01;
        add(tag + "_bad_checksum", DropReason::kIpv4BadChecksum, f);
      }
      {
        auto f = g;
        f[ip + 9] = 6;  // TCP
        fix_ipv4_checksum(f.data() + ip);
        add(tag + "_tcp", DropReason::kNotUdp, f);
      }
    } else {
      auto f = g;
      f[ip + 6] = 0;  // hop-by-hop options header
      add(tag + "_ext_header", DropReason::kIpv6ExtHeader, f);
    }
  }

  // Ethernet-level cases.
  const std::vector<uint8_t> g4 = good(good_v4);
  add("eth_13_bytes", DropReason::kTooShort, std::vector<uint8_t>(g4.begin(), g4.begin() + 13));
  add("eth_1_byte", DropReason::kTooShort, std::vector<uint8_t>(g4.begin(), g4.begin() + 1));
  {
    const auto t = good(tagged(good_v4));
    add("vlan_tag_cut", DropReason::kTooShort, std::vector<uint8_t>(t.begin(), t.begin() + 17));
  }
  {
    auto f = g4;
    put16(f, 12, 0x0806);  // ARP
    add("arp", DropReason::kUnknownEtherType, f);
  }
  {
    auto f = good(tagged(good_v4));
    put16(f, 16, 0x8100);  // a second tag is not walked
    add("double_tag", DropReason::kUnknownEtherType, f);
  }
  {
    auto f = g4;
    put16(f, 12, 0x88A8);  // 802.1ad outer tag: not supported
    add("qinq_tpid", DropReason::kUnknownEtherType, f);
  }
  return out;
}

}  // namespace vxsn::sim
