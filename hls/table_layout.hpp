// The flood table as it lies in card memory: the one definition both the kernels (reading
// 512-bit words over m_axi) and the host serialiser (writing bytes) use.
//
// Table memory = two banks of kBankBytes each (double buffer). The host writes the idle
// bank completely, then writes the `table_bank` control register; every frame latches the
// register at its first beat, so a frame reads one whole table, old or new, never a mix.
//
// One bank:
//   +0                      header (64 bytes, one word)
//   +kVniTableOffset        VNI table: kMaxVniSlots records of 16 bytes (4 per word),
//                           open addressing, hash = (vni * kVniHashMultiplier) >> shift,
//                           linear probing, at most `max_probe` slots visited
//   +kPolicerProfileOffset  storm-control profiles: kMaxPolicerProfiles records of 16 bytes
//                           (frames/s, bytes/s), named by a VNI record's profile index;
//                           profile 0 is "no limit" and never read
//   +kMemberArenaOffset     member arena: kMaxMembers records of 128 bytes (2 words),
//                           each VNI's members contiguous, in the order of the table
//
// Numbers are little-endian (the host CPU writes them natively; AXI byte i of a word is
// bits 8i+7..8i). Header bytes copied into frames (the outer header template, addresses)
// are in network order.
#pragma once

#include <cstdint>

#include "hls/vxlan_wire.hpp"

namespace vxsn::card {

inline constexpr unsigned kWordBytes = 64;  // one m_axi data word (512 bits)

// ---- capacities (fixed: HLS loop bounds and the bank size follow from them) ----------
inline constexpr unsigned kMaxVniSlots = 4096;      // power of two; VNIs <= half of it
inline constexpr unsigned kMaxMembers = 16384;      // members in all VNIs of one bank
inline constexpr unsigned kMaxMembersPerVni = 128;  // fan-out limit of one VNI
inline constexpr unsigned kMaxProbes = 8;           // VNI lookup reads at most this many slots

// ---- header (word 0 of a bank) ---------------------------------------------------------
inline constexpr uint32_t kTableMagic = 0x54465856;  // "VXFT" as little-endian bytes
inline constexpr uint16_t kLayoutVersion = 2;        // 2: source check, storm control
inline constexpr unsigned kHdrMagic = 0;             // u32
inline constexpr unsigned kHdrLayoutVersion = 4;     // u16
inline constexpr unsigned kHdrTableVersion = 8;      // u64, as given by the control plane
inline constexpr unsigned kHdrVniSlotCount = 16;     // u32, power of two <= kMaxVniSlots
inline constexpr unsigned kHdrMemberCount = 20;      // u32
inline constexpr unsigned kHdrSourceMode = 24;       // u8: kSourceKeepOriginal / kSourceOwn
inline constexpr unsigned kHdrHashShift = 25;        // u8: 32 - log2(vni slot count)
inline constexpr unsigned kHdrMaxProbe = 26;         // u8: 1..kMaxProbes
// Storm control of the whole bank (hls/token_bucket.hpp): every policer's bucket depth in
// ns, and each source VTEP's limits (0 = no limit).
inline constexpr unsigned kHdrBurstNs = 32;         // u64
inline constexpr unsigned kHdrVtepFramesPerS = 40;  // u64
inline constexpr unsigned kHdrVtepBytesPerS = 48;   // u64
inline constexpr unsigned kHeaderBytes = 64;
inline constexpr uint8_t kSourceKeepOriginal = 0;  // copies carry the sending VTEP's address
inline constexpr uint8_t kSourceOwn = 1;           // copies carry the node's own address

// ---- VNI record (16 bytes) -------------------------------------------------------------
inline constexpr unsigned kVniRecordBytes = 16;
inline constexpr unsigned kVniRecVni = 0;               // u32; kEmptyVniSlot when unused
inline constexpr unsigned kVniRecFirstMember = 4;       // u32, index into the member arena
inline constexpr unsigned kVniRecMemberCount = 8;       // u16, <= kMaxMembersPerVni
inline constexpr unsigned kVniRecCounterSlot = 10;      // u16, per-VNI counter slot; kNoCounterSlot
inline constexpr unsigned kVniRecFlags = 12;            // u8
inline constexpr uint8_t kVniFlagHasIpv6Member = 0x01;  // the IPv6 UDP checksum is needed
inline constexpr unsigned kVniRecSourceCheck = 13;      // u8: kSourceCheck*
inline constexpr unsigned kVniRecPolicerProfile = 14;   // u8: 0 = no VNI policer
// Who may flood into the VNI (host/datapath/flood_policy.hpp SourceCheck, same values).
inline constexpr uint8_t kSourceCheckStrict = 0;        // members only; others dropped, not learned
inline constexpr uint8_t kSourceCheckLearn = 1;         // members only; others dropped and learned
inline constexpr uint8_t kSourceCheckOpen = 2;          // anyone
inline constexpr uint32_t kEmptyVniSlot = 0xFFFFFFFFu;  // never a VNI (24 bits)
inline constexpr uint16_t kNoCounterSlot = 0xFFFF;
inline constexpr uint32_t kVniHashMultiplier = 0x9E3779B1u;  // Fibonacci hashing
inline constexpr unsigned kVniRecordsPerWord = kWordBytes / kVniRecordBytes;

// ---- storm-control profile (16 bytes) ----------------------------------------------------
inline constexpr unsigned kMaxPolicerProfiles = 256;  // indices 1..255 usable (u8)
inline constexpr unsigned kPolicerProfileBytes = 16;
inline constexpr unsigned kProfFramesPerS = 0;  // u64, 0 = frames not limited
inline constexpr unsigned kProfBytesPerS = 8;   // u64, 0 = bytes not limited
inline constexpr unsigned kPolicerProfilesPerWord = kWordBytes / kPolicerProfileBytes;

// ---- member record (128 bytes = 2 words) -----------------------------------------------
// Word 0 is the untagged outer header template exactly as the reference datapath builds it
// (Ethernet dst = next hop, src = egress port MAC, EtherType; IP header with version, TTL,
// protocol, DF, destination and the own source when configured; UDP destination port);
// IPv4 uses its first 42 bytes. Word 1 holds what the kernel needs beside it.
inline constexpr unsigned kMemberRecordBytes = 128;
inline constexpr unsigned kMemberWords = kMemberRecordBytes / kWordBytes;
inline constexpr unsigned kMemTemplate = 0;            // kOuterIpv6Len bytes
inline constexpr unsigned kMemFamily = 62;             // u8: 4 or 6
inline constexpr unsigned kMemFlags = 63;              // u8
inline constexpr unsigned kMemAddr = 64;               // 16 bytes, IPv4 in the first 4
inline constexpr unsigned kMemFixedSum = 80;           // u32, folded ones'-complement sum
inline constexpr unsigned kMemOwnSourceSum = 84;       // u32
inline constexpr unsigned kMemEgressMaxFrame = 88;     // u32, egress port's largest frame
inline constexpr unsigned kMemEgressPort = 92;         // u16
inline constexpr uint8_t kMemberFlagResolved = 0x01;   // next hop known
inline constexpr uint8_t kMemberFlagOwnSource = 0x02;  // own address of its family present
inline constexpr uint8_t kFamilyV4 = 4;
inline constexpr uint8_t kFamilyV6 = 6;

// ---- bank ------------------------------------------------------------------------------
inline constexpr unsigned kVniTableOffset = kHeaderBytes;
inline constexpr unsigned kPolicerProfileOffset = kVniTableOffset + kMaxVniSlots * kVniRecordBytes;
inline constexpr unsigned kMemberArenaOffset =
    kPolicerProfileOffset + kMaxPolicerProfiles * kPolicerProfileBytes;
inline constexpr unsigned kBankBytes = kMemberArenaOffset + kMaxMembers * kMemberRecordBytes;
inline constexpr unsigned kBankWords = kBankBytes / kWordBytes;
inline constexpr unsigned kBankCount = 2;
inline constexpr unsigned kTableMemoryBytes = kBankCount * kBankBytes;
inline constexpr unsigned kTableMemoryWords = kTableMemoryBytes / kWordBytes;

static_assert(kHdrMaxProbe < kHeaderBytes && kHeaderBytes == kWordBytes);
static_assert(kHdrTableVersion % 8 == 0, "64-bit header field aligned");
static_assert((kMaxVniSlots & (kMaxVniSlots - 1)) == 0, "VNI slot count is a power of two");
static_assert(kVniRecFlags < kVniRecordBytes && kWordBytes % kVniRecordBytes == 0,
              "VNI records never straddle a word");
static_assert(wire::kOuterIpv6Len == 62 && kMemTemplate + wire::kOuterIpv6Len == kMemFamily,
              "the template fills word 0 up to the family byte");
static_assert(kMemFlags == kWordBytes - 1, "family and flags end word 0");
static_assert(kMemAddr == kWordBytes, "word 1 starts with the member address");
static_assert(kMemEgressPort + 2 <= kMemberRecordBytes);
static_assert(kMemberRecordBytes % kWordBytes == 0);
static_assert(kVniTableOffset % kWordBytes == 0 && kMemberArenaOffset % kWordBytes == 0 &&
                  kBankBytes % kWordBytes == 0,
              "every region starts on a word");
static_assert(kHdrMaxProbe < kHdrBurstNs && kHdrVtepBytesPerS + 8 <= kHeaderBytes);
static_assert(kVniRecPolicerProfile < kVniRecordBytes && kMaxPolicerProfiles == 256,
              "a profile index is one byte");
static_assert(kPolicerProfileOffset % kWordBytes == 0);
static_assert(kMemberArenaOffset == 69696 && kBankBytes == 2166848, "bank layout is pinned");
static_assert(kMaxMembersPerVni <= kMaxMembers);

// Word index of things inside table memory (bank 0 or 1).
inline constexpr unsigned bank_word(unsigned bank) {
  return bank * kBankWords;
}
inline constexpr unsigned vni_slot_word(unsigned bank, unsigned slot) {
  return bank_word(bank) + (kVniTableOffset + slot * kVniRecordBytes) / kWordBytes;
}
inline constexpr unsigned vni_slot_byte_in_word(unsigned slot) {
  return (slot % kVniRecordsPerWord) * kVniRecordBytes;
}
inline constexpr unsigned policer_profile_word(unsigned bank, unsigned profile) {
  return bank_word(bank) + (kPolicerProfileOffset + profile * kPolicerProfileBytes) / kWordBytes;
}
inline constexpr unsigned policer_profile_byte_in_word(unsigned profile) {
  return (profile % kPolicerProfilesPerWord) * kPolicerProfileBytes;
}
inline constexpr unsigned member_word(unsigned bank, unsigned member) {
  return bank_word(bank) + (kMemberArenaOffset + member * kMemberRecordBytes) / kWordBytes;
}
inline constexpr uint32_t vni_home_slot(uint32_t vni, unsigned hash_shift, uint32_t slot_mask) {
  return ((vni * kVniHashMultiplier) >> hash_shift) & slot_mask;
}

}  // namespace vxsn::card
