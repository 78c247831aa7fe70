// How many connections one source address may hold open on the TLS listener. Without a
// bound, a few dozen connections from one host (that never even finish the TLS handshake)
// take every server thread and lock the trusted clients out. A connection over the bound is
// closed at accept and counted; the others from that address, and everyone else, go on.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "driver/net_types.hpp"

namespace vxsn {

class SourceAdmission {
 public:
  explicit SourceAdmission(uint32_t per_source_limit);

  // Holds one of its source's connections; the connection gives it back when it closes
  // (release(), or destruction).
  class Slot {
   public:
    ~Slot() { release(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    void release();

   private:
    friend class SourceAdmission;
    struct Table;
    Slot(std::shared_ptr<Table> table, IpAddr source) : table_(std::move(table)), source_(source) {}
    std::shared_ptr<Table> table_;  // shared: a connection may outlive the listener
    IpAddr source_;
  };

  // A slot for one more connection from `source`, or nothing (counted) when it holds its
  // limit already. `source` is compared normalised (IPv4-mapped IPv6 is its IPv4 address).
  std::unique_ptr<Slot> admit(const IpAddr& source);

  uint64_t refused() const;

 private:
  std::shared_ptr<Slot::Table> table_;
};

}  // namespace vxsn
