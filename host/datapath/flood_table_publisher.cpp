#include "host/datapath/flood_table.hpp"

#include <urcu/urcu-memb.h>

namespace vxsn {

RcuReaderThread::RcuReaderThread() {
  urcu_memb_register_thread();
}
RcuReaderThread::~RcuReaderThread() {
  urcu_memb_unregister_thread();
}

FloodTablePublisher::FloodTablePublisher() : current_(FloodTableBuilder().build().release()) {}

FloodTablePublisher::~FloodTablePublisher() {
  delete current_.load(std::memory_order_acquire);
}

void FloodTablePublisher::publish(std::unique_ptr<FloodTable> table) {
  std::lock_guard lock(writer_mutex_);
  // Release: a reader that loads the new pointer (acquire) sees the fully built table.
  const FloodTable* old = current_.exchange(table.release(), std::memory_order_acq_rel);
  urcu_memb_synchronize_rcu();
  delete old;
}

}  // namespace vxsn
