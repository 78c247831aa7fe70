// The table's entries by origin (an entry held by two sources counts under both): what the
// table manager keeps as sources come and go, and what the API and the metrics report.
#pragma once

#include <cstdint>

namespace vxsn {

struct EntriesBySource {
  uint64_t static_entries = 0, registered = 0, learned = 0, peer = 0;
};

}  // namespace vxsn
