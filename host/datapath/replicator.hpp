// Replication: one received VXLAN frame -> one copy per other member of its VNI.
//
// Per member, in table order:            (counted per copy)
//   member address == outer source ...... skipped, not counted (split horizon)
//   next hop unresolved ................. kNoNextHop
//   no source address usable ............ kNoNextHop (see below)
//   copy longer than egress max ......... kFrameTooLarge (never truncated)
//   sink has no buffer .................. kNoBuffer
// Per frame, in this order (each once, nothing else counted after it):
//   VNI not in the table ........................ kUnknownVni
//   sender not a member, VNI not kOpen .......... kSourceNotMember (and per VNI)
//   source VTEP's or VNI's policer refuses ...... kStormPoliced (and per VNI); only with
//                                                  a FloodGuard (the datapath's clock)
//   no member other than the sender ............. kNoOtherMember
//
// A copy: Ethernet (dst = next hop, src = egress port MAC) [the ingress 802.1Q tag, as
// received: same underlay segment] / IP of the MEMBER's family (v4 and v6 members mix
// freely in one VNI) / UDP / the 8 VXLAN header bytes as received / the inner frame.
// IP source: kOwnAddress -> own address of the member's family; kKeepOriginal -> the
// ingress outer source when the families match, else (it cannot be expressed) the own
// address of the member's family. A copy that needs an own address the config does not
// have is dropped; the drop list has no dedicated code for that, it counts kNoNextHop
// (the copy has no usable route back). kOwnAddress tables reject this at build time.
// IPv4: TOS 0, id 0, DF, TTL = params.ttl, header checksum, UDP checksum 0 (RFC 7348).
// IPv6: traffic class and flow label 0, hop limit = params.ttl, UDP checksum computed
// (the payload part once per frame). UDP source port kept (ECMP entropy); destination port
// = params.vxlan_port. Ethernet padding of the ingress frame is not copied.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <memory>
#include <span>

#include "host/datapath/address_equal.hpp"
#include "host/datapath/counters.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/datapath/frame_parser.hpp"
#include "host/datapath/vni_counter_tally.hpp"

namespace vxsn {

// Where copies go. acquire: a writable buffer of `len` bytes for a copy to `egress_port`,
// or nullptr when none is available. commit: the copy in the last acquired buffer is
// complete. Every acquire that returns a buffer is followed by exactly one commit.
template <class S>
concept CopySink = requires(S& sink, uint16_t egress_port, uint32_t len) {
  { sink.acquire(egress_port, len) } -> std::convertible_to<uint8_t*>;
  sink.commit(egress_port, len);
};

// A sink that may send a copy's payload (VXLAN header + inner frame) by reference instead
// of copying it: by_reference says whether it wants to for this port and payload length;
// if so, acquire_header returns a buffer for the `header_len` outer header bytes only and
// the sink itself appends the `payload_len` bytes at `payload` (the ingress frame's, alive
// until commit). The commit that follows gets the whole copy's length, as for acquire.
template <class S>
concept ReferenceSink = CopySink<S> && requires(S& sink, uint16_t egress_port, uint32_t header_len,
                                                const uint8_t* payload, uint16_t payload_len) {
  { sink.by_reference(egress_port, payload_len) } -> std::convertible_to<bool>;
  {
    sink.acquire_header(egress_port, header_len, payload, payload_len)
    } -> std::convertible_to<uint8_t*>;
};

// The source VTEPs' policers, one bucket per slot whichever lane a VTEP's frames arrive on
// (its flows hash to several queues).
struct VtepPolicers {
  std::array<LockedBucket, kVtepPolicerSlots> buckets{};
};

// The storm-control state of one datapath lane: the source VTEPs' policers (shared with the
// other lanes: copy the guard; the VNIs' live in their VniCounters) and the clock of the
// lane's current burst.
struct FloodGuard {
  std::shared_ptr<VtepPolicers> vteps = std::make_shared<VtepPolicers>();
  uint64_t now_ns = 0;  // monotonic; set once per burst
};

namespace detail {

// What every copy of one frame shares, computed once per frame.
struct FrameCopyContext {
  const uint8_t* payload = nullptr;  // VXLAN header + inner frame of the ingress frame
  uint16_t payload_len = 0;
  uint16_t udp_len = 0;
  uint16_t ipv4_total_len = 0;
  uint16_t udp_src_port = 0;
  bool has_vlan = false;
  uint16_t vlan_tci = 0;
  bool keep_original = false;
  IpAddr::Family ingress_family = IpAddr::Family::kNone;
  const uint8_t* ingress_src = nullptr;
  uint32_t ingress_src_sum = 0;
  uint32_t ipv6_frame_sum = 0;  // UDP lengths, source port, payload (if an IPv6 member)
};

FrameCopyContext make_copy_context(std::span<const uint8_t> frame, const ParsedFrame& p,
                                   const VniEntry& entry, const ReplicationParams& params);

inline bool uses_ingress_source(const FrameCopyContext& c, const Member& m) {
  return c.keep_original && m.addr.family == c.ingress_family;
}

inline uint32_t copy_length(const FrameCopyContext& c, const Member& m) {
  return wire::kEthHeaderLen + (c.has_vlan ? wire::kVlanTagLen : 0) + m.ip_header_len + c.udp_len;
}

// Writes the outer headers of the copy for `m` into `out` (copy_length less payload_len
// bytes).
void write_headers(uint8_t* out, const FrameCopyContext& c, const Member& m);

// Writes the copy for `m` into `out` (copy_length bytes): headers, then the payload.
void write_copy(uint8_t* out, const FrameCopyContext& c, const Member& m);

// Acquires a buffer from `sink` and writes the copy for `m` into it (only its headers when
// the sink takes the payload by reference and has a header buffer; else the whole copy).
// False: the sink has no buffer at all.
template <CopySink Sink>
bool emit_copy(Sink& sink, const FrameCopyContext& c, const Member& m, uint32_t len) {
  if constexpr (ReferenceSink<Sink>) {
    if (sink.by_reference(m.egress_port, c.payload_len)) {
      uint8_t* header =
          sink.acquire_header(m.egress_port, len - c.payload_len, c.payload, c.payload_len);
      if (header != nullptr) {
        write_headers(header, c, m);
        sink.commit(m.egress_port, len);
        return true;
      }
      // No small buffer left: the copy is built whole instead, slower but not lost.
    }
  }
  uint8_t* buf = sink.acquire(m.egress_port, len);
  if (buf == nullptr) return false;
  write_copy(buf, c, m);
  sink.commit(m.egress_port, len);
  return true;
}

bool is_member(const VniEntry& entry, const IpAddr& addr);

// Source check and policers: the drop reason for this frame, or kNone to replicate it.
DropReason admit(const VniEntry& entry, const ParsedFrame& p, uint32_t frame_len,
                 const StormParams& storm, FloodGuard* guard);

}  // namespace detail

// The per-VNI counter deltas of one burst (BurstLookahead's).
using BurstVniTally = VniCounterTally<32>;

// Replicates a frame parse_frame accepted (p.drop == kNone) whose VNI `table` gave as
// `entry` (null: not in the table). Counts tx and per-copy drops in `c`, frames/copies in
// the VNI's counters (through `tally` when given, flushed by its owner). Returns the number
// of copies committed. `guard` null: no policing (benches and tests without a clock).
template <CopySink Sink>
unsigned replicate_found(std::span<const uint8_t> frame, const ParsedFrame& p,
                         const VniEntry* entry, const FloodTable& table, DatapathCounters& c,
                         Sink& sink, FloodGuard* guard = nullptr, BurstVniTally* tally = nullptr) {
  if (entry == nullptr) {
    c.count_drop(DropReason::kUnknownVni);
    return 0;
  }
  if (entry->counters != nullptr) {
    if (tally != nullptr) {
      tally->frame_in(entry->counters, frame.size());
    } else {
      VniTrafficCounters& t = entry->counters->traffic(0);
      t.frames_in.add(1);
      t.bytes_in.add(frame.size());
    }
  }
  if (const DropReason refused = detail::admit(*entry, p, static_cast<uint32_t>(frame.size()),
                                               table.params().storm, guard);
      refused != DropReason::kNone) {
    c.count_drop(refused);
    return 0;
  }
  const detail::FrameCopyContext ctx = detail::make_copy_context(frame, p, *entry, table.params());
  const std::span<const EgressPort> ports = table.egress_ports();

  unsigned others = 0, copies = 0;
  uint32_t no_next_hop = 0, too_large = 0, no_buffer = 0;
  uint64_t bytes = 0;
  for (const Member& m : entry->members) {
    if (address_equal(m.addr, p.src_vtep)) continue;
    ++others;
    if (!m.resolved || (!detail::uses_ingress_source(ctx, m) && !m.has_own_source)) {
      ++no_next_hop;
      continue;
    }
    const uint32_t len = detail::copy_length(ctx, m);
    if (len > ports[m.egress_port].max_frame_len) {
      ++too_large;
      continue;
    }
    if (!detail::emit_copy(sink, ctx, m, len)) {
      ++no_buffer;
      continue;
    }
    ++copies;
    bytes += len;
  }

  if (others == 0) c.count_drop(DropReason::kNoOtherMember);
  if (no_next_hop) c.count_drop(DropReason::kNoNextHop, no_next_hop);
  if (too_large) c.count_drop(DropReason::kFrameTooLarge, too_large);
  if (no_buffer) c.count_drop(DropReason::kNoBuffer, no_buffer);
  if (copies) {
    c.tx_copies.add(copies);
    c.tx_bytes.add(bytes);
    if (entry->counters != nullptr) {
      if (tally != nullptr) {
        tally->copies_out(entry->counters, copies, bytes);
      } else {
        VniTrafficCounters& t = entry->counters->traffic(0);
        t.copies_out.add(copies);
        t.bytes_out.add(bytes);
      }
    }
  }
  return copies;
}

// replicate_found with the lookup.
template <CopySink Sink>
unsigned replicate(std::span<const uint8_t> frame, const ParsedFrame& p, const FloodTable& table,
                   DatapathCounters& c, Sink& sink, FloodGuard* guard = nullptr) {
  return replicate_found(frame, p, table.find(p.vni), table, c, sink, guard);
}

// A burst of frames parsed and their VNIs looked up before any is replicated, in stages
// over the whole burst: every frame's index slot is prefetched, then every entry, then
// every entry's counters and first members. With many active VNIs each of those is a cache
// miss that depends on the one before; frame by frame they follow one another, staged
// they overlap across the burst. Then process(i) replicates frame i as process_frame
// would (same counters, same order of effects; the per-VNI counters are added once per VNI
// at the end of the burst).
template <size_t kMaxBurst>
class BurstLookahead {
 public:
  // `lane`: whose shard of the per-VNI counters this burst's counts go to.
  explicit BurstLookahead(unsigned lane = 0) : tally_(lane) {}

  // Frames [0, n) of the burst (n <= kMaxBurst); they must stay valid until processed.
  void prepare(const std::span<const uint8_t>* frames, size_t n, const ParseConfig& cfg,
               const FloodTable& table) {
    n_ = n;
    for (size_t i = 0; i < n; ++i) {
      frames_[i] = frames[i];
      parsed_[i] = parse_frame(frames[i], cfg);
      if (parsed_[i].drop == DropReason::kNone) table.prefetch_slot(parsed_[i].vni);
    }
    for (size_t i = 0; i < n; ++i) {
      entries_[i] = parsed_[i].drop == DropReason::kNone ? table.find(parsed_[i].vni) : nullptr;
      if (entries_[i] != nullptr) __builtin_prefetch(entries_[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      const VniEntry* e = entries_[i];
      if (e == nullptr) continue;
      if (e->counters != nullptr) __builtin_prefetch(e->counters, 1);
      if (!e->members.empty()) __builtin_prefetch(e->members.data());
    }
  }

  size_t size() const { return n_; }
  const ParsedFrame& parsed(size_t i) const { return parsed_[i]; }

  // Frame i: rx counters, drop counting or replicate. Every frame of the burst is processed,
  // in order, while `table` is held: the per-VNI counters are tallied over the burst and
  // added when its last frame is done.
  template <CopySink Sink>
  unsigned process(size_t i, const FloodTable& table, DatapathCounters& c, Sink& sink,
                   FloodGuard* guard = nullptr) {
    // The next frame's member records (an outer-header template each, ~100 bytes): while
    // this one replicates they arrive.
    if (i + 1 < n_ && entries_[i + 1] != nullptr) {
      const std::span<const Member> next = entries_[i + 1]->members;
      const char* begin = reinterpret_cast<const char*>(next.data());
      const size_t bytes = std::min<size_t>(next.size_bytes(), kMemberPrefetchBytes);
      for (size_t b = 64; b < bytes; b += 64) __builtin_prefetch(begin + b);
    }
    c.rx_frames.add(1);
    c.rx_bytes.add(frames_[i].size());
    unsigned copies = 0;
    if (parsed_[i].drop != DropReason::kNone) {
      c.count_drop(parsed_[i].drop);
    } else {
      copies = replicate_found(frames_[i], parsed_[i], entries_[i], table, c, sink, guard, &tally_);
    }
    if (i + 1 == n_) tally_.flush();
    return copies;
  }

 private:
  // At most this much of a VNI's member records ahead: a fan-out of 128 would otherwise
  // queue more prefetches than the core keeps in flight.
  static constexpr size_t kMemberPrefetchBytes = 1024;
  size_t n_ = 0;
  std::array<std::span<const uint8_t>, kMaxBurst> frames_;
  std::array<ParsedFrame, kMaxBurst> parsed_;
  std::array<const VniEntry*, kMaxBurst> entries_{};
  BurstVniTally tally_;
};

// The whole per-frame path: rx counters, parse, drop counting, replicate. `parsed`, when
// given, receives the parse result (the learn path wants the VNI and source VTEP).
template <CopySink Sink>
unsigned process_frame(std::span<const uint8_t> frame, const ParseConfig& cfg,
                       const FloodTable& table, DatapathCounters& c, Sink& sink,
                       ParsedFrame* parsed = nullptr, FloodGuard* guard = nullptr) {
  c.rx_frames.add(1);
  c.rx_bytes.add(frame.size());
  const ParsedFrame p = parse_frame(frame, cfg);
  if (parsed != nullptr) *parsed = p;
  if (p.drop != DropReason::kNone) {
    c.count_drop(p.drop);
    return 0;
  }
  return replicate(frame, p, table, c, sink, guard);
}

}  // namespace vxsn
