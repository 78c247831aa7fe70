// The VNIs one member address belongs to, as the incremental compiler's address index
// holds them: nearly every address is in one VNI, so the first is kept inline and only
// further ones allocate. A per-address std::unordered_set cost three allocations per
// address (node, bucket array, element), a third of a 1M-entry first compile's time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace vxsn {

class VniList {
 public:
  // Set semantics: inserting a VNI already listed changes nothing.
  void insert(uint32_t vni) {
    if (first_ == kNone) {
      first_ = vni;
    } else if (first_ != vni && std::find(more_.begin(), more_.end(), vni) == more_.end()) {
      more_.push_back(vni);
    }
  }
  // True if the VNI was listed.
  bool erase(uint32_t vni) {
    if (first_ == vni) {
      if (more_.empty()) {
        first_ = kNone;
      } else {
        first_ = more_.back();
        more_.pop_back();
      }
      return true;
    }
    auto it = std::find(more_.begin(), more_.end(), vni);
    if (it == more_.end()) return false;
    *it = more_.back();
    more_.pop_back();
    return true;
  }
  bool empty() const { return first_ == kNone; }
  template <class F>
  void for_each(F&& f) const {
    if (first_ == kNone) return;
    f(first_);
    for (uint32_t vni : more_) f(vni);
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;  // never a VNI (24 bits)
  uint32_t first_ = kNone;
  std::vector<uint32_t> more_;
};

}  // namespace vxsn
