#include "hls/parse.hpp"

#include "hls/byte_lanes.hpp"
#include "hls/header_window.hpp"
#include "hls/steer.hpp"

namespace vxsn::hw {
namespace {

// Number of valid bytes of a beat: the run of set keep bits from byte 0 (CMAC/OpenNIC
// framing keeps them contiguous; a hole ends the run). A priority encoder as a balanced
// binary search, not a 64-step chain: six stages (32, 16, 8, 4, 2, 1 bits), each an AND
// reduction of the low half and a shift, then the last bit; depth ~log2(64) LUT levels, so
// it fits in the beat loop's II=1 cycle.
unsigned valid_bytes(const ap_uint<kBeatBytes>& keep) {
  static_assert(kBeatBytes == 64, "six stages for 64 keep bits");
  uint64_t k = keep.to_uint64();
  unsigned n = 0;
  for (unsigned w = 32; w >= 1; w /= 2) {
#pragma HLS UNROLL
    const uint64_t low = (uint64_t{1} << w) - 1;
    if ((k & low) == low) {
      n += w;
      k >>= w;
    }
  }
  return n + static_cast<unsigned>(k & 1);
}

// The beat with bytes at and past `valid` cleared.
Word512 clear_past(const Word512& data, unsigned valid) {
  if (valid >= kBeatBytes) return data;
  if (valid == 0) return Word512(0);
  const Word512 mask = ~Word512(0) >> (kBeatBits - 8 * valid);
  return data & mask;
}

}  // namespace

void check_headers(const Word512& beat0, const Word512& beat1, uint32_t frame_len,
                   const ControlRegs& ctrl, FrameMeta& meta) {
  const HeaderWindow h{beat0, beat1};
  const uint32_t size = frame_len;
  auto drop = [&meta](DropReason r) { meta.drop = drop_code(r); };

  meta.drop = drop_code(DropReason::kNone);
  if (size < wire::kEthHeaderLen) return drop(DropReason::kTooShort);
  unsigned off = 2 * wire::kEthAddrLen;
  uint16_t ether_type = h.be16(off);
  if (ether_type == wire::kEtherTypeVlan) {
    if (size < wire::kEthHeaderLen + wire::kVlanTagLen) return drop(DropReason::kTooShort);
    meta.has_vlan = true;
    meta.vlan_tci = h.be16(off + 2);
    off += wire::kVlanTagLen;
    ether_type = h.be16(off);
  }
  off += 2;  // the IP header

  unsigned ip_header_len;
  uint32_t ip_payload_len;
  uint8_t family;
  IpBits dst;
  if (ether_type == wire::kEtherTypeIpv4) {
    ip_header_len = wire::kIpv4HeaderLen;
    if (size < off + ip_header_len) return drop(DropReason::kTooShort);
    const uint8_t v_ihl = h.at(off);
    if ((v_ihl >> 4) != 4) return drop(DropReason::kIpBadVersion);
    if ((v_ihl & 0x0F) != 5) return drop(DropReason::kIpv4Options);
    if (h.be16(off + 6) & 0x3FFF) return drop(DropReason::kIpv4Fragment);
    uint32_t sum = 0;
    for (unsigned i = 0; i < wire::kIpv4HeaderLen; i += 2) {
#pragma HLS UNROLL
      sum += h.be16(off + i);
    }
    if (fold16(sum) != 0xFFFF) return drop(DropReason::kIpv4BadChecksum);
    const uint16_t total_len = h.be16(off + 2);
    if (total_len > size - off || total_len < wire::kIpv4HeaderLen + wire::kUdpHeaderLen)
      return drop(DropReason::kIpBadLength);
    family = 4;
    meta.src_family = family;
    meta.src_vtep = h.addr(off + 12, 4);
    dst = h.addr(off + 16, 4);
    if (h.at(off + 8) == 0) return drop(DropReason::kTtlExpired);
    if (h.at(off + 9) != wire::kIpProtoUdp) return drop(DropReason::kNotUdp);
    ip_payload_len = total_len - wire::kIpv4HeaderLen;
  } else if (ether_type == wire::kEtherTypeIpv6) {
    ip_header_len = wire::kIpv6HeaderLen;
    if (size < off + ip_header_len) return drop(DropReason::kTooShort);
    if ((h.at(off) >> 4) != 6) return drop(DropReason::kIpBadVersion);
    if (h.at(off + 6) != wire::kIpProtoUdp) return drop(DropReason::kIpv6ExtHeader);
    const uint16_t plen = h.be16(off + 4);
    if (plen > size - off - wire::kIpv6HeaderLen || plen < wire::kUdpHeaderLen)
      return drop(DropReason::kIpBadLength);
    family = 6;
    meta.src_family = family;
    meta.src_vtep = h.addr(off + 8, 16);
    dst = h.addr(off + 24, 16);
    if (h.at(off + 7) == 0) return drop(DropReason::kTtlExpired);
    ip_payload_len = plen;
  } else {
    return drop(DropReason::kUnknownEtherType);
  }
  if (!is_service_address(ctrl, family, dst)) return drop(DropReason::kNotServiceAddress);

  const unsigned udp = off + ip_header_len;
  meta.udp_src_port = h.be16(udp);
  if (h.be16(udp + 2) != ctrl.vxlan_port) return drop(DropReason::kWrongPort);
  const uint16_t udp_len = h.be16(udp + 4);
  if (udp_len < wire::kUdpHeaderLen + wire::kVxlanHeaderLen || udp_len > ip_payload_len)
    return drop(DropReason::kUdpBadLength);

  const unsigned vxlan = udp + wire::kUdpHeaderLen;
  meta.vxlan_offset = static_cast<uint8_t>(vxlan);
  if (!(h.at(vxlan) & wire::kVxlanFlagVniValid)) return drop(DropReason::kVxlanBadFlags);
  meta.vni = (uint32_t{h.at(vxlan + 4)} << 16) | (uint32_t{h.at(vxlan + 5)} << 8) | h.at(vxlan + 6);
  meta.payload_len = static_cast<uint16_t>(udp_len - wire::kUdpHeaderLen);
  if (udp_len - wire::kUdpHeaderLen - wire::kVxlanHeaderLen < wire::kMinInnerLen)
    return drop(DropReason::kInnerTooShort);
}

void parse(AxisStream& rx, FrameDataStream& data_out, FrameMetaStream& meta_out,
           SteerStream& steer_out, const ControlRegs& ctrl) {
  FrameMeta meta;
  meta.bank = ctrl.table_bank & 1;  // latched at the first beat
  meta.now_ns = ctrl.now_ns;
  meta.disabled = ctrl.enable == 0;

  Word512 window0 = 0, window1 = 0;
  uint32_t beats = 0, frame_len = 0;
  uint32_t pay_start = 0, pay_end = 0;  // payload byte range, from beat 0's headers
  uint32_t pay_sum = 0;
  bool last = false;
beat_loop:
  do {
    // II=1: one beat per cycle, latency ~3 (keep decode, mask, word sum adder tree).
#pragma HLS PIPELINE II = 1
    const AxisBeat in = rx.read();
    last = in.last == 1;
    const unsigned valid = last ? valid_bytes(in.keep) : kBeatBytes;
    const Word512 data = clear_past(in.data, valid);
    if (beats == 0) {
      window0 = data;
      // Where the payload would be if the frame is good (a bad frame's sum is unused).
      const bool tagged = be16_at(data, 12) == wire::kEtherTypeVlan;
      const unsigned ip = wire::kEthHeaderLen + (tagged ? wire::kVlanTagLen : 0);
      const bool v6 = be16_at(data, ip - 2) == wire::kEtherTypeIpv6;
      const unsigned udp = ip + (v6 ? wire::kIpv6HeaderLen : wire::kIpv4HeaderLen);
      pay_start = udp + wire::kUdpHeaderLen;
      pay_end = udp + be16_at(data, udp + 4);  // the UDP length field is always in beat 0
    } else if (beats == 1) {
      window1 = data;
    }
    // The steering verdict once the header window is in (beat 1, or a one-beat frame's
    // only beat): punt decides where the beats go before the first of them leaves it.
    // A disabled kernel takes every frame (counted as rx_disabled).
    if (beats == 0 && last)
      steer_out.write({meta.disabled ? kSteerDatapath : steer_classify(data, 0, valid, ctrl)});
    if (beats == 1)
      steer_out.write({meta.disabled ? kSteerDatapath
                                     : steer_classify(window0, data, kBeatBytes + valid, ctrl)});
    pay_sum += masked_word_sum(data, beats * kBeatBytes, pay_start, pay_end);
    if (beats < kMaxFrameBeats) {  // disabled frames too: replicate always reads data
      AxisBeat out;
      out.data = data;
      out.keep = in.keep;
      out.last = (last || beats + 1 == kMaxFrameBeats) ? 1 : 0;
      data_out.write(out);
    }
    frame_len += valid;
    ++beats;
  } while (!last);

  meta.frame_len = frame_len;
  meta.oversize = beats > kMaxFrameBeats;
  meta.payload_sum = pay_sum;
  if (!meta.disabled && !meta.oversize) check_headers(window0, window1, frame_len, ctrl, meta);
  meta_out.write(meta);
}

}  // namespace vxsn::hw
