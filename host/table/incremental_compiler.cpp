#include "host/table/incremental_compiler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

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

void IncrementalCompiler::apply(const VniChange& change) {
  pending_.insert_or_assign(change.vni, change);
}

void IncrementalCompiler::invalidate_address(const IpAddr& addr) {
  // Pending changes are compiled anyway; this finds the VNIs that would not be.
  auto a = vnis_of_address_.find(addr);
  if (a != vnis_of_address_.end())
    a->second.for_each([this](uint32_t vni) { invalidated_.insert(vni); });
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

void IncrementalCompiler::index_members(const VniState& state, bool add) {
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
  for (uint32_t vni : invalidated_) {
    if (VniState* s = find(vni)) {
      s->dirty = true;
      dirty_shards_.set(FloodTable::shard_of(vni));
    }
  }
  invalidated_.clear();
}

void IncrementalCompiler::compile(VniState& state, const FloodTableBuilder& builder) {
  forget_stats(state);  // counted again below
  std::vector<MemberSpec> specs;
  specs.reserve(state.members.size());
  size_t unresolved = 0, refused = 0;
  for (const TableMember& m : state.members) {
    // Own-address mode cannot serve a family without an own address: leave it out (the
    // builder would refuse the whole table).
    const IpAddr& own = m.addr.is_v4() ? params_.own_v4 : params_.own_v6;
    if (params_.source_mode == SourceIpMode::kOwnAddress && own.family != m.addr.family) {
      ++refused;
      continue;
    }
    MemberSpec spec;
    spec.addr = m.addr;
    spec.refresh_from_traffic = m.learned;
    resolve_(spec);
    if (spec.resolved && spec.egress_port >= ports_.size()) spec.resolved = false;
    unresolved += !spec.resolved;
    specs.push_back(spec);
  }
  if (refused)
    spdlog::warn(
        "table: VNI {}: {} member(s) left out: own-address mode has no own address "
        "of their family",
        state.vni, refused);
  state.compiled =
      builder.compile_vni(state.vni, specs, counters_for_ ? counters_for_(state.vni) : nullptr,
                          policies_.for_vni(state.vni));
  state.dirty = false;
  state.compiled_members = specs.size();
  state.unresolved = unresolved;
  state.refused = refused;
  stats_.members += specs.size();
  stats_.unresolved += unresolved;
  stats_.refused_members += refused;
  ++stats_.recompiled_vnis;
}

std::unique_ptr<FloodTable> IncrementalCompiler::build(uint64_t version) {
  merge_pending();
  FloodTableBuilder builder;
  builder.set_params(params_).set_egress_ports(ports_).set_version(version);
  stats_.recompiled_vnis = 0;
  for (unsigned shard = 0; shard < FloodTable::kShards; ++shard) {
    if (!layout_changed_ && !dirty_shards_.test(shard)) continue;  // shared as it is
    std::vector<std::shared_ptr<const CompiledVni>> blocks;
    blocks.reserve(states_[shard].size());
    for (VniState& state : states_[shard]) {
      if (layout_changed_ || state.dirty || !state.compiled) compile(state, builder);
      blocks.push_back(state.compiled);
    }
    shards_[shard] = blocks.empty() ? nullptr : FloodTableBuilder::build_shard(std::move(blocks));
  }
  layout_changed_ = false;
  dirty_shards_.reset();
  stats_.vnis = vni_count_;
  return builder.build_from_shards(shards_);
}

}  // namespace vxsn
