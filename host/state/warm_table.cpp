#include "host/state/warm_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "host/log/elapsed_ms.hpp"
#include "host/table/table_admission.hpp"

namespace vxsn {
namespace {

bool by_vni(const VniChange& a, const VniChange& b) {
  return a.vni < b.vni;
}

// The limit the members exceed, or "" (the restore would refuse some of them).
std::string exceeded_limit(const TableSettings& limits, const std::vector<VniChange>& vnis,
                           size_t members) {
  if (vnis.size() > limits.max_vnis)
    return fmt::format("{} VNIs exceed table.max_vnis {}", vnis.size(), limits.max_vnis);
  if (members > limits.max_entries)
    return fmt::format("{} entries exceed table.max_entries {}", members, limits.max_entries);
  for (const VniChange& v : vnis)
    if (v.members.size() > limits.max_members_per_vni)
      return fmt::format("VNI {} has {} members, above table.max_members_per_vni {}", v.vni,
                         v.members.size(), limits.max_members_per_vni);
  return {};
}

// Sorted by address, one member per address; learned if any of its sources is.
void sort_and_merge(std::vector<TableMember>& members) {
  std::sort(members.begin(), members.end());
  auto out = members.begin();
  for (auto in = members.begin(); in != members.end(); ++in) {
    if (out != members.begin() && std::prev(out)->addr == in->addr) {
      std::prev(out)->learned |= in->learned;
      continue;
    }
    *out++ = *in;
  }
  members.erase(out, members.end());
}

class WarmTableBuilder {
 public:
  WarmTableBuilder(const Config& config, SavedSource::TimePoint now)
      : config_(config), now_(now), admission_(now) {
    admission_.set_policy(config);
    for (const StaticVni& v : config.vnis) statics_[v.vni] = &v;
  }

  WarmTable build(const std::vector<SavedSource>& sources) {
    // A learned source joins only a VNI that is there: configured, or holding a registered
    // source the restore keeps (it restores those first).
    std::unordered_set<uint32_t> registered;
    for (const SavedSource& s : sources)
      if (s.source == EntrySource::kRegistered && !registered.contains(s.vni) && accepts(s, true))
        registered.insert(s.vni);
    // The saver writes each VNI's sources together: one run, one member list.
    for (size_t begin = 0; begin < sources.size();) {
      size_t end = begin + 1;
      while (end < sources.size() && sources[end].vni == sources[begin].vni) ++end;
      add_run(sources, begin, end, registered);
      begin = end;
    }
    for (const StaticVni& v : config_.vnis)
      if (!seen_.contains(v.vni)) out_.vnis.push_back(static_only(v));
    // A file written otherwise (runs of one VNI apart) still gives one list per VNI.
    std::sort(out_.vnis.begin(), out_.vnis.end(), by_vni);
    merge_repeated_vnis();
    for (const VniChange& v : out_.vnis) out_.members += v.members.size();
    out_.not_used = exceeded_limit(admission_.settings(), out_.vnis, out_.members);
    if (!out_.not_used.empty()) {
      out_.vnis.clear();
      return std::move(out_);
    }
    std::unordered_set<IpAddr, IpAddrHash> addresses;
    for (const VniChange& v : out_.vnis)
      for (const TableMember& m : v.members) addresses.insert(m.addr);
    out_.addresses.assign(addresses.begin(), addresses.end());
    std::sort(out_.addresses.begin(), out_.addresses.end());
    return std::move(out_);
  }

 private:
  void add_run(const std::vector<SavedSource>& sources, size_t begin, size_t end,
               const std::unordered_set<uint32_t>& registered) {
    const uint32_t vni = sources[begin].vni;
    const bool present = statics_.contains(vni) || registered.contains(vni);
    VniChange change{vni, true, {}};
    change.members.reserve(end - begin);
    add_static_members(vni, change.members);
    for (size_t i = begin; i < end; ++i) {
      const SavedSource& s = sources[i];
      if (!accepts(s, present)) {
        ++out_.left_out;
        continue;
      }
      change.members.push_back({normalized_address(s.vtep), s.source == EntrySource::kLearned});
    }
    sort_and_merge(change.members);
    seen_.insert(vni);
    if (!change.members.empty() || statics_.contains(vni)) out_.vnis.push_back(std::move(change));
  }

  // As the restore judges it: not expired, and what admission accepts of a saved source.
  bool accepts(const SavedSource& s, bool vni_present) const {
    return s.expires > now_ &&
           admission_.accepts_saved(s.vni, normalized_address(s.vtep),
                                    s.source == EntrySource::kLearned, vni_present);
  }

  void add_static_members(uint32_t vni, std::vector<TableMember>& members) const {
    if (auto s = statics_.find(vni); s != statics_.end() && !seen_.contains(vni))
      for (const IpAddr& m : s->second->members) members.push_back({normalized_address(m), false});
  }

  VniChange static_only(const StaticVni& v) const {
    VniChange c{v.vni, true, {}};
    for (const IpAddr& m : v.members) c.members.push_back({normalized_address(m), false});
    sort_and_merge(c.members);
    return c;
  }

  void merge_repeated_vnis() {
    auto out = out_.vnis.begin();
    for (auto in = out_.vnis.begin(); in != out_.vnis.end(); ++in) {
      if (out != out_.vnis.begin() && std::prev(out)->vni == in->vni) {
        auto& members = std::prev(out)->members;
        members.insert(members.end(), in->members.begin(), in->members.end());
        sort_and_merge(members);
        continue;
      }
      if (out != in) *out = std::move(*in);
      ++out;
    }
    out_.vnis.erase(out, out_.vnis.end());
  }

  const Config& config_;
  SavedSource::TimePoint now_;
  TableAdmission admission_;
  std::unordered_map<uint32_t, const StaticVni*> statics_;
  std::unordered_set<uint32_t> seen_;  // VNIs with a run of sources so far
  WarmTable out_;
};

}  // namespace

WarmTable warm_table_of(const Config& config, const std::vector<SavedSource>& sources,
                        SavedSource::TimePoint now) {
  const auto started = std::chrono::steady_clock::now();
  WarmTable out = WarmTableBuilder(config, now).build(sources);
  out.build_ms = ms_since(started);
  return out;
}

}  // namespace vxsn
