#include "tests/ha_e2e/table_dump.hpp"

#include <algorithm>
#include <sstream>

namespace vxsn::hae2e {

std::set<MemberKey> TableDump::keys() const {
  std::set<MemberKey> out;
  for (const auto& [k, s] : members) out.insert(k);
  return out;
}

TableDump dump_table(api::ManagementClient& c, int32_t page_size) {
  TableDump d;
  int32_t after = 0;
  for (bool more = true; more;) {
    api::VniPage page;
    c.listVnis(page, after, page_size);
    ++d.pages;
    for (const auto& v : page.vnis) {
      d.vnis[static_cast<uint32_t>(v.vni)] = v;
      after = v.vni;
    }
    more = page.more && !page.vnis.empty();
  }
  for (const auto& [vni, summary] : d.vnis) {
    std::vector<api::Member> list;
    try {
      c.listMembers(list, static_cast<int32_t>(vni));
    } catch (const api::NotFound&) {
      continue;
    }
    for (const auto& m : list) d.members[{vni, m.address}] = m.sources;
  }
  return d;
}

std::optional<api::Member> find_member(api::ManagementClient& c, uint32_t vni,
                                       const std::string& address) {
  std::vector<api::Member> list;
  try {
    c.listMembers(list, static_cast<int32_t>(vni));
  } catch (const api::NotFound&) {
    return std::nullopt;
  }
  for (const auto& m : list)
    if (m.address == address) return m;
  return std::nullopt;
}

std::optional<Sources> member_sources(api::ManagementClient& c, uint32_t vni,
                                      const std::string& address) {
  auto m = find_member(c, vni, address);
  if (!m) return std::nullopt;
  return m->sources;
}

std::string sources_text(const Sources& sources) {
  std::string s;
  for (auto src : sources) {
    auto it = api::_Source_VALUES_TO_NAMES.find(src);
    s += (s.empty() ? "" : ",") +
         (it == api::_Source_VALUES_TO_NAMES.end() ? std::to_string(src) : it->second);
  }
  return "[" + s + "]";
}

bool has_source(const Sources& s, api::Source::type source) {
  return std::find(s.begin(), s.end(), source) != s.end();
}

std::string describe(const std::set<MemberKey>& keys, size_t max) {
  std::ostringstream o;
  size_t n = 0;
  for (const auto& [vni, addr] : keys) {
    if (n++ == max) {
      o << " ... (" << keys.size() << " in all)";
      break;
    }
    o << " " << vni << "/" << addr;
  }
  return keys.empty() ? " (none)" : o.str();
}

std::string difference(const std::set<MemberKey>& a, const std::set<MemberKey>& b) {
  std::set<MemberKey> only_a, only_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(only_a, only_a.end()));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::inserter(only_b, only_b.end()));
  return "only in first:" + describe(only_a) + "; only in second:" + describe(only_b);
}

}  // namespace vxsn::hae2e
