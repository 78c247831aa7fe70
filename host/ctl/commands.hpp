// vxsnctl's subcommands: each makes one or a few API calls and prints the reply, as a human
// table or (json) as JSON on stdout. API refusals propagate as the IDL's exceptions; main()
// turns them into exit codes.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "host/ctl/api_client.hpp"

namespace vxsn::ctl {

struct Output {
  std::ostream& out;
  bool json = false;
};

void show_status(ApiClient& c, Output& o);
// "6 static, 2 registered, 0 learned, 3 peer" (servers before API 1.3: "unknown").
std::string entries_text(const api::NodeInfo& i);
// All pages unless `limit` is set (then one page after `after`).
void list_vnis(ApiClient& c, Output& o, int32_t after, int32_t limit);
void list_members(ApiClient& c, Output& o, int32_t vni);
// One address: addMember (any API 1.x server); several: addMembers (API 1.3), one call.
void add_members(ApiClient& c, Output& o, int32_t vni, const std::vector<std::string>& addresses);
void remove_member(ApiClient& c, Output& o, int32_t vni, const std::string& address);
void flush_learned(ApiClient& c, Output& o, int32_t vni);
void set_storm_control(ApiClient& c, Output& o, const api::StormLimit& limit);
void replace_static(ApiClient& c, Output& o, int32_t vni,
                    const std::vector<std::string>& addresses);
void show_counters(ApiClient& c, Output& o, bool reset);
void list_peers(ApiClient& c, Output& o);
void show_config(ApiClient& c, Output& o);
void reload_config(ApiClient& c, Output& o);

}  // namespace vxsn::ctl
