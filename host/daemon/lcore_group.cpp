#include "host/daemon/lcore_group.hpp"

#include <rte_launch.h>
#include <rte_lcore.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace vxsn {

LcoreGroup::LcoreGroup(unsigned lanes) : turns_(std::make_unique<Turns[]>(lanes)) {
  unsigned id;
  RTE_LCORE_FOREACH_WORKER(id) {
    if (lcores_.size() == lanes) break;
    lcores_.push_back(id);
  }
  if (lcores_.size() < lanes)
    throw std::runtime_error("the datapath wants " + std::to_string(lanes) +
                             " lcore(s) but the EAL has " + std::to_string(lcores_.size()) +
                             " worker lcore(s) besides the main one");
}

int LcoreGroup::run_lane(void* arg) {
  const Launch& l = *static_cast<const Launch*>(arg);
  l.group->body_(l.lane);
  return 0;
}

void LcoreGroup::start(std::function<void(unsigned lane)> body) {
  body_ = std::move(body);
  running_ = true;
  launches_.clear();
  for (unsigned lane = 0; lane < lanes(); ++lane) launches_.push_back({this, lane});
  for (unsigned lane = 0; lane < lanes(); ++lane) {
    if (int rc = rte_eal_remote_launch(&LcoreGroup::run_lane, &launches_[lane], lcores_[lane]);
        rc != 0) {
      stop();
      throw std::runtime_error("rte_eal_remote_launch on lcore " + std::to_string(lcores_[lane]) +
                               " failed (" + std::to_string(rc) + "): lcore busy");
    }
  }
}

void LcoreGroup::stop() {
  running_ = false;
  // An lcore never launched is WAIT already: rte_eal_wait_lcore returns at once.
  for (unsigned id : lcores_) rte_eal_wait_lcore(id);
}

uint64_t LcoreGroup::min_turns() const {
  uint64_t m = UINT64_MAX;
  for (unsigned lane = 0; lane < lanes(); ++lane) m = std::min(m, turns(lane));
  return lanes() == 0 ? 0 : m;
}

}  // namespace vxsn
