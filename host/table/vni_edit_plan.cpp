#include "host/table/vni_edit_plan.hpp"

#include <algorithm>

#include "host/table/table_entry_store.hpp"

namespace vxsn {

// One merge walk over the new list, the base's members and the sorted stale addresses: a
// member found in the base with the same learned flag and no stale next hop is kept, any
// other becomes a spec. Consecutive kept members form runs, copied whole by the builder.
// The result is in the new list's order whatever the base's; a base that is not sorted
// only keeps fewer members.
std::optional<VniEditPlan> plan_vni_edit(const CompiledVni& base,
                                         const std::vector<TableMember>& members,
                                         std::vector<IpAddr> stale_hops, MemberFamilies families) {
  for (IpAddr& a : stale_hops) a = normalized_address(a);
  std::sort(stale_hops.begin(), stale_hops.end());
  const std::vector<Member>& old = base.members;
  VniEditPlan plan;
  std::vector<MemberSpec>& specs = plan.edit.specs;
  VniEdit::Run run;            // being extended: kept members, then specs
  size_t run_specs_begin = 0;  // where the specs of `run` start
  auto close_run = [&] {
    if (run.base_end != run.base_begin || run.specs_end != run_specs_begin)
      plan.edit.runs.push_back(run);
  };
  size_t b = 0, s = 0;
  const IpAddr* previous = nullptr;
  for (const TableMember& m : members) {
    // Strictly sorted and normalised: no member is listed twice.
    if (!(m.addr == normalized_address(m.addr)) || (previous && !(*previous < m.addr)))
      return std::nullopt;
    previous = &m.addr;
    if (!families.serves(m.addr)) {
      ++plan.refused;
      continue;
    }
    while (b < old.size() && old[b].addr < m.addr) ++b;  // members that left
    while (s < stale_hops.size() && stale_hops[s] < m.addr) ++s;
    const bool found = b < old.size() && old[b].addr == m.addr;
    const bool stale = s < stale_hops.size() && stale_hops[s] == m.addr;
    if (!found || stale || old[b].refresh_from_traffic != m.learned) {
      MemberSpec spec;
      spec.addr = m.addr;
      spec.refresh_from_traffic = m.learned;
      specs.push_back(spec);
      run.specs_end = static_cast<uint32_t>(specs.size());
      b += found;
      continue;
    }
    // Kept: it extends the run unless specs or members that left come between.
    if (run.base_end != b || run.specs_end != run_specs_begin) {
      close_run();
      const auto at = static_cast<uint32_t>(b);
      run = VniEdit::Run{at, at, static_cast<uint32_t>(specs.size())};
      run_specs_begin = specs.size();
    }
    run.base_end = static_cast<uint32_t>(b + 1);
    plan.kept_unresolved += !old[b].resolved;
    ++b;
  }
  close_run();
  return plan;
}

}  // namespace vxsn
