#include "host/api/source_admission.hpp"

namespace vxsn {

struct SourceAdmission::Slot::Table {
  uint32_t limit;
  std::mutex mutex;
  std::unordered_map<IpAddr, uint32_t, IpAddrHash> open;  // sources with at least one
  std::atomic<uint64_t> refused{0};
};

SourceAdmission::SourceAdmission(uint32_t per_source_limit)
    : table_(std::make_shared<Slot::Table>()) {
  table_->limit = per_source_limit;
}

std::unique_ptr<SourceAdmission::Slot> SourceAdmission::admit(const IpAddr& source) {
  const IpAddr key = source.normalised();
  std::lock_guard lock(table_->mutex);
  uint32_t& n = table_->open[key];
  if (n >= table_->limit) {
    table_->refused.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  ++n;
  return std::unique_ptr<Slot>(new Slot(table_, key));
}

void SourceAdmission::Slot::release() {
  if (!table_) return;
  {
    std::lock_guard lock(table_->mutex);
    auto it = table_->open.find(source_);
    if (it != table_->open.end() && --it->second == 0) table_->open.erase(it);
  }
  table_.reset();
}

uint64_t SourceAdmission::refused() const {
  return table_->refused.load(std::memory_order_relaxed);
}

}  // namespace vxsn
