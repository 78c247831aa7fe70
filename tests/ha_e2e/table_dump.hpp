// A node's whole flood table read through its management API: every VNI by listVnis paging,
// every member by listMembers. Two nodes hold the same table when their key sets are equal.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "host/ctl/api_client.hpp"

namespace vxsn::hae2e {

using MemberKey = std::pair<uint32_t, std::string>;  // (VNI, member address)
using Sources = std::vector<api::Source::type>;

struct TableDump {
  std::map<MemberKey, Sources> members;
  std::map<uint32_t, api::VniSummary> vnis;
  int pages = 0;  // listVnis calls it took
  std::set<MemberKey> keys() const;
};

// Reads every page of `page_size` VNIs, then each VNI's members. A VNI that vanishes
// between the two calls (NotFound) simply has no members.
TableDump dump_table(api::ManagementClient& c, int32_t page_size = 7);

// The member as the node lists it, or nullopt when the VNI or the member is absent.
std::optional<api::Member> find_member(api::ManagementClient& c, uint32_t vni,
                                       const std::string& address);
// The member's sources, or nullopt when the VNI or the member is absent.
std::optional<Sources> member_sources(api::ManagementClient& c, uint32_t vni,
                                      const std::string& address);
// "[STATIC,PEER]", for messages and printed figures.
std::string sources_text(const Sources& sources);
bool has_source(const Sources& s, api::Source::type source);

std::string describe(const std::set<MemberKey>& keys, size_t max = 20);
// What `a` has that `b` lacks, and the reverse, for failure messages.
std::string difference(const std::set<MemberKey>& a, const std::set<MemberKey>& b);

}  // namespace vxsn::hae2e
