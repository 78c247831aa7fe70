// The flood table as the datapath reads it: an immutable snapshot, VNI -> member VTEPs, each
// member carrying a precomputed outer header so a copy costs two small memcpys, a few
// patched fields and a checksum fold. The control side builds a new snapshot with
// FloodTableBuilder and publishes it (FloodTablePublisher, below); a packet therefore sees
// one whole list, old or new, never a mix.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "driver/net_types.hpp"
#include "driver/rcu_read_section.hpp"
#include "hls/vxlan_wire.hpp"
#include "host/datapath/counters.hpp"
#include "host/datapath/flood_policy.hpp"

namespace vxsn {

enum class SourceIpMode : uint8_t {
  kKeepOriginal,  // copies carry the sending VTEP's address (receivers learn real locations)
  kOwnAddress,    // copies carry the node's own address of the member's family
};

// Node-wide replication settings, from config.
struct ReplicationParams {
  SourceIpMode source_mode = SourceIpMode::kKeepOriginal;
  IpAddr own_v4;     // source of IPv4 copies in kOwnAddress mode, and of cross-family copies
  IpAddr own_v6;     // same for IPv6
  uint8_t ttl = 64;  // TTL / hop limit of every copy
  uint16_t vxlan_port = wire::kVxlanDefaultPort;  // UDP destination port of every copy
  StormParams storm;                              // per-VTEP policer and bucket depth
};

// Index in the table's port list = egress port id.
struct EgressPort {
  MacAddr mac;                                  // source MAC of copies leaving this port
  uint32_t max_frame_len = wire::kMaxFrameLen;  // largest frame (no FCS, tag included) sent
};

// One member as the control side states it.
struct MemberSpec {
  IpAddr addr;
  bool resolved = false;  // next hop known; unresolved members are skipped (kNoNextHop)
  MacAddr next_hop_mac;
  uint16_t egress_port = 0;
  bool refresh_from_traffic = false;  // learned member: its own floods keep it alive
};

// One member as the datapath uses it.
struct Member {
  IpAddr addr;
  bool resolved = false;
  bool has_own_source = false;  // own address of the member's family configured
  uint16_t egress_port = 0;
  uint8_t ip_header_len = 0;          // 20 (IPv4) or 40 (IPv6)
  bool refresh_from_traffic = false;  // the learn path reports this member's own floods
  // Untagged outer header template: Ethernet (dst = next hop, src = port MAC, EtherType),
  // IP header with the fixed fields (version, TTL, protocol, DF, destination, and the own
  // source address when configured), UDP header with the destination port. Lengths,
  // checksums, the UDP source port and (kKeepOriginal) the source address are patched
  // per copy. IPv4 uses the first 42 bytes.
  std::array<uint8_t, wire::kOuterIpv6Len> outer{};
  // Ones'-complement partial sums of what is fixed per member. IPv4: header checksum words
  // except source and total length. IPv6: UDP checksum words (pseudo-header destination,
  // next header, UDP destination port) except source, lengths, source port and payload.
  uint32_t fixed_sum = 0;
  uint32_t own_source_sum = 0;  // sum of the own source address in `outer`
};

struct VniEntry {
  uint32_t vni = 0;
  std::span<const Member> members;  // in the order given to the builder; storage owned by the table
  VniCounters* counters = nullptr;  // may be null (no per-VNI counting nor VNI policing)
  bool has_ipv6_member = false;     // the per-packet IPv6 payload checksum is needed
  VniPolicy policy;
};

// One VNI's members compiled for the datapath: immutable once built and shared between
// snapshots, so a change to one VNI compiles that VNI only while the others are reused.
// Valid only in tables with the replication params and egress ports it was compiled for.
struct CompiledVni {
  uint32_t vni = 0;
  std::vector<Member> members;
  VniCounters* counters = nullptr;
  bool has_ipv6_member = false;
  VniPolicy policy;
};

class FloodTable {
 public:
  // The table is cut into kShards shards by a hash of the VNI. A shard is immutable and
  // shared between snapshots, so a snapshot after a change of one VNI rebuilds that VNI's
  // shard only and shares the other kShards - 1 (the incremental compiler's case): a change
  // on a table of 100k+ VNIs costs one shard of a few hundred, not an index of them all.
  static constexpr unsigned kShardBits = 8;
  static constexpr unsigned kShards = 1u << kShardBits;
  static unsigned shard_of(uint32_t vni) { return (vni * 0x9E3779B1u) >> (32 - kShardBits); }

  struct Slot {
    static constexpr uint32_t kEmpty = 0xFFFFFFFFu;  // never a VNI (24 bits)
    uint32_t vni = kEmpty;
    uint32_t entry = 0;
  };
  // The VNIs of one shard, sorted by VNI, with their open-addressing index (at most half
  // full: ~1 probe per lookup). Built by FloodTableBuilder::build_shard only.
  struct Shard {
    std::vector<std::shared_ptr<const CompiledVni>> blocks;
    std::vector<VniEntry> entries;  // parallel to blocks
    std::vector<Slot> slots;
    size_t with_counters = 0;  // entries whose counters are not null
    uint32_t slot_mask = 0;
    unsigned slot_shift = 0;
    uint32_t slot_of(uint32_t vni) const { return (vni * 0x85EBCA77u) >> slot_shift & slot_mask; }
  };
  using Shards = std::array<std::shared_ptr<const Shard>, kShards>;

  FloodTable();  // empty

  // nullptr if the VNI is absent: the shard's pointer, then ~1 probe of its slots.
  const VniEntry* find(uint32_t vni) const {
    const Shard& shard = *shard_ptrs_[shard_of(vni)];
    uint32_t i = shard.slot_of(vni);
    for (;;) {
      const Slot& s = shard.slots[i];
      if (s.vni == vni) return &shard.entries[s.entry];
      if (s.vni == Slot::kEmpty) return nullptr;
      i = (i + 1) & shard.slot_mask;
    }
  }
  // Brings the index slot find(vni) reads first into the cache, without waiting for it: a
  // burst's lookups then overlap their misses (see BurstLookahead in replicator.hpp).
  void prefetch_slot(uint32_t vni) const {
    const Shard& shard = *shard_ptrs_[shard_of(vni)];
    __builtin_prefetch(&shard.slots[shard.slot_of(vni)]);
  }
  size_t vni_count() const { return vni_count_; }
  size_t counted_vni_count() const { return counted_vni_count_; }  // VNIs with counters
  // Every VNI's entry, shard by shard (ascending VNI within a shard): the same VNIs always
  // come in the same order. For the control side, not per packet.
  template <class F>
  void for_each_entry(F&& f) const {
    for (const Shard* shard : shard_ptrs_)
      for (const VniEntry& e : shard->entries) f(e);
  }
  // Every VNI's entry sorted by VNI (a vector of pointers into the table, built per call).
  std::vector<const VniEntry*> sorted_entries() const;
  std::span<const EgressPort> egress_ports() const { return ports_; }
  const ReplicationParams& params() const { return params_; }
  uint64_t version() const { return version_; }  // as given to the builder
  const Shards& shards() const { return shards_; }

 private:
  friend class FloodTableBuilder;
  void set_shards(Shards shards);

  ReplicationParams params_;
  std::vector<EgressPort> ports_;
  Shards shards_;                                 // owners, never null
  std::array<const Shard*, kShards> shard_ptrs_;  // the same, raw: one load per lookup
  size_t vni_count_ = 0;
  size_t counted_vni_count_ = 0;
  uint64_t version_ = 0;
};

class FloodTableBuilder {
 public:
  FloodTableBuilder& set_params(const ReplicationParams& params);
  FloodTableBuilder& set_egress_ports(std::vector<EgressPort> ports);
  FloodTableBuilder& set_version(uint64_t version);
  FloodTableBuilder& add_vni(uint32_t vni, std::vector<MemberSpec> members, VniCounters* counters,
                             const VniPolicy& policy = {});
  // Throws std::invalid_argument for: a VNI above 24 bits or given twice; a member without
  // an address family or listed twice in one VNI; a resolved member on an egress port that
  // does not exist; kOwnAddress mode with a member whose family has no own address.
  std::unique_ptr<FloodTable> build() const;

  // The incremental path: one shard from blocks of that shard's VNIs, sorted by VNI, each
  // VNI once (not checked); and a table of such shards with this builder's params, ports and
  // version. A null shard is an empty one.
  static std::shared_ptr<const FloodTable::Shard> build_shard(
      std::vector<std::shared_ptr<const CompiledVni>> blocks);
  std::unique_ptr<FloodTable> build_from_shards(FloodTable::Shards shards) const;

  // Compiles one VNI with the params and egress ports set so far; same checks as build()
  // for that VNI. The result can go into a shard (build_shard) of any table with the same
  // params and ports.
  std::shared_ptr<const CompiledVni> compile_vni(uint32_t vni,
                                                 const std::vector<MemberSpec>& members,
                                                 VniCounters* counters,
                                                 const VniPolicy& policy = {}) const;

 private:
  struct PendingVni {
    uint32_t vni;
    std::vector<MemberSpec> members;
    VniCounters* counters;
    VniPolicy policy;
  };
  ReplicationParams params_;
  std::vector<EgressPort> ports_;
  std::vector<PendingVni> vnis_;
  uint64_t version_ = 0;
};

// Publishes flood table snapshots to datapath threads with userspace RCU (liburcu, memb
// flavour): a reader takes no lock and writes no shared cache line; the writer swaps the
// pointer, waits for a grace period (every reader that might hold the old snapshot has left
// its read section), then frees the old snapshot.
//
// Datapath threads: create one RcuReaderThread for the thread's life, then per burst
//   FloodTablePublisher::ReadSection rs;  const FloodTable& t = *pub.current_for_reader();
// and drop every pointer into `t` before the section ends.

// Registers the calling thread as an RCU reader for the object's lifetime.
class RcuReaderThread {
 public:
  RcuReaderThread();
  ~RcuReaderThread();
  RcuReaderThread(const RcuReaderThread&) = delete;
  RcuReaderThread& operator=(const RcuReaderThread&) = delete;
};

class FloodTablePublisher {
 public:
  // RAII read-side critical section; may nest. Only in threads holding an RcuReaderThread.
  using ReadSection = RcuReadSection;

  // Starts with an empty table (default params, no ports), so readers never see null.
  FloodTablePublisher();
  // No reader may still be using the table when the publisher is destroyed.
  ~FloodTablePublisher();
  FloodTablePublisher(const FloodTablePublisher&) = delete;
  FloodTablePublisher& operator=(const FloodTablePublisher&) = delete;

  // Makes `table` current, waits for readers of the previous one, frees it. Blocks for a
  // grace period; never call it from inside a ReadSection. Writers are serialised.
  void publish(std::unique_ptr<FloodTable> table);

  // The current snapshot; never null. Valid until the enclosing ReadSection ends.
  const FloodTable* current_for_reader() const { return current_.load(std::memory_order_acquire); }

 private:
  std::mutex writer_mutex_;
  std::atomic<const FloodTable*> current_;
};

}  // namespace vxsn
