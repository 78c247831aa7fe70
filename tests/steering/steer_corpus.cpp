#include "steer_corpus.hpp"

#include <stdexcept>

namespace vxsn::test {
namespace {

void put16(std::vector<uint8_t>& f, uint16_t v) {
  f.push_back(static_cast<uint8_t>(v >> 8));
  f.push_back(static_cast<uint8_t>(v));
}

const IpAddr* first_of(const SteeringInputs& in, IpAddr::Family family) {
  for (const IpAddr& a : in.service_addresses)
    if (a.family == family) return &a;
  return nullptr;
}

IpAddr other_address(IpAddr a) {
  a.bytes[a.size() - 1] ^= 0x7F;
  return a;
}

}  // namespace

std::vector<uint8_t> udp_frame(const IpAddr& dst, uint16_t dst_port, const FrameOptions& o) {
  std::vector<uint8_t> f(12, 0xAA);  // MACs
  if (o.vlan) f.insert(f.end(), {0x81, 0x00, 0x00, 0x05});
  const uint16_t l4_len = o.proto == kIpProtoTcp ? 20 : 8;
  const uint16_t payload = 16;
  if (dst.is_v4()) {
    const uint8_t options = (o.ipv4_ihl - 5) * 4;
    put16(f, 0x0800);
    f.push_back(static_cast<uint8_t>(0x40 | o.ipv4_ihl));
    f.push_back(0);
    put16(f, static_cast<uint16_t>(o.ipv4_ihl * 4 + l4_len + payload));
    put16(f, 0x1234);  // id
    put16(f, o.ipv4_frag);
    f.push_back(64);
    f.push_back(o.proto);
    put16(f, 0);  // checksum: the enforcers never look
    f.insert(f.end(), {10, 9, 9, 9});
    f.insert(f.end(), dst.bytes.begin(), dst.bytes.begin() + 4);
    f.insert(f.end(), options, 0x01);  // NOPs
  } else {
    put16(f, 0x86DD);
    f.insert(f.end(), {0x60, 0, 0, 0});
    put16(f, static_cast<uint16_t>(l4_len + payload + (o.ipv6_fragment_header ? 8 : 0)));
    f.push_back(o.ipv6_fragment_header ? 44 : o.proto);
    f.push_back(64);
    f.insert(f.end(), 15, 0xFD);
    f.push_back(0x09);
    f.insert(f.end(), dst.bytes.begin(), dst.bytes.end());
    if (o.ipv6_fragment_header) f.insert(f.end(), {o.proto, 0, 0, 0, 0, 0, 0, 1});
  }
  if (o.truncate_l4) return f;
  put16(f, o.src_port);
  put16(f, dst_port);
  if (o.proto == kIpProtoTcp) {
    f.insert(f.end(), 8, 0);                                  // seq, ack
    f.insert(f.end(), {0x50, 0x02, 0xFF, 0xFF, 0, 0, 0, 0});  // SYN
  } else {
    put16(f, l4_len + payload);
    put16(f, 0xBEEF);  // a wrong checksum: VXLAN must still reach the parser
  }
  f.insert(f.end(), {0x08, 0, 0, 0, 0, 0, 100, 0});  // VXLAN header (I flag, VNI 100)
  f.insert(f.end(), payload - 8, 0x55);
  return f;
}

std::vector<uint8_t> arp_frame(bool vlan) {
  std::vector<uint8_t> f(6, 0xFF);
  f.insert(f.end(), 6, 0xAA);
  if (vlan) f.insert(f.end(), {0x81, 0x00, 0x00, 0x05});
  f.insert(f.end(), {0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1});
  f.insert(f.end(), 28 - 8, 0x11);
  return f;
}

std::vector<CorpusFrame> steer_corpus(const SteeringInputs& in) {
  const IpAddr* v4 = first_of(in, IpAddr::Family::kV4);
  const IpAddr* v6 = first_of(in, IpAddr::Family::kV6);
  if (!v4 || !v6 || in.vxlan_port != 4789 || in.registration_port != 10001)
    throw std::invalid_argument("steer_corpus: needs IPv4 + IPv6 service addresses, 4789, 10001");
  using A = SteerAction;
  std::vector<CorpusFrame> c;
  for (bool vlan : {false, true}) {
    const std::string tag = vlan ? " vlan" : "";
    for (const IpAddr* svc : {v4, v6}) {
      const bool six = svc->is_v6();
      const std::string fam = six ? " v6" : " v4";
      auto add = [&](std::string label, FrameOptions o, const IpAddr& dst, uint16_t port, A a,
                     std::string rule) {
        o.vlan = vlan;
        c.push_back({label + fam + tag, udp_frame(dst, port, o), a, std::move(rule)});
      };
      const FrameOptions udp;
      FrameOptions tcp;
      tcp.proto = kIpProtoTcp;
      add("vxlan", udp, *svc, 4789, A::kDatapath, "vxlan");
      add("registration", udp, *svc, 10001, A::kRegistration, "registration");
      add("bfd", udp, *svc, 3784, A::kHost, "bfd-control");
      add("bfd echo", udp, *svc, 3785, A::kHost, "bfd-echo");
      add("bfd multihop", udp, *svc, 4784, A::kHost, "bfd-multihop");
      add("bgp", tcp, *svc, 179, A::kHost, "bgp");
      FrameOptions bgp_reply = tcp;
      bgp_reply.src_port = 179;
      add("bgp reply", bgp_reply, *svc, 50000, A::kHost, "bgp-reply");
      add("ssh", tcp, *svc, 22, A::kHost, "ssh");
      FrameOptions icmp;
      icmp.proto = six ? kIpProtoIcmpv6 : kIpProtoIcmp;
      add("icmp", icmp, *svc, 0x8000, A::kHost, six ? "icmpv6" : "icmp");
      // Near misses.
      add("wrong udp port", udp, *svc, 4790, A::kDrop, "service-other");
      add("tcp to the vxlan port", tcp, *svc, 4789, A::kDrop, "service-other");
      add("dns", udp, *svc, 53, A::kDrop, "service-other");
      add("vxlan to another address", udp, other_address(*svc), 4789, A::kHost, "host-default");
      add("ssh to another address", tcp, other_address(*svc), 22, A::kHost, "host-default");
      FrameOptions truncated;
      truncated.truncate_l4 = true;
      add("udp without its header", truncated, *svc, 4789, A::kDrop, "service-other");
      if (six) {
        FrameOptions frag;
        frag.ipv6_fragment_header = true;
        add("vxlan behind a fragment header", frag, *svc, 4789, A::kHost, "fragment");
      } else {
        FrameOptions first_frag;
        first_frag.ipv4_frag = 0x2000;  // MF, offset 0: the parser counts it
        add("vxlan first fragment", first_frag, *svc, 4789, A::kDatapath, "vxlan");
        FrameOptions later;
        later.ipv4_frag = 0x00B9;
        add("later fragment", later, *svc, 4789, A::kHost, "fragment");
        FrameOptions options;
        options.ipv4_ihl = 6;  // options: the parser's drop, not steering's
        add("vxlan with ip options", options, *svc, 4789, A::kDatapath, "vxlan");
      }
    }
    c.push_back({"arp" + tag, arp_frame(vlan), A::kHost, "arp"});
  }
  std::vector<uint8_t> qinq = udp_frame(*v4, 4789, FrameOptions{.vlan = true});
  qinq.insert(qinq.begin() + 12, {0x81, 0x00, 0x00, 0x06});
  c.push_back({"two vlan tags", qinq, A::kHost, "host-default"});
  c.push_back({"runt", std::vector<uint8_t>(10, 0), A::kHost, "host-default"});
  return c;
}

}  // namespace vxsn::test
