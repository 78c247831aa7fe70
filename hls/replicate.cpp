#include "hls/replicate.hpp"

#include "hls/byte_lanes.hpp"
#include "hls/table_layout.hpp"

namespace vxsn::hw {
namespace {

using Word1024 = ap_uint<2 * kBeatBits>;

// Largest outer header of a copy: Ethernet + 802.1Q + IPv6 + UDP.
constexpr unsigned kMaxCopyHeader = wire::kOuterIpv6Len + wire::kVlanTagLen;
static_assert(kMaxCopyHeader == 66 && kMaxCopyHeader < 2 * kBeatBytes);

// What the table header says about the latched bank.
struct BankInfo {
  bool valid = false;
  uint64_t version = 0;
  uint32_t slot_mask = 0;
  unsigned hash_shift = 0;
  unsigned max_probe = 0;
  bool keep_original_source = true;
};

struct VniInfo {
  bool found = false;
  uint32_t first_member = 0;
  uint16_t member_count = 0;
  uint16_t counter_slot = card::kNoCounterSlot;
  bool has_ipv6_member = false;
};

// Per frame, shared by all its copies.
struct CopyContext {
  bool has_vlan;
  uint16_t vlan_tci;
  uint16_t udp_src_port;
  uint16_t udp_len;
  uint16_t ipv4_total_len;
  bool keep_original;
  uint8_t ingress_family;
  IpBits ingress_src;
  uint32_t ingress_src_sum;
  uint32_t ipv6_frame_sum;
  unsigned payload_offset;  // in the stored frame
  uint16_t payload_len;
};

BankInfo read_bank_header(const Word512* table_mem, unsigned bank) {
  const Word512 w = table_mem[card::bank_word(bank)];
  BankInfo b;
  const uint32_t slots = le32_at(w, card::kHdrVniSlotCount);
  const unsigned probe = byte_at(w, card::kHdrMaxProbe);
  // A bank never written (or written by another layout) behaves as an empty table.
  b.valid = le32_at(w, card::kHdrMagic) == card::kTableMagic &&
            le16_at(w, card::kHdrLayoutVersion) == card::kLayoutVersion && slots >= 2 &&
            slots <= card::kMaxVniSlots && (slots & (slots - 1)) == 0 && probe >= 1 &&
            probe <= card::kMaxProbes;
  b.version = le64_at(w, card::kHdrTableVersion);
  b.slot_mask = slots - 1;
  b.hash_shift = byte_at(w, card::kHdrHashShift) & 31;
  b.max_probe = probe;
  b.keep_original_source = byte_at(w, card::kHdrSourceMode) == card::kSourceKeepOriginal;
  return b;
}

VniInfo lookup_vni(const Word512* table_mem, unsigned bank, const BankInfo& b, uint32_t vni) {
  VniInfo info;
  if (!b.valid) return info;
  const uint32_t home = card::vni_home_slot(vni, b.hash_shift, b.slot_mask);
  bool done = false;
probe_loop:
  for (unsigned p = 0; p < card::kMaxProbes; ++p) {
    // II=1: one VNI-table word per cycle (4 records a word), stops at a hit or an empty slot.
#pragma HLS PIPELINE II = 1
    if (done || p >= b.max_probe) continue;
    const uint32_t slot = (home + p) & b.slot_mask;
    const Word512 w = table_mem[card::vni_slot_word(bank, slot)];
    const unsigned at = card::vni_slot_byte_in_word(slot);
    const uint32_t slot_vni = le32_at(w, at + card::kVniRecVni);
    if (slot_vni == vni) {
      info.found = true;
      info.first_member = le32_at(w, at + card::kVniRecFirstMember);
      info.member_count = le16_at(w, at + card::kVniRecMemberCount);
      info.counter_slot = le16_at(w, at + card::kVniRecCounterSlot);
      info.has_ipv6_member = byte_at(w, at + card::kVniRecFlags) & card::kVniFlagHasIpv6Member;
      done = true;
    } else if (slot_vni == card::kEmptyVniSlot) {
      done = true;
    }
  }
  if (info.member_count > card::kMaxMembersPerVni) info.member_count = card::kMaxMembersPerVni;
  return info;
}

void put_be16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// The copy's outer header (Ethernet [tag] IP UDP) as bytes; returns its length.
unsigned build_copy_header(const Word512& rec0, const Word512& rec1, const CopyContext& c,
                           uint8_t hdr[kMaxCopyHeader]) {
  const bool v4 = byte_at(rec0, card::kMemFamily) == card::kFamilyV4;
  const unsigned ip_header_len = v4 ? wire::kIpv4HeaderLen : wire::kIpv6HeaderLen;
  constexpr unsigned kMacs = 2 * wire::kEthAddrLen;
  for (unsigned i = 0; i < kMacs; ++i) {
#pragma HLS UNROLL
    hdr[i] = byte_at(rec0, card::kMemTemplate + i);
  }
  unsigned o = kMacs;
  if (c.has_vlan) {
    put_be16(hdr + o, wire::kEtherTypeVlan);
    put_be16(hdr + o + 2, c.vlan_tci);
    o += wire::kVlanTagLen;
  }
  const unsigned rest = 2 + ip_header_len + wire::kUdpHeaderLen;  // EtherType .. UDP end
  for (unsigned i = 0; i < wire::kOuterIpv6Len - kMacs; ++i) {
#pragma HLS UNROLL
    if (i < rest) hdr[o + i] = byte_at(rec0, card::kMemTemplate + kMacs + i);
  }
  uint8_t* ip = hdr + o + 2;
  uint8_t* udp = ip + ip_header_len;
  put_be16(udp, c.udp_src_port);
  put_be16(udp + 4, c.udp_len);

  const bool ingress_src = c.keep_original && byte_at(rec0, card::kMemFamily) == c.ingress_family;
  uint32_t sum = le32_at(rec1, card::kMemFixedSum - card::kWordBytes);
  if (ingress_src) {
    for (unsigned i = 0; i < 16; ++i) {
#pragma HLS UNROLL
      if (i < (v4 ? 4u : 16u)) (v4 ? ip + 12 : ip + 8)[i] = ip_byte(c.ingress_src, i);
    }
    sum += c.ingress_src_sum;
  } else {
    sum += le32_at(rec1, card::kMemOwnSourceSum - card::kWordBytes);
  }
  if (v4) {
    put_be16(ip + 2, c.ipv4_total_len);
    sum += c.ipv4_total_len;
    put_be16(ip + 10, static_cast<uint16_t>(~fold16(sum)));
  } else {
    put_be16(ip + 4, c.udp_len);
    sum += c.ipv6_frame_sum;
    const uint16_t check = static_cast<uint16_t>(~fold16(sum));
    put_be16(udp + 6, check == 0 ? 0xFFFF : check);  // 0 means "no checksum" (RFC 768)
  }
  return o + 2 + ip_header_len + wire::kUdpHeaderLen;
}

// Beat k of the stored frame, zero outside it.
Word512 stored_beat(const Word512 frame[kMaxFrameBeats], int k, unsigned stored) {
  return (k >= 0 && static_cast<unsigned>(k) < stored) ? frame[k] : Word512(0);
}

Word512 byte_mask(unsigned n) {  // bytes 0..n-1
  if (n >= kBeatBytes) return ~Word512(0);
  if (n == 0) return Word512(0);
  return ~Word512(0) >> (kBeatBits - 8 * n);
}

ap_uint<kBeatBytes> keep_mask(unsigned n) {
  if (n >= kBeatBytes) return ~ap_uint<kBeatBytes>(0);
  return (ap_uint<kBeatBytes>(1) << n) - ap_uint<kBeatBytes>(1);
}

// Streams one copy: `hdr_len` header bytes, then the stored payload realigned behind them.
// Returns the copy's length in bytes.
uint32_t emit_copy(const Word512 frame[kMaxFrameBeats], unsigned stored, const CopyContext& c,
                   const uint8_t hdr[kMaxCopyHeader], unsigned hdr_len, uint16_t egress_port,
                   AxisStream& tx) {
  Word512 head0 = 0, head1 = 0;  // header bytes 0..63 and 64..65
  for (unsigned i = 0; i < kMaxCopyHeader; ++i) {
#pragma HLS UNROLL
    if (i < hdr_len) {
      if (i < kBeatBytes)
        set_byte(head0, i, hdr[i]);
      else
        set_byte(head1, i - kBeatBytes, hdr[i]);
    }
  }
  const uint32_t total = hdr_len + c.payload_len;
  const unsigned beats = (total + kBeatBytes - 1) / kBeatBytes;
  // Output byte o comes from stored byte o + shift (o >= hdr_len); shift is -20, 0 or +20.
  const int shift = static_cast<int>(c.payload_offset) - static_cast<int>(hdr_len);
copy_loop:
  for (unsigned k = 0; k < beats; ++k) {
    // II=1: one output beat per cycle; two stored beats read (dual-port frame buffer),
    // a byte shifter and the header overlay. Latency ~3 cycles.
#pragma HLS PIPELINE II = 1
    const int from = static_cast<int>(k * kBeatBytes) + shift;
    const int first = (from + static_cast<int>(kBeatBytes)) / static_cast<int>(kBeatBytes) - 1;
    const unsigned byte_shift = static_cast<unsigned>(from - first * static_cast<int>(kBeatBytes));
    Word1024 pair = stored_beat(frame, first + 1, stored);
    pair <<= kBeatBits;
    pair |= Word1024(stored_beat(frame, first, stored));
    Word512 out = Word512(pair >> (8 * byte_shift));
    const unsigned base = k * kBeatBytes;
    if (base < hdr_len) {
      const unsigned n = hdr_len - base;  // header bytes in this beat
      const Word512 m = byte_mask(n);
      out = (out & ~m) | ((k == 0 ? head0 : head1) & m);
    }
    const bool last = k + 1 == beats;
    const unsigned valid = last ? total - base : kBeatBytes;
    AxisBeat b;
    b.data = out & byte_mask(valid);
    b.keep = keep_mask(valid);
    b.last = last ? 1 : 0;
    b.dest = egress_port;
    tx.write(b);
  }
  return total;
}

}  // namespace

void replicate(FrameDataStream& data_in, FrameMetaStream& meta_in, AxisStream& tx,
               const Word512* table_mem, OutcomeStream& outcome_out) {
  Word512 frame[kMaxFrameBeats];  // the on-chip frame buffer (BRAM/URAM, dual port)
  unsigned stored = 0;
  bool last = false;
store_loop:
  do {
    // II=1: one beat stored per cycle as it arrives (parse passes at most 144 beats).
#pragma HLS PIPELINE II = 1
    const AxisBeat b = data_in.read();
    last = b.last == 1;
    if (stored < kMaxFrameBeats) frame[stored++] = b.data;
  } while (!last);

  // The frame's metadata comes after its last beat.
  const FrameMeta meta = meta_in.read();
  FrameOutcome out;
  out.rx_bytes = meta.frame_len;
  out.disabled = meta.disabled;
  out.oversize = meta.oversize;
  if (meta.disabled || meta.oversize || meta.drop != drop_code(DropReason::kNone)) {
    out.frame_drop = meta.disabled || meta.oversize ? drop_code(DropReason::kNone) : meta.drop;
    outcome_out.write(out);
    return;
  }

  const unsigned bank = meta.bank;
  const BankInfo bank_info = read_bank_header(table_mem, bank);
  const VniInfo vni = lookup_vni(table_mem, bank, bank_info, meta.vni);
  out.vni = meta.vni;
  out.src_family = meta.src_family;
  out.src_vtep = meta.src_vtep;
  out.table_version = bank_info.version;
  if (!vni.found) {
    out.frame_drop = drop_code(DropReason::kUnknownVni);
    out.learn = true;
    out.learn_vni_known = false;
    outcome_out.write(out);
    return;
  }
  out.vni_found = true;
  out.counter_slot = vni.counter_slot;

  CopyContext c;
  c.has_vlan = meta.has_vlan;
  c.vlan_tci = meta.vlan_tci;
  c.udp_src_port = meta.udp_src_port;
  c.payload_offset = meta.vxlan_offset;
  c.payload_len = meta.payload_len;
  c.udp_len = static_cast<uint16_t>(wire::kUdpHeaderLen + meta.payload_len);
  c.ipv4_total_len = static_cast<uint16_t>(wire::kIpv4HeaderLen + c.udp_len);
  c.keep_original = bank_info.keep_original_source;
  c.ingress_family = meta.src_family;
  c.ingress_src = meta.src_vtep;
  c.ingress_src_sum = ip_word_sum(meta.src_vtep, meta.src_family == 4 ? 4 : 16);
  // Pseudo-header UDP length + UDP length field + source port + payload: the same for
  // every IPv6 copy of this frame.
  c.ipv6_frame_sum =
      vni.has_ipv6_member
          ? fold16(uint32_t{c.udp_len} * 2 + c.udp_src_port + fold16(meta.payload_sum))
          : 0;

  unsigned others = 0;
  bool sender_is_member = false;
member_loop:
  for (unsigned m = 0; m < card::kMaxMembersPerVni; ++m) {
    // Per member: 2 record words, then the copy's beats at II=1 (see emit_copy).
    if (m >= vni.member_count) break;
    const unsigned word = card::member_word(bank, vni.first_member + m);
    const Word512 rec0 = table_mem[word];
    const Word512 rec1 = table_mem[word + 1];
    const uint8_t family = byte_at(rec0, card::kMemFamily);
    const IpBits addr = bytes16_at(rec1, card::kMemAddr - card::kWordBytes);
    if (family == meta.src_family && addr == meta.src_vtep) {
      sender_is_member = true;  // split horizon: never back to the sender, not counted
      continue;
    }
    ++others;
    const uint8_t flags = byte_at(rec0, card::kMemFlags);
    const bool ingress_src = c.keep_original && family == c.ingress_family;
    if (!(flags & card::kMemberFlagResolved) ||
        (!ingress_src && !(flags & card::kMemberFlagOwnSource))) {
      ++out.no_next_hop;
      continue;
    }
    const unsigned ip_header_len =
        family == card::kFamilyV4 ? wire::kIpv4HeaderLen : wire::kIpv6HeaderLen;
    const uint32_t len =
        wire::kEthHeaderLen + (c.has_vlan ? wire::kVlanTagLen : 0) + ip_header_len + c.udp_len;
    if (len > le32_at(rec1, card::kMemEgressMaxFrame - card::kWordBytes)) {
      ++out.too_large;
      continue;
    }
    uint8_t hdr[kMaxCopyHeader] = {};
    const unsigned hdr_len = build_copy_header(rec0, rec1, c, hdr);
    const uint16_t port = le16_at(rec1, card::kMemEgressPort - card::kWordBytes);
    out.tx_bytes += emit_copy(frame, stored, c, hdr, hdr_len, port, tx);
    ++out.copies;
  }
  if (others == 0) out.frame_drop = drop_code(DropReason::kNoOtherMember);
  if (!sender_is_member) {
    out.learn = true;
    out.learn_vni_known = true;
  }
  outcome_out.write(out);
}

}  // namespace vxsn::hw
