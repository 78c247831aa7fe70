// What changed in the table since it was last asked: the VNIs whose member list (or a
// member's learned flag) changed, for the compiler, and the entries whose own sources
// changed, for HA replication. Changes to one VNI or one entry coalesce into one record,
// built from the store's current state when taken. Kept apart from the entries so every
// entry point records its changes the same way, and the batching is tested on its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "driver/net_types.hpp"
#include "host/table/table_entry_store.hpp"

namespace vxsn {

// One member as the datapath needs it.
struct TableMember {
  IpAddr addr;
  bool learned = false;  // held by the learned source: the datapath reports its traffic
  auto operator<=>(const TableMember&) const = default;
};

// The state of one VNI after a batch of changes. `present` false: the VNI left the table.
struct VniChange {
  uint32_t vni = 0;
  bool present = false;
  std::vector<TableMember> members;  // sorted by address
};

// What this node's own sources (static, registered, learned) now say about one entry, for
// replication to peer nodes. `held` false: this node stopped holding it (withdrawn, removed,
// unconfigured) and peers should drop what they have from us.
struct LocalEntryChange {
  using TimePoint = std::chrono::steady_clock::time_point;
  uint32_t vni = 0;
  IpAddr vtep;
  bool held = false;
  uint8_t sources = 0;      // EntrySource bits, the peer bit never set
  uint64_t identifier = 0;  // the first registration's, 0 if none
  TimePoint expires{};      // the latest local expiry; kNeverExpires for static/forever
};

// `vni` as the store holds it now.
VniChange describe_vni(const TableEntryStore& store, uint32_t vni);

class TableChangeLog {
 public:
  // Changes made while one lives are not replicated (ageing, a peer's write). Not nested.
  class Quiet {
   public:
    explicit Quiet(TableChangeLog& log) : log_(log) { log_.quiet_ = true; }
    ~Quiet() { log_.quiet_ = false; }
    Quiet(const Quiet&) = delete;
    Quiet& operator=(const Quiet&) = delete;

   private:
    TableChangeLog& log_;
  };

  // Called when the first VNI change after a take_changes(), or the first local change after
  // a take_local_changes(), is recorded (under the table's lock: keep it short).
  void set_callback(std::function<void()> callback) { on_change_ = std::move(callback); }

  // The VNI came, went or was (un)configured: described whole at the next take.
  void mark_vni(uint32_t vni);
  // One member of the VNI came, went or changed its learned flag.
  void mark_member(uint32_t vni, const IpAddr& addr);
  // The entry's own sources changed: recorded only while replicating and not quiet.
  void mark_local(uint32_t vni, const IpAddr& addr);
  // A recorded local change that a peer's newer write has superseded.
  void forget_local(uint32_t vni, const IpAddr& addr);
  void start_replication() { replicating_ = true; }

  // A static entry a peer's write superseded, for the running config to drop.
  void record_superseded_static(uint32_t vni, const IpAddr& addr) {
    superseded_static_.emplace_back(vni, addr);
  }
  std::vector<std::pair<uint32_t, IpAddr>> take_superseded_static() {
    return std::exchange(superseded_static_, {});
  }

  // One VniChange per VNI marked since the last call, sorted by VNI.
  std::vector<VniChange> take_changes(const TableEntryStore& store);
  // One LocalEntryChange per entry marked since the last call.
  std::vector<LocalEntryChange> take_local_changes(const TableEntryStore& store);
  // take_changes calls that returned changes.
  uint64_t batches() const { return batches_; }

 private:
  void notify_if_first(bool first) {
    if (first && on_change_) on_change_();
  }

  // What changed per VNI since the last take: the whole VNI, or these members.
  struct DirtyVni {
    bool whole = false;
    std::vector<IpAddr> members;
  };
  // More marked members than this: the VNI is described whole.
  static constexpr size_t kMaxMarkedMembers = 64;
  // VNIs this large keep their sorted member list as last taken, so a change of a few
  // members is applied to it (a search and a move per member) instead of sorting the whole
  // VNI again: one member added to a VNI of 10 000 does not sort 10 000.
  static constexpr size_t kKeepSortedFrom = 1024;
  VniChange describe(const TableEntryStore& store, uint32_t vni, const DirtyVni& dirty);

  std::unordered_map<uint32_t, DirtyVni> dirty_;
  std::unordered_map<uint32_t, std::vector<TableMember>> sorted_;
  std::unordered_map<uint32_t, std::unordered_set<IpAddr, IpAddrHash>> local_dirty_;
  std::vector<std::pair<uint32_t, IpAddr>> superseded_static_;
  bool replicating_ = false;
  bool quiet_ = false;
  std::function<void()> on_change_;
  uint64_t batches_ = 0;
};

}  // namespace vxsn
