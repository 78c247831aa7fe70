// Keeps the next hop (egress interface + neighbour MAC) of a set of target IPs up to date by
// asking the kernel's routing and neighbour tables, in the network namespace of the thread
// that calls start().
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "driver/net_types.hpp"
#include "host/nexthop/next_hop.hpp"

namespace vxsn {

class NetlinkSocket;
class RtnlEventSocket;

class NextHopResolver {
 public:
  // on_change runs on the resolver's thread whenever the result of any tracked target changes;
  // it must not call stop() or destroy the resolver.
  // Throws std::system_error if no eventfd can be made.
  explicit NextHopResolver(std::function<void()> on_change);
  ~NextHopResolver();
  NextHopResolver(const NextHopResolver&) = delete;
  NextHopResolver& operator=(const NextHopResolver&) = delete;

  // Replaces the tracked set; new targets are resolved promptly once started.
  void set_targets(std::vector<IpAddr> targets);
  // Changes the tracked set by difference (a member added through the API costs its own
  // address, not a rebuild of every target): targets already tracked keep what is known of
  // them, removed ones that were not tracked are ignored.
  void update_targets(const std::vector<IpAddr>& added, const std::vector<IpAddr>& removed);
  // Answers known from before a restart (the state file) for targets the thread has not
  // asked the kernel about yet: a member resolved then is sent to at once instead of after
  // the first pass over every target. The thread still asks for each of them; an answer
  // that differs replaces the seed and is reported like any other change.
  void seed(const std::vector<std::pair<IpAddr, NextHop>>& known);
  // nullopt if the target is not tracked; an unresolved NextHop until it resolves.
  std::optional<NextHop> lookup(const IpAddr& target) const;
  std::vector<std::pair<IpAddr, NextHop>> all() const;

  // What the thread has asked the kernel so far: the cost of its passes (tests of the retry
  // tick read it).
  struct Activity {
    uint64_t route_queries = 0;
    uint64_t neighbour_queries = 0;
    uint64_t retry_passes = 0;  // retry ticks run
    uint64_t full_passes = 0;   // passes over every target (route, link, address changes)
  };
  Activity activity() const;

  // Opens the netlink sockets in the caller's network namespace and starts the thread, which
  // inherits that namespace. Throws std::system_error if netlink is unavailable.
  void start();
  void stop();

 private:
  struct Tracked {
    NextHop result;
    bool resolved_once = false;  // false until the thread has looked at it
  };
  enum class Pass { kNew, kUnresolved, kEverything };

  // Whether the retry tick asks the kernel about `t` again (next_hop_resolver.cpp).
  static bool retry_wanted(const Tracked& t);
  void run();
  void resolve_pass(Pass pass, const std::vector<IpAddr>& changed_neighbours);
  // A target a pass asks the kernel about, with its last answer when that found a route and
  // the pass is not over everything: then only its gateway's neighbour is asked again.
  struct Work {
    IpAddr target;
    std::optional<NextHop> known_route;
  };
  // The targets a pass asks the kernel about. kNew: the fresh ones (never looked at), and
  // with `changed_neighbours` those whose neighbour is one of them (a scan); the others scan
  // every target.
  std::vector<Work> pass_work(Pass pass, const std::vector<IpAddr>& changed_neighbours);
  // Stores a pass's answers; true if any differs from what was known.
  bool store_results(std::vector<std::pair<IpAddr, NextHop>>& results);
  // nullopt when the kernel could not be asked (the previous result then stands). A neighbour
  // whose resolution FAILED is asked for again only when `retrying`, i.e. about once a second.
  std::optional<NextHop> resolve_one(const IpAddr& target, bool retrying);
  // The neighbour half of resolve_one, for `nh`'s interface and gateway: fills in its MAC
  // when known, else asks the kernel to probe as resolve_one does. False when the kernel
  // could not be asked.
  bool resolve_neighbour(NextHop& nh, bool retrying);
  void wake();

  std::function<void()> on_change_;
  // Lookups (the table compile on the control thread) and the resolver's scans only read:
  // they share the lock, so a scan of every target never holds a lookup back. Writers
  // (targets changing, answers stored in chunks) take it alone, briefly.
  mutable std::shared_mutex mutex_;
  std::unordered_map<IpAddr, Tracked, IpAddrHash> targets_;  // guarded by mutex_
  // Targets added since the last kNew pass (guarded by mutex_): a member added through the
  // API costs the resolver its own address, not a scan of every target.
  std::vector<IpAddr> fresh_;

  // Owned by the resolver thread while it runs.
  std::unique_ptr<NetlinkSocket> query_sock_;
  std::unique_ptr<RtnlEventSocket> event_sock_;

  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> route_queries_{0}, neighbour_queries_{0}, retry_passes_{0}, full_passes_{0};
  std::thread thread_;
};

}  // namespace vxsn
