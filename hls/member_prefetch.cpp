#include "hls/member_prefetch.hpp"

#include "hls/byte_lanes.hpp"

namespace vxsn::hw {
namespace {

BankInfo decode_bank_header(const Word512& w) {
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
  b.burst_ns = le64_at(w, card::kHdrBurstNs);
  b.per_vtep.frames_per_s = le64_at(w, card::kHdrVtepFramesPerS);
  b.per_vtep.bytes_per_s = le64_at(w, card::kHdrVtepBytesPerS);
  return b;
}

// kMaxProbes consecutive slots from any slot lie in at most three table words (four
// records a word).
constexpr unsigned kProbeWords = 3;
static_assert(card::kVniRecordsPerWord == 4 &&
              (card::kVniRecordsPerWord - 1 + card::kMaxProbes - 1) / card::kVniRecordsPerWord <
                  kProbeWords);

static_assert(card::kMemberWords == 2, "fetch_loop pairs words into records");

}  // namespace

void lookup_vni(LookupRequestStream& requests, const Word512* table_mem, MemberListStream& lists) {
  // Intended II=4 (bank header word + up to kProbeWords VNI-table words on one read
  // port; usually one), latency ~2L+4: the probe words' addresses wait for the header
  // (slot count, hash shift).
  // Pipelined as a function, one call per frame, so a frame's lookup starts while the
  // previous one's reads are still in flight.
#pragma HLS PIPELINE II = 4
  const LookupRequest req = requests.read();
  MemberList list;
  list.bank = req.bank;
  list.src_family = req.src_family;
  list.src_vtep = req.src_vtep;
  list.bank_info = decode_bank_header(table_mem[card::bank_word(req.bank)]);
  const BankInfo& b = list.bank_info;
  VniInfo& info = list.vni;
  if (b.valid) {
    const uint32_t home = card::vni_home_slot(req.vni, b.hash_shift, b.slot_mask);
    // Word j holds slots (home & ~3) + 4j .. +3 (mod the slot count): with at least four
    // slots, slot home + p is record (home + p) & 3 of word ((home & 3) + p) / 4; with two
    // slots every j names the same word.
    // Only the words the table's longest probe reaches are read (one, for most homes).
    const unsigned words_needed = (((home & 3) + b.max_probe - 1) >> 2) + 1;
    Word512 words[kProbeWords];
    for (unsigned j = 0; j < kProbeWords; ++j) {
#pragma HLS UNROLL
      const uint32_t first_slot = ((home & ~3u) + 4 * j) & b.slot_mask;
      words[j] =
          j < words_needed ? table_mem[card::vni_slot_word(req.bank, first_slot)] : Word512(0);
    }
    bool done = false;
    for (unsigned p = 0; p < card::kMaxProbes; ++p) {
#pragma HLS UNROLL
      if (done || p >= b.max_probe) continue;
      const uint32_t slot = (home + p) & b.slot_mask;
      const Word512& w = words[((home & 3) + p) >> 2];
      const unsigned at = card::vni_slot_byte_in_word(slot);
      const uint32_t slot_vni = le32_at(w, at + card::kVniRecVni);
      if (slot_vni == req.vni) {
        info.found = true;
        info.first_member = le32_at(w, at + card::kVniRecFirstMember);
        info.member_count = le16_at(w, at + card::kVniRecMemberCount);
        info.counter_slot = le16_at(w, at + card::kVniRecCounterSlot);
        info.has_ipv6_member = byte_at(w, at + card::kVniRecFlags) & card::kVniFlagHasIpv6Member;
        info.source_check = byte_at(w, at + card::kVniRecSourceCheck);
        info.policer_profile = byte_at(w, at + card::kVniRecPolicerProfile);
        done = true;
      } else if (slot_vni == card::kEmptyVniSlot) {
        done = true;
      }
    }
    if (info.member_count > card::kMaxMembersPerVni) info.member_count = card::kMaxMembersPerVni;
  }
  lists.write(list);
}

void fetch_members(MemberListStream& lists_in, const Word512* member_mem,
                   MemberListStream& lists_out, MemberRecordStream& records) {
  MemberList list;
  Word512 word0 = 0;
  unsigned w = 0, words = 0, profile_words = 0;
fetch_loop:
  do {
    // II=1: one table word per cycle (the VNI's storm profile word first when it has one,
    // then its member records, two words each), latency ~L+2. The only construct of the
    // process, so `rewind` starts the next frame's reads without a drain. One iteration
    // for an empty, unpoliced list (it still passes the list on).
    // The source check rides along: each record's address is compared with the frame's
    // outer source as it streams past, and the list (with the answer) leaves after the
    // last record, so plan_copies knows it before it plans the first copy.
#pragma HLS PIPELINE II = 1 rewind
    if (w == 0) {
      list = lists_in.read();
      list.source_is_member = false;
      profile_words = list.vni.policer_profile != 0 ? 1 : 0;
      words = profile_words + card::kMemberWords * list.vni.member_count;
    }
    if (w < profile_words) {
      const unsigned profile = list.vni.policer_profile;
      const Word512 p = member_mem[card::policer_profile_word(list.bank, profile)];
      const unsigned at = card::policer_profile_byte_in_word(profile);
      list.vni.storm.frames_per_s = le64_at(p, at + card::kProfFramesPerS);
      list.vni.storm.bytes_per_s = le64_at(p, at + card::kProfBytesPerS);
    } else if (w < words) {
      const unsigned m = w - profile_words;
      const unsigned member = list.vni.first_member + m / card::kMemberWords;
      const Word512 word =
          member_mem[card::member_word(list.bank, member) + m % card::kMemberWords];
      if (m % card::kMemberWords == 0) {
        word0 = word;
      } else {
        records.write(MemberRecord{word0, word});
        if (byte_at(word0, card::kMemFamily) == list.src_family &&
            bytes16_at(word, card::kMemAddr - card::kWordBytes) == list.src_vtep)
          list.source_is_member = true;
      }
    }
    ++w;
    if (w >= words) lists_out.write(list);
  } while (w < words);
}

}  // namespace vxsn::hw
