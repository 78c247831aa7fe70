#include "driver/xrt/control_image.hpp"

namespace vxsn::xrtcard {

ControlImage control_image(const hw::ControlRegs& regs) {
  ControlImage image{};
  image[kCtrlEnable] = regs.enable ? 1 : 0;
  image[kCtrlTableBank] = static_cast<uint8_t>(regs.table_bank & 1u);
  image[kCtrlVxlanPort] = static_cast<uint8_t>(regs.vxlan_port & 0xFF);
  image[kCtrlVxlanPort + 1] = static_cast<uint8_t>(regs.vxlan_port >> 8);
  image[kCtrlServiceCount] = regs.service_addr_count;
  for (unsigned i = 0; i < hw::kMaxServiceAddrs; ++i) {
    image[kCtrlServiceFamily + i] = regs.service_family[i];
    // IpBits keeps byte b at bits 8b+7..8b: network order, as the image wants.
    for (unsigned b = 0; b < 16; ++b) {
      image[kCtrlServiceAddr + 16 * i + b] =
          static_cast<uint8_t>(regs.service_addr[i].range(8 * b + 7, 8 * b).to_uint());
    }
  }
  image[kCtrlCounterSnapshot] = regs.counter_snapshot;
  for (unsigned b = 0; b < 8; ++b)
    image[kCtrlNowNs + b] = static_cast<uint8_t>(regs.now_ns >> (8 * b));
  image[kCtrlSteerRuleCount] = regs.steer_rule_count;
  for (unsigned i = 0; i < hw::kMaxSteerRules; ++i) {
    const hw::SteerRuleRegs& r = regs.steer_rules[i];
    uint8_t* p = &image[kCtrlSteerRules + kSteerRuleBytes * i];
    p[0] = r.l3;
    p[1] = r.flags;
    p[2] = r.ip_proto;
    p[3] = r.action;
    p[4] = static_cast<uint8_t>(r.src_port & 0xFF);
    p[5] = static_cast<uint8_t>(r.src_port >> 8);
    p[6] = static_cast<uint8_t>(r.dst_port & 0xFF);
    p[7] = static_cast<uint8_t>(r.dst_port >> 8);
  }
  for (unsigned b = 0; b < 4; ++b)
    image[kCtrlInjectProducer + b] = static_cast<uint8_t>(regs.inject_producer >> (8 * b));
  return image;
}

}  // namespace vxsn::xrtcard
