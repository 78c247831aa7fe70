// The table a restart forwards with while the table manager takes its entries back: the
// state file's registered and learned sources plus the config's static members, judged as
// the restore will judge them (expiry, allow-list, learning only in a VNI that is there),
// grouped per VNI exactly as the table manager hands VNIs to the compiler. The daemon
// compiles and publishes it as soon as the datapath exists, so floods to restored members
// flow a second or more before the table manager, the API and the listeners are back; the
// manager's first batch then recompiles only the VNIs where it disagrees.
//
// Built on the state file's loader thread, beside the EAL, from plain vectors: no hash map
// per entry, one sort.
#pragma once

#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "host/table/table_change_log.hpp"
#include "host/table/table_manager.hpp"

namespace vxsn {

struct WarmTable {
  std::vector<VniChange> vnis;    // sorted by VNI, each VNI's members sorted by address
  std::vector<IpAddr> addresses;  // every member address once, sorted (the resolver's targets)
  size_t members = 0;
  size_t left_out = 0;  // sources expired or refused (allow-list, learning)
  // Non-empty: no warm table, and why (the sources exceed a [table] limit, so which of them
  // the restore keeps is the table manager's call, not a guess made here).
  std::string not_used;
  double build_ms = 0;
};

WarmTable warm_table_of(const Config& config, const std::vector<SavedSource>& sources,
                        SavedSource::TimePoint now);

}  // namespace vxsn
