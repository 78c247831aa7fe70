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
  return image;
}

}  // namespace vxsn::xrtcard
