// A userspace-RCU read-side critical section (liburcu, memb flavour), shared by every
// structure the datapath lanes read without a lock (the flood table, the steering rules):
// one flavour, so a lane's one thread registration covers them all. May nest; only in
// threads registered with urcu_memb_register_thread.
#pragma once

#include <urcu/urcu-memb.h>

namespace vxsn {

class RcuReadSection {
 public:
  RcuReadSection() { urcu_memb_read_lock(); }
  ~RcuReadSection() { urcu_memb_read_unlock(); }
  RcuReadSection(const RcuReadSection&) = delete;
  RcuReadSection& operator=(const RcuReadSection&) = delete;
};

}  // namespace vxsn
