// An in-memory ManagementBackend for the API server's tests: a small table with limits and
// a policy, and counters the test sets. Its rules are simple enough that each test can say
// what the right answer is without running it.
#pragma once

#include <map>
#include <mutex>

#include "host/api/management_backend.hpp"

namespace vxsn::test {

class FakeBackend : public ManagementBackend {
 public:
  // Limits the tests run into.
  uint32_t max_members_per_vni = 3;
  uint32_t max_vnis = 4;
  // Policy: members of 192.0.2.0/24 (TEST-NET-1) are not permitted.
  static bool permitted(const IpAddr& a) {
    return !(a.is_v4() && a.bytes[0] == 192 && a.bytes[1] == 0 && a.bytes[2] == 2);
  }

  void set_counters(const CountersInfo& c) {
    std::lock_guard lock(mutex_);
    counters_ = c;
  }
  void set_peers(std::vector<PeerInfo> peers) {
    std::lock_guard lock(mutex_);
    peers_ = std::move(peers);
  }
  // Puts a member with any sources straight into the table (registered, learned...).
  void seed(uint32_t vni, const IpAddr& a, uint8_t sources, uint64_t age_s,
            std::optional<uint64_t> expires) {
    std::lock_guard lock(mutex_);
    table_[vni][a] = MemberInfo{a, sources, age_s, expires};
  }
  int reloads() const {
    std::lock_guard lock(mutex_);
    return reloads_;
  }
  bool reload_fails = false;

  NodeStatus node_status() override {
    NodeStatus s;
    s.node_id = "fake-node";
    s.datapath_mode = "software";
    s.uptime_s = 12.5;
    s.service_addresses = {*IpAddr::parse("10.99.0.254"), *IpAddr::parse("fd99::fe")};
    s.vxlan_port = 4789;
    s.table_generation = 7;
    s.max_vnis = max_vnis;
    s.max_members_per_vni = max_members_per_vni;
    s.max_entries = 100;
    std::lock_guard lock(mutex_);
    s.vnis = table_.size();
    for (const auto& [vni, members] : table_) s.members += members.size();
    return s;
  }

  VniPageResult list_vnis(uint32_t after_vni, uint32_t limit) override {
    std::lock_guard lock(mutex_);
    VniPageResult page;
    page.total = table_.size();
    for (auto it = table_.upper_bound(after_vni); it != table_.end(); ++it) {
      if (page.vnis.size() == limit) {
        page.more = true;
        break;
      }
      VniInfo v;
      v.vni = it->first;
      for (const auto& [a, m] : it->second) {
        ++v.members;
        v.static_members += (m.sources & kSourceStatic) != 0;
        v.registered += (m.sources & kSourceRegistered) != 0;
        v.learned += (m.sources & kSourceLearned) != 0;
        v.peer += (m.sources & kSourcePeer) != 0;
      }
      page.vnis.push_back(v);
    }
    return page;
  }

  std::vector<MemberInfo> list_members(uint32_t vni) override {
    std::lock_guard lock(mutex_);
    auto it = table_.find(vni);
    if (it == table_.end())
      throw ManagementError(ManagementErrorCode::kNotFound, "vni",
                            "VNI " + std::to_string(vni) + " has no members");
    std::vector<MemberInfo> out;
    for (const auto& [a, m] : it->second) out.push_back(m);
    return out;
  }

  // All or nothing, like the daemon: every address is checked before any is added.
  std::vector<MemberInfo> add_members(uint32_t vni, const std::vector<IpAddr>& addrs) override {
    for (const IpAddr& a : addrs)
      if (!permitted(a))
        throw ManagementError(ManagementErrorCode::kNotPermitted, "addresses",
                              a.to_string() + " is outside the allow-list");
    std::vector<MemberInfo> out;
    for (const IpAddr& a : addrs) out.push_back(add_member(vni, a));
    return out;
  }

  MemberInfo add_member(uint32_t vni, const IpAddr& a) override {
    std::lock_guard lock(mutex_);
    if (!permitted(a))
      throw ManagementError(ManagementErrorCode::kNotPermitted, "address",
                            a.to_string() + " is outside the allow-list");
    auto it = table_.find(vni);
    if (it == table_.end() && table_.size() >= max_vnis)
      throw ManagementError(ManagementErrorCode::kCapacityExceeded, "max_vnis", "table full",
                            max_vnis, table_.size() + 1);
    if (it != table_.end() && !it->second.count(a) && it->second.size() >= max_members_per_vni)
      throw ManagementError(ManagementErrorCode::kCapacityExceeded, "max_members_per_vni",
                            "VNI full", max_members_per_vni, it->second.size() + 1);
    MemberInfo& m = table_[vni][a];
    m.address = a;
    m.sources |= kSourceStatic;
    return m;
  }

  void remove_member(uint32_t vni, const IpAddr& a) override {
    std::lock_guard lock(mutex_);
    auto it = table_.find(vni);
    if (it == table_.end() || !it->second.count(a))
      throw ManagementError(ManagementErrorCode::kNotFound, "member",
                            a.to_string() + " is not a member of VNI " + std::to_string(vni));
    if (it->second[a].sources == kSourcePeer)
      throw ManagementError(ManagementErrorCode::kNotPermitted, "member", "owned by a peer");
    it->second.erase(a);
    if (it->second.empty()) table_.erase(it);
  }

  void set_storm_control(const StormRule& rule) override {
    std::lock_guard lock(mutex_);
    storm_rules.push_back(rule);
  }
  std::vector<StormRule> storm_rules;

  uint32_t flush_learned(uint32_t vni) override {
    std::lock_guard lock(mutex_);
    auto it = table_.find(vni);
    if (it == table_.end())
      throw ManagementError(ManagementErrorCode::kNotFound, "vni", "no such VNI");
    uint32_t n = 0;
    for (auto m = it->second.begin(); m != it->second.end();) {
      if (m->second.sources & kSourceLearned) {
        ++n;
        m->second.sources &= static_cast<uint8_t>(~kSourceLearned);
      }
      m = m->second.sources ? std::next(m) : it->second.erase(m);
    }
    return n;
  }

  ReplaceOutcome replace_static_members(uint32_t vni, const std::vector<IpAddr>& addrs) override {
    std::lock_guard lock(mutex_);
    for (const IpAddr& a : addrs)
      if (!permitted(a))
        throw ManagementError(ManagementErrorCode::kNotPermitted, "address", "not allowed");
    if (addrs.size() > max_members_per_vni)
      throw ManagementError(ManagementErrorCode::kCapacityExceeded, "max_members_per_vni",
                            "too many", max_members_per_vni, addrs.size());
    ReplaceOutcome r;
    auto& members = table_[vni];
    std::map<IpAddr, bool> wanted;
    for (const IpAddr& a : addrs) wanted[a] = true;
    for (auto m = members.begin(); m != members.end();) {
      if ((m->second.sources & kSourceStatic) && !wanted.count(m->first)) {
        ++r.removed;
        m->second.sources &= static_cast<uint8_t>(~kSourceStatic);
      }
      m = m->second.sources ? std::next(m) : members.erase(m);
    }
    for (const IpAddr& a : addrs) {
      MemberInfo& m = members[a];
      m.address = a;
      if (m.sources & kSourceStatic)
        ++r.kept;
      else
        ++r.added;
      m.sources |= kSourceStatic;
    }
    if (members.empty()) table_.erase(vni);
    return r;
  }

  CountersInfo counters() override {
    std::lock_guard lock(mutex_);
    return counters_;
  }
  std::vector<PeerInfo> peers() override {
    std::lock_guard lock(mutex_);
    return peers_;
  }
  ConfigText running_config() override {
    return {"/etc/vxsn/fake.toml", "[node]\nid = \"fake-node\"\n"};
  }
  ReloadOutcome reload_config() override {
    if (reload_fails)
      throw ManagementError(ManagementErrorCode::kInvalidArgument, "node.ttl",
                            "fake.toml:3: node.ttl: must be 1..255, got 300");
    std::lock_guard lock(mutex_);
    ++reloads_;
    return {8, {"port"}};
  }

 private:
  mutable std::mutex mutex_;
  std::map<uint32_t, std::map<IpAddr, MemberInfo>> table_;
  CountersInfo counters_;
  std::vector<PeerInfo> peers_;
  int reloads_ = 0;
};

}  // namespace vxsn::test
