#include "host/nexthop/next_hop_resolver.hpp"

#include <linux/neighbour.h>
#include <net/if.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>
#include <unordered_set>

#include "host/nexthop/neighbour_query.hpp"
#include "host/nexthop/netlink_socket.hpp"
#include "host/nexthop/route_query.hpp"
#include "host/nexthop/rtnl_events.hpp"

namespace vxsn {

namespace {

using Clock = std::chrono::steady_clock;

// How often targets without a usable neighbour are retried.
constexpr auto kRetryInterval = std::chrono::milliseconds(1000);

std::string interface_name(int ifindex) {
  char name[IF_NAMESIZE] = {};
  return if_indextoname(static_cast<unsigned>(ifindex), name) ? name : "";
}

}  // namespace

// The retry tick asks again for targets with a route but no usable neighbour (a FAILED
// probe is repeated; the kernel's answer may have been lost). A target without a route is
// not polled: a route, link or address change is an event that asks for every target
// (RtnlChanges::everything), so 30 000 unreachable members cost nothing per second.
bool NextHopResolver::retry_wanted(const Tracked& t) {
  return !t.resolved_once || (!t.result.resolved && t.result.ifindex != 0);
}

NextHopResolver::NextHopResolver(std::function<void()> on_change)
    : on_change_(std::move(on_change)) {
  // Lives as long as the resolver so set_targets() never races start()/stop() over it.
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "nexthop: eventfd");
}

NextHopResolver::~NextHopResolver() {
  stop();
  close(wake_fd_);
}

void NextHopResolver::set_targets(std::vector<IpAddr> targets) {
  {
    std::unique_lock lock(mutex_);
    std::unordered_map<IpAddr, Tracked, IpAddrHash> next;
    for (const IpAddr& t : targets) {
      auto it = targets_.find(t);
      if (it != targets_.end()) {
        next.emplace(t, it->second);
      } else if (next.emplace(t, Tracked{}).second) {
        fresh_.push_back(t);
      }
    }
    targets_ = std::move(next);
  }
  wake();
}

void NextHopResolver::update_targets(const std::vector<IpAddr>& added,
                                     const std::vector<IpAddr>& removed) {
  bool fresh = false;
  {
    std::unique_lock lock(mutex_);
    for (const IpAddr& t : removed) targets_.erase(t);
    for (const IpAddr& t : added) {
      if (!targets_.try_emplace(t).second) continue;
      fresh_.push_back(t);
      fresh = true;
    }
  }
  if (fresh) wake();
}

void NextHopResolver::seed(const std::vector<std::pair<IpAddr, NextHop>>& known) {
  std::unique_lock lock(mutex_);
  for (const auto& [target, hop] : known)
    if (auto it = targets_.find(target); it != targets_.end() && !it->second.resolved_once)
      it->second.result = hop;
}

std::optional<NextHop> NextHopResolver::lookup(const IpAddr& target) const {
  std::shared_lock lock(mutex_);
  auto it = targets_.find(target);
  if (it == targets_.end()) return std::nullopt;
  return it->second.result;
}

std::vector<std::pair<IpAddr, NextHop>> NextHopResolver::all() const {
  std::shared_lock lock(mutex_);
  std::vector<std::pair<IpAddr, NextHop>> out;
  out.reserve(targets_.size());
  for (const auto& [target, tracked] : targets_) out.emplace_back(target, tracked.result);
  return out;
}

NextHopResolver::Activity NextHopResolver::activity() const {
  return {route_queries_.load(), neighbour_queries_.load(), retry_passes_.load(),
          full_passes_.load()};
}

void NextHopResolver::start() {
  if (thread_.joinable()) return;
  // Sockets are opened here, in the caller's thread, so they belong to the caller's namespace.
  query_sock_ = std::make_unique<NetlinkSocket>();
  event_sock_ = std::make_unique<RtnlEventSocket>();
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void NextHopResolver::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  wake();
  thread_.join();
  event_sock_.reset();
  query_sock_.reset();
}

void NextHopResolver::wake() {
  uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof one) < 0 && errno != EAGAIN)
    spdlog::error("nexthop: waking resolver thread failed: {}", std::strerror(errno));
}

void NextHopResolver::run() {
  resolve_pass(Pass::kNew, {});
  auto next_retry = Clock::now() + kRetryInterval;
  while (!stopping_) {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_retry - Clock::now());
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {event_sock_->fd(), POLLIN, 0}};
    int ready = poll(fds, 2, static_cast<int>(std::max<int64_t>(wait.count(), 0)));
    if (ready < 0 && errno != EINTR) {
      spdlog::error("nexthop: poll failed: {}", std::strerror(errno));
      break;
    }
    if (stopping_) break;
    if (ready > 0 && (fds[0].revents & POLLIN)) {
      uint64_t count;
      [[maybe_unused]] auto n = read(wake_fd_, &count, sizeof count);
      resolve_pass(Pass::kNew, {});
    }
    if (ready > 0 && (fds[1].revents & POLLIN)) {
      RtnlChanges changes = event_sock_->drain();
      if (changes.everything)
        resolve_pass(Pass::kEverything, {});
      else if (changes.anything)
        resolve_pass(Pass::kNew, changes.neighbours);
    }
    if (Clock::now() >= next_retry) {
      resolve_pass(Pass::kUnresolved, {});
      next_retry = Clock::now() + kRetryInterval;
    }
  }
}

std::vector<NextHopResolver::Work> NextHopResolver::pass_work(
    Pass pass, const std::vector<IpAddr>& changed_neighbours) {
  std::vector<Work> work;
  if (pass == Pass::kNew) {
    std::vector<IpAddr> fresh;
    {
      std::unique_lock lock(mutex_);
      fresh.swap(fresh_);
    }
    for (IpAddr& target : fresh) work.push_back({std::move(target), std::nullopt});
  }
  if (pass == Pass::kNew && changed_neighbours.empty()) return work;
  const std::unordered_set<IpAddr, IpAddrHash> neighbours(changed_neighbours.begin(),
                                                          changed_neighbours.end());
  std::shared_lock lock(mutex_);
  for (const auto& [target, tracked] : targets_) {
    const bool wanted = pass == Pass::kEverything ||
                        (pass == Pass::kUnresolved && retry_wanted(tracked)) ||
                        (tracked.resolved_once && neighbours.count(tracked.result.via) != 0);
    if (!wanted) continue;
    const bool route_known = tracked.resolved_once && tracked.result.ifindex != 0;
    work.push_back({target, pass != Pass::kEverything && route_known
                                ? std::optional<NextHop>(tracked.result)
                                : std::nullopt});
  }
  return work;
}

bool NextHopResolver::store_results(std::vector<std::pair<IpAddr, NextHop>>& results) {
  // In chunks, so a pass over every target never holds a lookup back for long.
  constexpr size_t kChunk = 256;
  bool changed = false;
  for (size_t from = 0; from < results.size(); from += kChunk) {
    std::unique_lock lock(mutex_);
    for (size_t i = from; i < std::min(results.size(), from + kChunk); ++i) {
      auto& [target, nh] = results[i];
      auto it = targets_.find(target);
      if (it == targets_.end()) continue;  // no longer tracked
      Tracked& tracked = it->second;
      if (!same_resolution(tracked.result, nh)) changed = true;
      tracked.result = std::move(nh);
      tracked.resolved_once = true;
    }
  }
  return changed;
}

void NextHopResolver::resolve_pass(Pass pass, const std::vector<IpAddr>& changed_neighbours) {
  std::vector<Work> work = pass_work(pass, changed_neighbours);
  const bool retrying = pass == Pass::kUnresolved;
  if (retrying) ++retry_passes_;
  if (pass == Pass::kEverything) ++full_passes_;
  // Only a pass over everything asks for routes again when a target's route is already known
  // (a route, link or address change is the event that starts one). The retry tick and a
  // neighbour's change ask only about the gateway, and each gateway once: the members behind
  // one silent gateway cost one query (and at most one probe) a tick between them, not two
  // queries each, and so does each state change of its neighbour entry.
  std::map<std::pair<int, IpAddr>, std::optional<NextHop>> gateways;
  // Netlink round trips happen without the lock so lookups never wait on the kernel.
  std::vector<std::pair<IpAddr, NextHop>> results;
  for (auto& [target, last] : work) {
    if (stopping_) return;
    std::optional<NextHop> nh;
    if (last) {
      auto [gateway, first] = gateways.try_emplace({last->ifindex, last->via});
      if (first && resolve_neighbour(*last, retrying)) gateway->second = std::move(last);
      nh = gateway->second;
    } else {
      nh = resolve_one(target, retrying);
    }
    if (nh) results.emplace_back(target, std::move(*nh));
  }
  if (store_results(results) && on_change_) {
    try {
      on_change_();
    } catch (const std::exception& e) {
      spdlog::error("nexthop: on_change handler threw: {}", e.what());
    }
  }
}

std::optional<NextHop> NextHopResolver::resolve_one(const IpAddr& target, bool retrying) {
  NextHop nh;
  ++route_queries_;
  RouteAnswer route = query_route(*query_sock_, target);
  if (route.status == RouteAnswer::Status::kError) {
    spdlog::error("nexthop: route lookup for {} failed: {}", target.to_string(),
                  std::strerror(-route.error));
    return std::nullopt;
  }
  if (route.status == RouteAnswer::Status::kNoRoute) return nh;

  nh.via = route.via;
  nh.ifindex = route.ifindex;
  nh.ifname = interface_name(route.ifindex);
  if (!resolve_neighbour(nh, retrying)) return std::nullopt;
  return nh;
}

bool NextHopResolver::resolve_neighbour(NextHop& nh, bool retrying) {
  nh.resolved = false;
  nh.mac = {};
  ++neighbour_queries_;
  NeighbourAnswer neighbour = query_neighbour(*query_sock_, nh.ifindex, nh.via);
  switch (neighbour.status) {
    case NeighbourAnswer::Status::kValid:
      nh.mac = neighbour.mac;
      nh.resolved = true;
      return true;
    case NeighbourAnswer::Status::kError:
      spdlog::error("nexthop: neighbour lookup for {} on {} failed: {}", nh.via.to_string(),
                    nh.ifname, std::strerror(-neighbour.error));
      return false;
    case NeighbourAnswer::Status::kMissing:
    case NeighbourAnswer::Status::kUnusable:
      break;
  }

  // Asking only when no probe is running means a request cannot feed on its own
  // notifications: it turns a missing entry into INCOMPLETE, which is never asked for again.
  // INCOMPLETE: the kernel is already probing. NOARP/PERMANENT without a MAC (e.g. a tunnel
  // device) will never resolve. FAILED: probed and unanswered; try again on the retry tick so
  // a silent member costs one probe round per interval, not a continuous stream.
  const uint16_t state =
      neighbour.status == NeighbourAnswer::Status::kMissing ? 0 : neighbour.nud_state;
  if (state & (NUD_INCOMPLETE | NUD_NOARP | NUD_PERMANENT)) return true;
  if ((state & NUD_FAILED) && !retrying) return true;
  int err = request_neighbour_resolution(*query_sock_, nh.ifindex, nh.via);
  if (err != 0)
    spdlog::warn("nexthop: asking the kernel to resolve {} on {} failed: {}", nh.via.to_string(),
                 nh.ifname, std::strerror(-err));
  return true;
}

}  // namespace vxsn
