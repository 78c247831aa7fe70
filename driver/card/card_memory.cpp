#include "driver/card/card_memory.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "driver/card/deadline_worker.hpp"
#include "hls/counter_layout.hpp"
#include "hls/inject_ring_layout.hpp"
#include "hls/learn_ring_layout.hpp"
#include "hls/punt_ring_layout.hpp"
#include "hls/table_layout.hpp"

namespace vxsn {
namespace {

[[noreturn]] void bad_image(const std::string& what) {
  throw CardError(CardError::Kind::kBadImage, "bank image: " + what);
}

}  // namespace

CardError bank_ack_timeout(unsigned active_bank, uint64_t ack_word) {
  const unsigned idle = 1u - active_bank;
  return CardError(CardError::Kind::kIo,
                   "card: the kernel has not acknowledged the flip to table bank " +
                       std::to_string(active_bank) + " " + within(kBankAckTimeout) +
                       " (bank ack word " + std::to_string(ack_word) +
                       "): frames may still read bank " + std::to_string(idle) +
                       ", so it is left as it was and the table not loaded");
}

BankSummary inspect_bank_image(std::span<const uint8_t> image) {
  if (image.size() != card::kBankBytes)
    bad_image(std::to_string(image.size()) + " bytes, expected " +
              std::to_string(card::kBankBytes));
  const uint8_t* h = image.data();
  if (get_le32(h + card::kHdrMagic) != card::kTableMagic) bad_image("wrong magic");
  if (get_le16(h + card::kHdrLayoutVersion) != card::kLayoutVersion)
    bad_image("layout version " + std::to_string(get_le16(h + card::kHdrLayoutVersion)) +
              ", this driver writes " + std::to_string(card::kLayoutVersion));
  const uint32_t slots = get_le32(h + card::kHdrVniSlotCount);
  const unsigned probe = h[card::kHdrMaxProbe];
  if (slots < 2 || slots > card::kMaxVniSlots || (slots & (slots - 1)) != 0)
    bad_image("VNI slot count " + std::to_string(slots));
  if (probe < 1 || probe > card::kMaxProbes) bad_image("probe bound " + std::to_string(probe));

  BankSummary s;
  s.table_version = get_le64(h + card::kHdrTableVersion);
  s.member_count = get_le32(h + card::kHdrMemberCount);
  if (s.member_count > card::kMaxMembers)
    bad_image("member count " + std::to_string(s.member_count));
  for (uint32_t slot = 0; slot < slots; ++slot) {
    const uint8_t* r = h + card::kVniTableOffset + size_t{slot} * card::kVniRecordBytes;
    const uint32_t vni = get_le32(r + card::kVniRecVni);
    if (vni == card::kEmptyVniSlot) continue;
    s.vnis.push_back({vni, get_le16(r + card::kVniRecCounterSlot)});
  }
  return s;
}

hw::ControlRegs encode_control(const CardControl& control, uint8_t table_bank) {
  if (control.service_addrs.size() > hw::kMaxServiceAddrs)
    throw CardError(CardError::Kind::kBadConfig,
                    "card: " + std::to_string(control.service_addrs.size()) +
                        " service addresses, the card holds " +
                        std::to_string(hw::kMaxServiceAddrs));
  hw::ControlRegs r;
  r.enable = control.enable ? 1 : 0;
  r.table_bank = table_bank & 1;
  r.vxlan_port = control.vxlan_port;
  r.service_addr_count = static_cast<uint8_t>(control.service_addrs.size());
  for (size_t i = 0; i < control.service_addrs.size(); ++i) {
    const IpAddr& a = control.service_addrs[i];
    if (a.size() == 0)
      throw CardError(CardError::Kind::kBadConfig, "card: service address without a family");
    r.service_family[i] = static_cast<uint8_t>(a.family);
    hw::IpBits bits = 0;
    for (unsigned b = 0; b < a.size(); ++b) bits.range(8 * b + 7, 8 * b) = a.bytes[b];
    r.service_addr[i] = bits;
  }
  if (control.steer_rules.size() > hw::kMaxSteerRules)
    throw CardError(CardError::Kind::kBadConfig,
                    "card: " + std::to_string(control.steer_rules.size()) +
                        " steering rules, the card holds " + std::to_string(hw::kMaxSteerRules));
  r.steer_rule_count = static_cast<uint8_t>(control.steer_rules.size());
  for (size_t i = 0; i < control.steer_rules.size(); ++i) r.steer_rules[i] = control.steer_rules[i];
  return r;
}

CardCounters decode_counters(std::span<const uint64_t> block, const BankSummary& active) {
  if (block.size() < card::kCounterWords)
    throw CardError(CardError::Kind::kIo, "card: short counter block");
  CardCounters c;
  c.rx_frames = block[card::kCtrRxFrames];
  c.rx_bytes = block[card::kCtrRxBytes];
  c.tx_copies = block[card::kCtrTxCopies];
  c.tx_bytes = block[card::kCtrTxBytes];
  for (unsigned r = 0; r < kDropReasonCount; ++r) c.drops[r] = block[card::kCtrDropBase + r];
  c.learn_events = block[card::kCtrLearnEvents];
  c.learn_suppressed = block[card::kCtrLearnSuppressed];
  c.learn_ring_full = block[card::kCtrLearnRingFull];
  c.rx_disabled = block[card::kCtrRxDisabled];
  c.rx_oversize = block[card::kCtrRxOversize];
  c.punted = block[card::kCtrPunted];
  c.punt_ring_full = block[card::kCtrPuntRingFull];
  for (const BankSummary::VniSlot& v : active.vnis) {
    if (v.counter_slot == card::kNoCounterSlot || v.counter_slot >= card::kMaxVniCounterSlots)
      continue;
    const CardSlotCounters s = decode_counter_slot(block, v.counter_slot);
    c.vnis.push_back({v.vni, v.counter_slot, s.frames_in, s.bytes_in, s.copies_out, s.bytes_out,
                      s.source_not_member, s.storm_policed});
  }
  std::sort(c.vnis.begin(), c.vnis.end(),
            [](const CardVniCounters& a, const CardVniCounters& b) { return a.vni < b.vni; });
  return c;
}

CardSlotCounters decode_counter_slot(std::span<const uint64_t> block, uint16_t slot) {
  if (block.size() < card::kCounterWords)
    throw CardError(CardError::Kind::kIo, "card: short counter block");
  if (slot >= card::kMaxVniCounterSlots) return {};
  return {block[card::vni_counter(slot, card::kCtrVniFramesIn)],
          block[card::vni_counter(slot, card::kCtrVniBytesIn)],
          block[card::vni_counter(slot, card::kCtrVniCopiesOut)],
          block[card::vni_counter(slot, card::kCtrVniBytesOut)],
          block[card::vni_counter(slot, card::kCtrVniSourceNotMember)],
          block[card::vni_counter(slot, card::kCtrVniStormPoliced)]};
}

LearnEvent decode_learn_event(const uint8_t* w) {
  LearnEvent e;
  e.vni = get_le32(w + card::kEvVni);
  e.vtep = w[card::kEvFamily] == 6 ? IpAddr::v6(w + card::kEvSourceVtep)
                                   : IpAddr::v4(w + card::kEvSourceVtep);
  e.vni_known = (w[card::kEvFlags] & card::kEvFlagVniKnown) != 0;
  e.table_version = get_le64(w + card::kEvTableVersion);
  return e;
}

PuntedFrame decode_punt_slot(const uint8_t* slot) {
  const uint32_t length = get_le32(slot + card::kPuntLength);
  const uint8_t tier = slot[card::kPuntTier];
  if (length > card::kPuntSlotFrameBytes)
    throw CardError(CardError::Kind::kIo, "card: punt slot holds " + std::to_string(length) +
                                              " bytes, a slot " +
                                              std::to_string(card::kPuntSlotFrameBytes));
  if (tier != hw::kSteerHost && tier != hw::kSteerRegistration)
    throw CardError(CardError::Kind::kIo, "card: punt slot tier " + std::to_string(tier));
  PuntedFrame f;
  f.tier = tier;
  f.port = get_le16(slot + card::kPuntPort);
  const uint8_t* data = slot + 64;  // slot word 1
  f.bytes.assign(data, data + length);
  return f;
}

namespace {

void check_ring_indices(const char* ring, unsigned slots, uint32_t producer, uint32_t consumer) {
  if (producer - consumer > slots)
    throw CardError(CardError::Kind::kIo,
                    std::string("card: ") + ring + " ring indices out of step (producer " +
                        std::to_string(producer) + ", consumer " + std::to_string(consumer) + ")");
}

}  // namespace

void check_punt_indices(uint32_t producer, uint32_t consumer) {
  check_ring_indices("punt", card::kPuntRingSlots, producer, consumer);
}

void check_inject_indices(uint32_t producer, uint32_t consumer) {
  check_ring_indices("inject", card::kInjectRingSlots, producer, consumer);
}

size_t encode_inject_slot(uint16_t port, std::span<const uint8_t> frame, uint8_t* slot) {
  if (frame.empty() || frame.size() > card::kInjectSlotFrameBytes)
    throw CardError(CardError::Kind::kBadFrame,
                    "card: cannot inject a frame of " + std::to_string(frame.size()) +
                        " bytes (1 to " + std::to_string(card::kInjectSlotFrameBytes) + ")");
  constexpr size_t kWord = 64;
  const size_t frame_words = (frame.size() + kWord - 1) / kWord;
  const size_t bytes = (1 + frame_words) * kWord;
  std::memset(slot, 0, kWord);
  put_le32(slot + card::kInjectLength, static_cast<uint32_t>(frame.size()));
  put_le16(slot + card::kInjectPort, port);
  std::memcpy(slot + kWord, frame.data(), frame.size());
  std::memset(slot + kWord + frame.size(), 0, frame_words * kWord - frame.size());
  return bytes;
}

}  // namespace vxsn
