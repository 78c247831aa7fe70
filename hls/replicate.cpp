#include "hls/replicate.hpp"

#include "hls/byte_lanes.hpp"
#include "hls/member_prefetch.hpp"
#include "hls/replicate_channels.hpp"
#include "hls/storm_policer.hpp"
#include "hls/table_layout.hpp"

namespace vxsn::hw {
namespace {

// Largest outer header of a copy: Ethernet + 802.1Q + IPv6 + UDP.
constexpr unsigned kMaxCopyHeader = wire::kOuterIpv6Len + wire::kVlanTagLen;
static_assert(kMaxCopyHeader == 66 && kMaxCopyHeader < 2 * kBeatBytes);

// ---- frame_tap, store_frame
// -------------------------------------------------------------------------

// The VNI and outer source where a good frame carries them (the offsets parse's checks
// accept: optional 802.1Q tag, IPv4 without options or IPv6, UDP, VXLAN), from the two
// header beats.
LookupRequest header_lookup(uint8_t table_bank, const Word512& beat0, const Word512& beat1) {
  const bool tagged = be16_at(beat0, 2 * wire::kEthAddrLen) == wire::kEtherTypeVlan;
  const unsigned ip = wire::kEthHeaderLen + (tagged ? wire::kVlanTagLen : 0);
  const bool v6 = be16_at(beat0, ip - 2) == wire::kEtherTypeIpv6;
  const unsigned vni_at = ip + (v6 ? wire::kIpv6HeaderLen : wire::kIpv4HeaderLen) +
                          wire::kUdpHeaderLen + 4;  // VXLAN flags (1) + reserved (3)
  const unsigned src_at = ip + (v6 ? 8 : 12);       // IPv6 / IPv4 source address
  static_assert(wire::kEthHeaderLen + wire::kVlanTagLen + wire::kIpv6HeaderLen +
                    wire::kUdpHeaderLen + 4 + 3 <=
                2 * kBeatBytes);
  const Word512 vni_bytes = window_bytes(beat0, beat1, vni_at);
  const Word512 src_bytes = window_bytes(beat0, beat1, src_at);
  LookupRequest r;
  r.bank = table_bank & 1;
  r.vni = (uint32_t{byte_at(vni_bytes, 0)} << 16) | (uint32_t{byte_at(vni_bytes, 1)} << 8) |
          byte_at(vni_bytes, 2);
  r.src_family = v6 ? card::kFamilyV6 : card::kFamilyV4;
  r.src_vtep = bytes16_at(src_bytes, 0);
  if (!v6) r.src_vtep.range(127, 32) = 0;  // the address form parse and the table use
  return r;
}

// Sees each frame as parse delivers it, before the frame buffer: the lookup request
// leaves with beat 1, so the prefetch runs ahead of the store (which waits for a free
// buffer bank) by as many frames as the FIFOs behind it hold.
void frame_tap(FrameDataStream& data_in, FrameMetaStream& meta_in, uint8_t table_bank,
               FrameDataStream& data_out, TappedMetaStream& meta_out,
               LookupRequestStream& requests) {
  Word512 beat0 = 0;
  unsigned n = 0;
  bool last = false;
tap_loop:
  do {
    // II=1: a beat in and out per cycle, latency ~2. The metadata, which parse writes
    // after the last beat, is moved on with the last beat (so parse never waits for the
    // store). The only construct of the process: `rewind` runs on into the next frame.
#pragma HLS PIPELINE II = 1 rewind
    const AxisBeat b = data_in.read();
    last = b.last == 1;
    data_out.write(b);
    if (n == 0) beat0 = b.data;
    if (n == 1) requests.write(header_lookup(table_bank, beat0, b.data));
    if (n == 0 && last) requests.write(header_lookup(table_bank, b.data, Word512(0)));
    ++n;
    if (last) meta_out.write(meta_in.read());
  } while (!last);
}

void store_frame(FrameDataStream& data_in, TappedMetaStream& meta_in, Word512 frame[kMaxFrameBeats],
                 StoredFrameStream& stored_out) {
  unsigned n = 0;
  bool last = false;
store_loop:
  do {
    // II=1: one beat stored per cycle (parse passes at most kMaxFrameBeats), latency ~2;
    // runs once a buffer bank is free. `rewind`: no drain between frames.
#pragma HLS PIPELINE II = 1 rewind
    const AxisBeat b = data_in.read();
    last = b.last == 1;
    if (n < kMaxFrameBeats) frame[n] = b.data;
    ++n;
    if (last) {
      StoredFrame s;
      s.meta = meta_in.read();
      s.beats = static_cast<uint8_t>(n < kMaxFrameBeats ? n : kMaxFrameBeats);
      stored_out.write(s);
    }
  } while (!last);
}

// ---- plan_copies -------------------------------------------------------------------------

// Per frame, shared by all its copies.
struct CopyContext {
  bool has_vlan = false;
  uint16_t vlan_tci = 0;
  uint16_t udp_src_port = 0;
  uint16_t udp_len = 0;
  uint16_t ipv4_total_len = 0;
  bool keep_original = true;
  uint8_t ingress_family = 0;
  IpBits ingress_src;
  uint32_t ingress_src_sum = 0;
  uint32_t ipv6_frame_sum = 0;
  uint8_t payload_offset = 0;  // in the stored frame
  uint16_t payload_len = 0;
  uint8_t stored_beats = 0;
};

CopyContext copy_context(const StoredFrame& f, const MemberList& list) {
  const FrameMeta& meta = f.meta;
  CopyContext c;
  c.has_vlan = meta.has_vlan;
  c.vlan_tci = meta.vlan_tci;
  c.udp_src_port = meta.udp_src_port;
  c.payload_offset = meta.vxlan_offset;
  c.payload_len = meta.payload_len;
  c.udp_len = static_cast<uint16_t>(wire::kUdpHeaderLen + meta.payload_len);
  c.ipv4_total_len = static_cast<uint16_t>(wire::kIpv4HeaderLen + c.udp_len);
  c.keep_original = list.bank_info.keep_original_source;
  c.ingress_family = meta.src_family;
  c.ingress_src = meta.src_vtep;
  c.ingress_src_sum = ip_word_sum(meta.src_vtep, meta.src_family == 4 ? 4 : 16);
  // Pseudo-header UDP length + UDP length field + source port + payload: the same for
  // every IPv6 copy of this frame.
  c.ipv6_frame_sum =
      list.vni.has_ipv6_member
          ? fold16(uint32_t{c.udp_len} * 2 + c.udp_src_port + fold16(meta.payload_sum))
          : 0;
  c.stored_beats = f.beats;
  return c;
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
  read_bytes<kMacs>(rec0, card::kMemTemplate, hdr, kMacs);
  unsigned o = kMacs;
  if (c.has_vlan) {
    put_be16(hdr + o, wire::kEtherTypeVlan);
    put_be16(hdr + o + 2, c.vlan_tci);
    o += wire::kVlanTagLen;
  }
  const unsigned rest = 2 + ip_header_len + wire::kUdpHeaderLen;  // EtherType .. UDP end
  read_bytes<wire::kOuterIpv6Len - kMacs>(rec0, card::kMemTemplate + kMacs, hdr + o, rest);
  uint8_t* ip = hdr + o + 2;
  uint8_t* udp = ip + ip_header_len;
  put_be16(udp, c.udp_src_port);
  put_be16(udp + 4, c.udp_len);

  const bool ingress_src = c.keep_original && byte_at(rec0, card::kMemFamily) == c.ingress_family;
  uint32_t sum = le32_at(rec1, card::kMemFixedSum - card::kWordBytes);
  if (ingress_src) {
    read_bytes<16>(c.ingress_src, 0, v4 ? ip + 12 : ip + 8, v4 ? 4u : 16u);
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

CopyJob copy_job(const Word512& rec0, const Word512& rec1, const CopyContext& c) {
  uint8_t hdr[kMaxCopyHeader] = {};
  const unsigned hdr_len = build_copy_header(rec0, rec1, c, hdr);
  CopyJob job;
  job.head0 = 0;
  write_bytes<kBeatBytes>(job.head0, 0, hdr, hdr_len);
  static_assert(kMaxCopyHeader == kBeatBytes + 2);
  job.head1 = static_cast<uint16_t>((hdr_len > kBeatBytes ? hdr[kBeatBytes] : 0) |
                                    (hdr_len > kBeatBytes + 1 ? hdr[kBeatBytes + 1] << 8 : 0));
  job.hdr_len = static_cast<uint8_t>(hdr_len);
  job.payload_offset = c.payload_offset;
  job.stored_beats = c.stored_beats;
  job.total = static_cast<uint16_t>(hdr_len + c.payload_len);
  job.beats = static_cast<uint8_t>((job.total + kBeatBytes - 1) / kBeatBytes);
  job.egress_port = le16_at(rec1, card::kMemEgressPort - card::kWordBytes);
  return job;
}

StormCheck storm_check(const FrameMeta& meta, const MemberList& list) {
  StormCheck s;
  s.counter_slot = list.vni.counter_slot;
  s.vni_rate = list.vni.storm;
  s.vtep_rate = list.bank_info.per_vtep;
  s.burst_ns = list.bank_info.burst_ns;
  s.src_family = meta.src_family;
  s.src_vtep = meta.src_vtep;
  s.now_ns = meta.now_ns;
  s.frame_bytes = meta.frame_len;
  return s;
}

void plan_copies(StoredFrameStream& stored_in, MemberListStream& lists, MemberRecordStream& records,
                 CopyJobStream& jobs, OutcomeStream& outcome_out) {
  StoredFrame f;
  MemberList list;
  CopyContext c;
  FrameOutcome out;
  bool replicating = false;  // a good frame of a VNI in the table, admitted
  unsigned others = 0;
  CopyJob held;  // the previous copy: it is the frame's last only if no other follows
  bool holding = false;
  unsigned m = 0, iterations = 1;
plan_loop:
  do {
    // II=1: one member per cycle (its record from the prefetch FIFO, the checks, the
    // header build and checksum fold), latency ~4; a frame's first iteration also does the
    // admission (source check answer from the list, the two policer updates of
    // hls/storm_policer.hpp). `jobs` is written at most ONCE per iteration (a second
    // write to one FIFO in an iteration would force II=2): a member's job goes out when
    // the next job is made (so the last can be marked), and one closing iteration after
    // the members sends the held job marked last_of_frame (or the empty job of a frame
    // without copies). So a frame takes members + 1 cycles here; its copies take >= 2
    // beats each (frames >= 110 bytes), so at fan-out >= 2 members run ahead of the copies
    // and headers are ready before their turn. `rewind`: no drain between frames.
#pragma HLS PIPELINE II = 1 rewind
    if (m == 0) {
      f = stored_in.read();
      list = lists.read();
      const FrameMeta& meta = f.meta;
      out = FrameOutcome{};
      out.table_bank = list.bank;  // sent after the last member record: reads all done
      out.rx_bytes = meta.frame_len;
      out.disabled = meta.disabled;
      out.oversize = meta.oversize;
      others = 0;
      holding = false;
      replicating = false;
      iterations = list.vni.member_count + 1u;  // the members, then the closing write
      out.to_host = meta.to_host;
      out.punted = meta.punted;
      out.punt_ring_full = meta.punt_ring_full;
      if (meta.disabled || meta.oversize || meta.to_host ||
          meta.drop != drop_code(DropReason::kNone)) {
        out.frame_drop = meta.disabled || meta.oversize || meta.to_host
                             ? drop_code(DropReason::kNone)
                             : meta.drop;
      } else {
        // The lookup used the VNI at the offsets this good frame has and the bank of this
        // call: list is meta.vni's entry in bank meta.bank.
        out.vni = meta.vni;
        out.src_family = meta.src_family;
        out.src_vtep = meta.src_vtep;
        out.table_version = list.bank_info.version;
        if (!list.vni.found) {
          out.frame_drop = drop_code(DropReason::kUnknownVni);
          out.learn = true;
          out.learn_vni_known = false;
        } else {
          out.vni_found = true;
          out.counter_slot = list.vni.counter_slot;
          // The reference's admission order (detail::admit): source check, then the
          // policers; a stranger is a learn event unless the VNI is strict, whatever
          // happens to its frame.
          const bool stranger = !list.source_is_member;
          out.learn = stranger && list.vni.source_check != card::kSourceCheckStrict;
          out.learn_vni_known = true;
          if (stranger && list.vni.source_check != card::kSourceCheckOpen) {
            out.frame_drop = drop_code(DropReason::kSourceNotMember);
          } else if (!storm_admit(storm_check(meta, list))) {
            out.frame_drop = drop_code(DropReason::kStormPoliced);
          } else {
            replicating = true;
            c = copy_context(f, list);
          }
        }
      }
    }
    if (m < list.vni.member_count) {
      const MemberRecord rec = records.read();  // read for dropped frames too: discarded
      const uint8_t family = byte_at(rec.word0, card::kMemFamily);
      const IpBits addr = bytes16_at(rec.word1, card::kMemAddr - card::kWordBytes);
      const uint8_t flags = byte_at(rec.word0, card::kMemFlags);
      const bool ingress_src = c.keep_original && family == c.ingress_family;
      const unsigned ip_header_len =
          family == card::kFamilyV4 ? wire::kIpv4HeaderLen : wire::kIpv6HeaderLen;
      const uint32_t len =
          wire::kEthHeaderLen + (c.has_vlan ? wire::kVlanTagLen : 0) + ip_header_len + c.udp_len;
      if (!replicating) {
        // the speculative lookup of a frame parse dropped, or a frame not admitted
      } else if (family == f.meta.src_family && addr == f.meta.src_vtep) {
        // split horizon: never back to the sender, not counted
      } else {
        ++others;
        if (!(flags & card::kMemberFlagResolved) ||
            (!ingress_src && !(flags & card::kMemberFlagOwnSource))) {
          ++out.no_next_hop;
        } else if (len > le32_at(rec.word1, card::kMemEgressMaxFrame - card::kWordBytes)) {
          ++out.too_large;
        } else {
          const CopyJob job = copy_job(rec.word0, rec.word1, c);
          out.tx_bytes += job.total;
          ++out.copies;
          if (holding) jobs.write(held);
          held = job;
          holding = true;
        }
      }
    }
    if (m == iterations - 1) {  // the closing iteration: no member record in it
      if (replicating && others == 0) out.frame_drop = drop_code(DropReason::kNoOtherMember);
      if (!holding) held = CopyJob{};  // no copy: an empty job turns the buffer over
      held.last_of_frame = true;
      jobs.write(held);
      outcome_out.write(out);
    }
    ++m;
  } while (m < iterations);
}

// ---- copy_frames -------------------------------------------------------------------------

// Beat k of the stored frame, zero outside it.
Word512 stored_beat(const Word512 frame[kMaxFrameBeats], int k, unsigned stored) {
  return (k >= 0 && static_cast<unsigned>(k) < stored) ? frame[k] : Word512(0);
}

// Output beat k of a copy: the header bytes, then the stored payload realigned behind them.
AxisBeat copy_beat(const Word512 frame[kMaxFrameBeats], const CopyJob& job, unsigned k) {
  // Output byte o comes from stored byte o + shift (o >= hdr_len); shift is -20, 0 or +20.
  const int shift = static_cast<int>(job.payload_offset) - static_cast<int>(job.hdr_len);
  const int from = static_cast<int>(k * kBeatBytes) + shift;
  const int first = (from + static_cast<int>(kBeatBytes)) / static_cast<int>(kBeatBytes) - 1;
  const unsigned byte_shift = static_cast<unsigned>(from - first * static_cast<int>(kBeatBytes));
  Word512 out = window_bytes(stored_beat(frame, first, job.stored_beats),
                             stored_beat(frame, first + 1, job.stored_beats), byte_shift);
  const unsigned base = k * kBeatBytes;
  if (base < job.hdr_len) {
    const Word512 m = byte_mask(job.hdr_len - base);  // header bytes in this beat
    out = (out & ~m) | ((k == 0 ? job.head0 : Word512(job.head1)) & m);
  }
  const bool last = k + 1 == job.beats;
  const unsigned valid = last ? job.total - base : kBeatBytes;
  AxisBeat b;
  b.data = out & byte_mask(valid);
  b.keep = keep_mask(valid);
  b.last = last ? 1 : 0;
  b.dest = job.egress_port;
  return b;
}

void copy_frames(const Word512 frame[kMaxFrameBeats], CopyJobStream& jobs, AxisStream& tx) {
  CopyJob job;
  unsigned k = 0;
  bool frame_done = false;
copy_loop:
  do {
    // II=1: one output beat per cycle over ALL beats of ALL copies of the frame (member
    // and copy loops merged): the next copy's job is read in the cycle its first beat
    // goes out, so copies follow back to back. Two stored beats read per cycle (dual-port
    // frame buffer bank), a byte shifter and the header overlay: latency ~3. `rewind`: the
    // next frame's first copy follows this frame's last without a pipeline drain.
#pragma HLS PIPELINE II = 1 rewind
    if (k == 0) job = jobs.read();
    if (k < job.beats) tx.write(copy_beat(frame, job, k));
    ++k;
    if (k >= job.beats) {
      k = 0;
      frame_done = job.last_of_frame;
    }
  } while (!frame_done);
}

}  // namespace

void replicate(FrameDataStream& data_in, FrameMetaStream& meta_in, AxisStream& tx,
               const Word512* table_mem, const Word512* member_mem, uint8_t table_bank,
               OutcomeStream& outcome_out) {
#pragma HLS DATAFLOW
  // The frame buffer: written by store_frame, read by copy_frames, so HLS builds it as a
  // ping-pong (PIPO) of two banks of kMaxFrameBeats words: frame n+1 is stored while frame
  // n's copies are read, each bank handed over when its process finishes the frame. A
  // sequential C simulation stores and copies one frame per call, so one bank is enough
  // there and nothing carries over between calls: copy_frames reads only the beats this
  // frame stored (stored_beat), so the C build keeps one static bank instead of clearing
  // 9 KB per call (a quarter of the emulated card's time per frame).
#ifdef __SYNTHESIS__
  Word512 frame[kMaxFrameBeats];
#else
  static Word512 frame[kMaxFrameBeats];
#endif
#pragma HLS STREAM variable = frame type = pipo depth = 2
#pragma HLS ARRAY_PARTITION variable = frame cyclic factor = 2
  FrameDataStream tapped("replicate_tapped");
  TappedMetaStream tapped_meta("replicate_tapped_meta");
  LookupRequestStream requests("replicate_requests");
  MemberListStream looked_up("replicate_looked_up");
  MemberListStream lists("replicate_lists");
  MemberRecordStream records("replicate_records");
  StoredFrameStream stored("replicate_stored");
  CopyJobStream jobs("replicate_jobs");
  // On the card: the tap runs up to 64 frames ahead of the store (tapped: the frame FIFO
  // in front of the buffer), lookups up to 64 frames ahead of the copies (sim/cycle_model:
  // 64 covers HBM's ~300-cycle lookup chain at the smallest frames at fan-out 2; 32 left
  // 114 B x2 at 73 % of 100 GbE), headers a few
  // copies ahead. `records` holds a whole VNI's records (kMaxMembersPerVni): fetch_members
  // sends a frame's list, with its source check answer, only after the last record, so the
  // FIFO must take them all; it also lets the next frame's records stream in while this
  // frame's are planned.
#pragma HLS STREAM variable = tapped depth = 160
#pragma HLS STREAM variable = tapped_meta depth = 64
#pragma HLS STREAM variable = requests depth = 64
#pragma HLS STREAM variable = looked_up depth = 64
#pragma HLS STREAM variable = lists depth = 64
#pragma HLS STREAM variable = records depth = 128
#pragma HLS STREAM variable = stored depth = 2
#pragma HLS STREAM variable = jobs depth = 4

  frame_tap(data_in, meta_in, table_bank, tapped, tapped_meta, requests);
  store_frame(tapped, tapped_meta, frame, stored);
  lookup_vni(requests, table_mem, looked_up);
  fetch_members(looked_up, member_mem, lists, records);
  plan_copies(stored, lists, records, jobs, outcome_out);
  copy_frames(frame, jobs, tx);
}

}  // namespace vxsn::hw
