// How a VNI whose member list changed by a few members compiles from its previous block:
// the members whose address, learned flag and next hop are as before keep their compiled
// form (outer header template, sums), copied; only the others are compiled. A change of one
// member in a VNI of 10 000 then costs one outer header template and a copy of the rest, not
// 10 000 templates. The plan is exact: the block compile_vni_edit makes of it equals a
// compile of the whole list (tests/table/test_incremental_compile.cpp compares them).
#pragma once

#include <optional>
#include <vector>

#include "host/datapath/compiled_vni_edit.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/table/table_change_log.hpp"

namespace vxsn {

// Which members a compile leaves out: in own-address mode, a family the node has no own
// address of (the builder would refuse the whole table).
struct MemberFamilies {
  bool own_address_mode = false;
  IpAddr::Family own_v4 = IpAddr::Family::kNone;  // the family of params.own_v4, and so on
  IpAddr::Family own_v6 = IpAddr::Family::kNone;
  static MemberFamilies served_by(const ReplicationParams& params) {
    return {params.source_mode == SourceIpMode::kOwnAddress, params.own_v4.family,
            params.own_v6.family};
  }
  bool serves(const IpAddr& a) const {
    return !own_address_mode || (a.is_v4() ? own_v4 : own_v6) == a.family;
  }
};

struct VniEditPlan {
  VniEdit edit;  // its specs carry the address and the learned flag only: resolve them
  size_t kept_unresolved = 0;  // kept members without a next hop
  size_t refused = 0;          // members left out (MemberFamilies)
};

// `members` (the VNI's new list) against `base` (its block compiled from the previous list
// with the same params and egress ports). `stale_hops`: addresses whose next hop changed
// since `base` was compiled, any order; their members compile again. nullopt if either list
// is not strictly sorted by address with IPv4 addresses normalised (not a list the table
// manager hands out): compile the whole list then, which also finds a member listed twice.
std::optional<VniEditPlan> plan_vni_edit(const CompiledVni& base,
                                         const std::vector<TableMember>& members,
                                         std::vector<IpAddr> stale_hops, MemberFamilies families);

}  // namespace vxsn
