#include "host/table/incremental_compiler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <optional>

#include "host/table/vni_edit_plan.hpp"

namespace vxsn {

IncrementalCompiler::IncrementalCompiler(Resolve resolve, CountersFor counters_for)
    : resolve_(std::move(resolve)), counters_for_(std::move(counters_for)) {}

void IncrementalCompiler::set_layout(const ReplicationParams& params, std::vector<EgressPort> ports,
                                     VniPolicyRules policies) {
  params_ = params;
  ports_ = std::move(ports);
  policies_ = std::move(policies);
  layout_changed_ = true;
}

void IncrementalCompiler::apply(VniChange change) {
  const uint32_t vni = change.vni;
  pending_.insert_or_assign(vni, std::move(change));
}

void IncrementalCompiler::invalidate_address(const IpAddr& addr) {
  if (index_stale_) rebuild_index();
  // Pending changes are compiled anyway; this finds the VNIs that would not be.
  auto a = vnis_of_address_.find(addr);
  if (a != vnis_of_address_.end())
    a->second.for_each([&](uint32_t vni) { invalidated_[vni].push_back(addr); });
}

void IncrementalCompiler::invalidate_all() {
  layout_changed_ = true;
}

IncrementalCompiler::VniState* IncrementalCompiler::find(uint32_t vni) {
  std::vector<VniState>& shard = states_[FloodTable::shard_of(vni)];
  auto it = std::lower_bound(shard.begin(), shard.end(), vni,
                             [](const VniState& s, uint32_t v) { return s.vni < v; });
  return it != shard.end() && it->vni == vni ? &*it : nullptr;
}

void IncrementalCompiler::rebuild_index() {
  vnis_of_address_.clear();
  index_stale_ = false;
  for (const std::vector<VniState>& shard : states_)
    for (const VniState& state : shard) index_members(state, true);
}

void IncrementalCompiler::index_members(const VniState& state, bool add) {
  if (index_stale_) return;
  for (const TableMember& m : state.members) {
    if (add) {
      vnis_of_address_[m.addr].insert(state.vni);
      continue;
    }
    unindex(m.addr, state.vni);
  }
}

// Lists sorted by address (the table manager hands them out so) take one merge walk that
// finds the addresses that came and went, so a change of one member in a VNI of thousands
// touches the address index once, not once per member.
void IncrementalCompiler::reindex_members(uint32_t vni, const std::vector<TableMember>& before,
                                          const std::vector<TableMember>& after) {
  if (index_stale_) return;
  auto by_address = [](const TableMember& a, const TableMember& b) { return a.addr < b.addr; };
  if (!std::is_sorted(before.begin(), before.end(), by_address) ||
      !std::is_sorted(after.begin(), after.end(), by_address)) {
    for (const TableMember& m : before) unindex(m.addr, vni);
    for (const TableMember& m : after) vnis_of_address_[m.addr].insert(vni);
    return;
  }
  auto was = before.begin();
  auto now = after.begin();
  while (was != before.end() || now != after.end()) {
    if (now == after.end() || (was != before.end() && was->addr < now->addr)) {
      unindex(was++->addr, vni);
    } else if (was == before.end() || now->addr < was->addr) {
      vnis_of_address_[now++->addr].insert(vni);
    } else {
      ++was;
      ++now;
    }
  }
}

void IncrementalCompiler::unindex(const IpAddr& addr, uint32_t vni) {
  auto a = vnis_of_address_.find(addr);
  if (a != vnis_of_address_.end() && a->second.erase(vni) && a->second.empty())
    vnis_of_address_.erase(a);
}

void IncrementalCompiler::forget_stats(const VniState& state) {
  stats_.members -= state.compiled_members;
  stats_.unresolved -= state.unresolved;
  stats_.refused_members -= state.refused;
}

// Changes to known VNIs are applied in place; new or removed VNIs cost one merge pass of
// their shard. Every shard a change touches is built again at the next build().
void IncrementalCompiler::merge_pending() {
  // A batch this large (the first table, a restart's warm table) compiles sooner without
  // indexing each member now; the index is built whole when a next hop first changes.
  size_t pending_members = 0;
  for (const auto& [vni, change] : pending_) pending_members += change.members.size();
  if (pending_members >= kDeferIndexMembers && !index_stale_) {
    index_stale_ = true;
    vnis_of_address_.clear();
  }
  std::array<std::vector<VniChange>, FloodTable::kShards> added;
  for (auto& [vni, change] : pending_) {
    const unsigned shard = FloodTable::shard_of(vni);
    VniState* state = find(vni);
    if (state == nullptr) {
      if (change.present) {
        added[shard].push_back(std::move(change));
        dirty_shards_.set(shard);
      }
      continue;
    }
    // The same list again (the table manager's first batch after a warm start, a reload
    // that changed nothing here) keeps the VNI's compiled block and its shard.
    if (change.present && change.members == state->members) continue;
    dirty_shards_.set(shard);
    if (!change.present) {
      index_members(*state, false);
      forget_stats(*state);
      state->removed = true;
      continue;
    }
    reindex_members(state->vni, state->members, change.members);
    state->members = std::move(change.members);
    state->dirty = true;
  }
  pending_.clear();
  for (unsigned shard = 0; shard < FloodTable::kShards; ++shard) {
    if (!dirty_shards_.test(shard)) continue;
    std::vector<VniState>& states = states_[shard];
    const size_t before = states.size();
    std::erase_if(states, [](const VniState& s) { return s.removed; });
    vni_count_ -= before - states.size();
    if (added[shard].empty()) continue;
    std::sort(added[shard].begin(), added[shard].end(),
              [](const VniChange& a, const VniChange& b) { return a.vni < b.vni; });
    std::vector<VniState> merged;
    merged.reserve(states.size() + added[shard].size());
    auto old = states.begin();
    for (VniChange& change : added[shard]) {
      while (old != states.end() && old->vni < change.vni) merged.push_back(std::move(*old++));
      VniState s;
      s.vni = change.vni;
      s.members = std::move(change.members);
      index_members(s, true);
      merged.push_back(std::move(s));
    }
    while (old != states.end()) merged.push_back(std::move(*old++));
    vni_count_ += added[shard].size();
    states = std::move(merged);
  }
  for (auto& [vni, addrs] : invalidated_) {
    if (VniState* s = find(vni)) {
      s->dirty = true;
      dirty_shards_.set(FloodTable::shard_of(vni));
      std::vector<IpAddr>& stale = stale_hops_[vni];
      stale.insert(stale.end(), addrs.begin(), addrs.end());
    }
  }
  invalidated_.clear();
}

MemberSpec IncrementalCompiler::resolved_spec(const IpAddr& addr, bool learned,
                                              ResolvedMembers& resolved) const {
  auto [known, fresh] = resolved.try_emplace(addr);
  if (fresh) {
    known->second.addr = addr;
    resolve_(known->second);
    if (known->second.resolved && known->second.egress_port >= ports_.size())
      known->second.resolved = false;
  }
  MemberSpec spec = known->second;
  spec.refresh_from_traffic = learned;
  return spec;
}

void IncrementalCompiler::compile(const CompileJob& job, const FloodTableBuilder& builder,
                                  ResolvedMembers& resolved) const {
  VniState& state = *job.state;
  const VniPolicy& policy = policies_.for_vni(state.vni);
  // Own-address mode cannot serve a family without an own address: leave it out (the
  // builder would refuse the whole table).
  const MemberFamilies families = MemberFamilies::served_by(params_);
  size_t members = 0, unresolved = 0, refused = 0;
  std::optional<VniEditPlan> plan;
  if (job.edit) {
    auto stale = stale_hops_.find(state.vni);
    plan =
        plan_vni_edit(*state.compiled, state.members,
                      stale == stale_hops_.end() ? std::vector<IpAddr>{} : stale->second, families);
  }
  if (plan) {
    for (MemberSpec& spec : plan->edit.specs) {
      spec = resolved_spec(spec.addr, spec.refresh_from_traffic, resolved);
      unresolved += !spec.resolved;
    }
    unresolved += plan->kept_unresolved;
    refused = plan->refused;
    state.compiled =
        compile_vni_edit(params_, ports_, *state.compiled, plan->edit, job.counters, policy);
    members = state.compiled->members.size();
  } else {
    std::vector<MemberSpec> specs;
    specs.reserve(state.members.size());
    for (const TableMember& m : state.members) {
      if (!families.serves(m.addr)) {
        ++refused;
        continue;
      }
      specs.push_back(resolved_spec(m.addr, m.learned, resolved));
      unresolved += !specs.back().resolved;
    }
    state.compiled = builder.compile_vni(state.vni, specs, job.counters, policy);
    members = specs.size();
  }
  if (refused)
    spdlog::warn(
        "table: VNI {}: {} member(s) left out: own-address mode has no own address "
        "of their family",
        state.vni, refused);
  state.dirty = false;
  state.edited = plan.has_value();
  state.compiled_members = members;
  state.unresolved = unresolved;
  state.refused = refused;
}

// Contiguous slices of about equal members, one per thread; the calling thread takes the
// first. Below kParallelMembers the threads would cost more than they save.
void IncrementalCompiler::compile_jobs(const std::vector<CompileJob>& jobs, unsigned threads,
                                       const FloodTableBuilder& builder) {
  constexpr size_t kParallelMembers = 65536;
  size_t members = 0;
  for (const CompileJob& j : jobs) members += j.state->members.size();
  if (threads < 2 || members < kParallelMembers) threads = 1;
  auto slice = [&](size_t begin, size_t end) {
    ResolvedMembers resolved;
    for (size_t i = begin; i < end; ++i) compile(jobs[i], builder, resolved);
  };
  std::vector<std::pair<size_t, size_t>> slices;
  size_t begin = 0, taken = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    taken += jobs[i].state->members.size();
    if (taken * threads >= members * (slices.size() + 1) || i + 1 == jobs.size()) {
      slices.emplace_back(begin, i + 1);
      begin = i + 1;
    }
  }
  std::vector<std::future<void>> others;
  for (size_t s = 1; s < slices.size(); ++s)
    others.push_back(std::async(std::launch::async, slice, slices[s].first, slices[s].second));
  if (!slices.empty()) slice(slices[0].first, slices[0].second);
  for (std::future<void>& f : others) f.get();  // rethrows a slice's exception
}

std::unique_ptr<FloodTable> IncrementalCompiler::build(uint64_t version, unsigned threads) {
  merge_pending();
  FloodTableBuilder builder;
  builder.set_params(params_).set_egress_ports(ports_).set_version(version);
  std::vector<unsigned> shards;
  std::vector<CompileJob> jobs;
  for (unsigned shard = 0; shard < FloodTable::kShards; ++shard) {
    if (!layout_changed_ && !dirty_shards_.test(shard)) continue;  // shared as it is
    shards.push_back(shard);
    for (VniState& state : states_[shard])
      if (layout_changed_ || state.dirty || !state.compiled) {
        forget_stats(state);  // counted again below
        jobs.push_back({&state, counters_for_ ? counters_for_(state.vni) : nullptr,
                        !layout_changed_ && state.compiled != nullptr});
      }
  }
  // Each job's VNI counts again with the block it holds now: its new one, or the one a
  // refused compile left in place (it compiles again at the next build, still dirty).
  auto count_jobs = [&] {
    for (const CompileJob& j : jobs) {
      stats_.members += j.state->compiled_members;
      stats_.unresolved += j.state->unresolved;
      stats_.refused_members += j.state->refused;
    }
  };
  try {
    compile_jobs(jobs, threads, builder);
  } catch (...) {
    count_jobs();
    throw;
  }
  count_jobs();
  stats_.recompiled_vnis = jobs.size();
  stats_.edited_vnis = 0;
  for (const CompileJob& j : jobs) stats_.edited_vnis += j.state->edited;
  for (unsigned shard : shards) {
    std::vector<std::shared_ptr<const CompiledVni>> blocks;
    blocks.reserve(states_[shard].size());
    for (const VniState& state : states_[shard]) blocks.push_back(state.compiled);
    shards_[shard] = blocks.empty() ? nullptr : FloodTableBuilder::build_shard(std::move(blocks));
  }
  layout_changed_ = false;
  dirty_shards_.reset();
  stale_hops_.clear();
  stats_.vnis = vni_count_;
  return builder.build_from_shards(shards_);
}

}  // namespace vxsn
