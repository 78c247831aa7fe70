#include "host/config/static_members.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace vxsn {
namespace {

std::map<uint32_t, std::set<IpAddr>> by_vni(const std::vector<StaticVni>& vnis) {
  std::map<uint32_t, std::set<IpAddr>> out;
  for (const StaticVni& v : vnis) out[v.vni].insert(v.members.begin(), v.members.end());
  return out;
}

bool contains(const std::set<IpAddr>& s, const IpAddr& a) {
  return s.find(a) != s.end();
}

}  // namespace

std::vector<StaticVni> apply_file_change(const std::vector<StaticVni>& running,
                                         const std::vector<StaticVni>& old_file,
                                         const std::vector<StaticVni>& new_file) {
  const auto before = by_vni(old_file);
  const auto after = by_vni(new_file);
  static const std::set<IpAddr> kNone;
  auto members_of = [](const auto& map, uint32_t vni) -> const std::set<IpAddr>& {
    auto it = map.find(vni);
    return it == map.end() ? kNone : it->second;
  };

  std::vector<StaticVni> out;
  for (const StaticVni& v : running) {
    const std::set<IpAddr>& was = members_of(before, v.vni);
    const std::set<IpAddr>& now = members_of(after, v.vni);
    StaticVni kept{v.vni, {}};
    for (const IpAddr& a : v.members)
      if (!(contains(was, a) && !contains(now, a))) kept.members.push_back(a);
    for (const IpAddr& a : now)
      if (!contains(was, a) &&
          std::find(kept.members.begin(), kept.members.end(), a) == kept.members.end())
        kept.members.push_back(a);
    const bool file_dropped_vni = before.count(v.vni) && !after.count(v.vni);
    if (file_dropped_vni && kept.members.empty()) continue;
    out.push_back(std::move(kept));
  }
  // VNIs the file added that the running config does not have yet.
  for (const StaticVni& v : new_file) {
    if (before.count(v.vni)) continue;
    if (std::any_of(out.begin(), out.end(), [&](const StaticVni& o) { return o.vni == v.vni; }))
      continue;
    out.push_back(v);
  }
  return out;
}

size_t drop_emptied_vnis(std::vector<StaticVni>& running, const std::vector<StaticVni>& file) {
  return std::erase_if(running, [&](const StaticVni& v) {
    return v.members.empty() && std::none_of(file.begin(), file.end(),
                                             [&](const StaticVni& f) { return f.vni == v.vni; });
  });
}

}  // namespace vxsn
