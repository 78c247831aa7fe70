// Compiles the table manager's membership into FloodTable snapshots, rebuilding only what
// changed: each VNI's compiled member block (outer header templates) is kept and shared by
// the next snapshot unless that VNI's members, or the next hop of one of its members,
// changed. A new snapshot then costs the changed VNIs plus the flood-table shards they fall
// in (a few hundred VNIs each at 100k VNIs), not a recompile of every member nor an index
// of every VNI. A changed VNI is compiled as an edit of its previous block: only members
// that came, changed their learned flag or their next hop get a new template
// (vni_edit_plan.hpp), so one member added to a VNI of 10 000 costs one template and a copy.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "host/datapath/flood_table.hpp"
#include "host/table/table_manager.hpp"
#include "host/table/vni_list.hpp"
#include "host/table/vni_policy_rules.hpp"

namespace vxsn {

struct CompileStats {
  size_t vnis = 0;
  size_t members = 0;
  size_t unresolved = 0;       // members without a usable next hop
  size_t refused_members = 0;  // members the replication params cannot serve (left out)
  size_t recompiled_vnis = 0;  // VNIs compiled by the last build()
  size_t edited_vnis = 0;      // of those, compiled as an edit of their previous block
};

class IncrementalCompiler {
 public:
  // The next hop of a member: fills resolved / next_hop_mac / egress_port; addr is set.
  using Resolve = std::function<void(MemberSpec&)>;
  // Counters of a VNI (may return null).
  using CountersFor = std::function<VniCounters*(uint32_t vni)>;

  IncrementalCompiler(Resolve resolve, CountersFor counters_for);

  // Replication params, egress ports and the per-VNI policy rules: every VNI is compiled
  // again at the next build().
  void set_layout(const ReplicationParams& params, std::vector<EgressPort> ports,
                  VniPolicyRules policies = {});
  // A VNI's new member list, or its removal (change.present false).
  void apply(VniChange change);
  void apply(std::vector<VniChange> changes) {
    for (VniChange& c : changes) apply(std::move(c));
  }
  // The next hop of `addr` changed: every VNI it is a member of compiles again.
  void invalidate_address(const IpAddr& addr);
  void invalidate_all();
  bool pending() const { return !pending_.empty() || !invalidated_.empty() || layout_changed_; }

  // A snapshot of the current membership. Throws std::invalid_argument only for what the
  // table manager never produces (a VNI above 24 bits, a member listed twice).
  // `threads` > 1 compiles the changed VNIs on that many threads when there are enough of
  // them to be worth it (a whole table at start, before the datapath polls: afterwards its
  // cores are the datapath's); Resolve and CountersFor must then be thread-safe.
  std::unique_ptr<FloodTable> build(uint64_t version, unsigned threads = 1);
  const CompileStats& stats() const { return stats_; }

 private:
  struct VniState {
    uint32_t vni = 0;
    std::vector<TableMember> members;
    std::shared_ptr<const CompiledVni> compiled;
    bool dirty = true;
    bool removed = false;  // dropped at the end of the merge
    bool edited = false;   // its last compile was an edit of the block before
    // What this VNI contributes to stats_, as of its last compile.
    size_t compiled_members = 0;
    size_t unresolved = 0;
    size_t refused = 0;
  };
  void merge_pending();
  VniState* find(uint32_t vni);
  void index_members(const VniState& state, bool add);
  void rebuild_index();
  void reindex_members(uint32_t vni, const std::vector<TableMember>& before,
                       const std::vector<TableMember>& after);
  void unindex(const IpAddr& addr, uint32_t vni);
  void forget_stats(const VniState& state);
  // Resolutions of one build on one thread: an address in many VNIs is resolved once.
  using ResolvedMembers = std::unordered_map<IpAddr, MemberSpec, IpAddrHash>;
  struct CompileJob {
    VniState* state;
    VniCounters* counters;
    bool edit;  // state.compiled is of this layout: compile the changes to it only
  };
  void compile_jobs(const std::vector<CompileJob>& jobs, unsigned threads,
                    const FloodTableBuilder& builder);
  // Sets state.compiled and its counts; stats_ is the caller's (one thread of several).
  void compile(const CompileJob& job, const FloodTableBuilder& builder,
               ResolvedMembers& resolved) const;
  // `m`'s spec with its next hop, resolved once per build and thread.
  MemberSpec resolved_spec(const IpAddr& addr, bool learned, ResolvedMembers& resolved) const;

  Resolve resolve_;
  CountersFor counters_for_;
  ReplicationParams params_;
  std::vector<EgressPort> ports_;
  VniPolicyRules policies_;
  bool layout_changed_ = true;
  // Per flood-table shard, sorted by VNI; changes wait in pending_ until a build, which
  // rebuilds the dirty shards only and shares the others' last build.
  std::array<std::vector<VniState>, FloodTable::kShards> states_;
  std::bitset<FloodTable::kShards> dirty_shards_;
  FloodTable::Shards shards_;
  size_t vni_count_ = 0;
  std::unordered_map<uint32_t, VniChange> pending_;
  // Per VNI, the member addresses whose next hop changed: until the next build
  // (invalidated_), then until that build succeeded (stale_hops_): these members compile
  // again when their VNI compiles as an edit.
  using StaleHops = std::unordered_map<uint32_t, std::vector<IpAddr>>;
  StaleHops invalidated_;
  StaleHops stale_hops_;
  // The VNIs of each member address (invalidate_address). Stale after a batch of at least
  // kDeferIndexMembers members: rebuilt whole by the next invalidate_address.
  static constexpr size_t kDeferIndexMembers = 65536;
  std::unordered_map<IpAddr, VniList, IpAddrHash> vnis_of_address_;
  bool index_stale_ = false;
  CompileStats stats_;
};

}  // namespace vxsn
