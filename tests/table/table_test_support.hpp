// Helpers for the table manager suites: a hand-driven clock and short address builders.
#pragma once

#include <chrono>
#include <string>

#include "driver/net_types.hpp"
#include "host/config/config.hpp"
#include "host/table/table_manager.hpp"

namespace vxsn::test {

// Time moves only when the test says so.
// EntrySource values as the bit masks EntryInfo::sources holds.
inline constexpr uint8_t kStatic = static_cast<uint8_t>(EntrySource::kStatic);
inline constexpr uint8_t kRegistered = static_cast<uint8_t>(EntrySource::kRegistered);
inline constexpr uint8_t kLearned = static_cast<uint8_t>(EntrySource::kLearned);
inline constexpr uint8_t kPeer = static_cast<uint8_t>(EntrySource::kPeer);

struct ManualClock {
  TableManager::TimePoint t = TableManager::TimePoint{} + std::chrono::hours(1);
  TableManager::Now fn() {
    return [this] { return t; };
  }
  void advance(std::chrono::milliseconds d) { t += d; }
};

inline IpAddr ip(const std::string& text) {
  return *IpAddr::parse(text);
}

// The table's parts tested alone (store, admission, ageing, change log) start here.
inline const TableTimePoint kPartsStart = TableTimePoint{} + std::chrono::hours(1);

// `s` added to (vni, addr) in `store`, the entry created at kPartsStart if it is new: the
// store's own steps, as the table manager takes them.
inline StoredEntry& hold(TableEntryStore& store, uint32_t vni, const char* addr, EntrySource s) {
  StoredEntry* e = store.find(vni, ip(addr));
  if (e == nullptr) e = &store.create(store.find_vni(vni), vni, ip(addr), kPartsStart);
  store.add_source(*e, s);
  return *e;
}

// A config with the table defaults, 1 s ageing ticks and the given static VNIs.
inline Config table_config(std::vector<StaticVni> vnis = {}) {
  Config c;
  c.vnis = std::move(vnis);
  c.table.ageing_interval_ms = 1000;
  return c;
}

}  // namespace vxsn::test
