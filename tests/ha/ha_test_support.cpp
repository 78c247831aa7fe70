#include "tests/ha/ha_test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace vxsn::hatest {

void FakeTable::apply_remote(const HaChange& c) {
  {
    std::unique_lock lock(gate_mutex_);
    waiting_ = gate_closed_;
    gate_cv_.wait(lock, [&] { return !gate_closed_; });
    waiting_ = false;
  }
  std::lock_guard lock(mutex_);
  arrivals_[c.key] = std::chrono::steady_clock::now();
  if (c.tombstone)
    entries_.erase(c.key);
  else
    entries_[c.key] = c.value;
}

void FakeTable::put(Replicator& r, const HaKey& k, const HaValue& v) {
  {
    std::lock_guard lock(mutex_);
    entries_[k] = v;
  }
  r.publish_local({k, v, false});
}

void FakeTable::remove(Replicator& r, const HaKey& k) {
  {
    std::lock_guard lock(mutex_);
    entries_.erase(k);
  }
  r.publish_local({k, {}, true});
}

std::map<HaKey, HaValue> FakeTable::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

size_t FakeTable::count_vni(uint32_t vni) const {
  std::lock_guard lock(mutex_);
  return std::count_if(entries_.begin(), entries_.end(),
                       [&](auto& kv) { return kv.first.vni == vni; });
}

std::optional<HaValue> FakeTable::get(const HaKey& k) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(k);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::chrono::steady_clock::time_point> FakeTable::arrived(const HaKey& k) const {
  std::lock_guard lock(mutex_);
  auto it = arrivals_.find(k);
  if (it == arrivals_.end()) return std::nullopt;
  return it->second;
}

void FakeTable::close_gate() {
  std::lock_guard lock(gate_mutex_);
  gate_closed_ = true;
}

void FakeTable::open_gate() {
  {
    std::lock_guard lock(gate_mutex_);
    gate_closed_ = false;
  }
  gate_cv_.notify_all();
}

HaKey key(uint32_t vni, uint32_t index) {
  uint8_t b[4] = {10, static_cast<uint8_t>(index >> 16), static_cast<uint8_t>(index >> 8),
                  static_cast<uint8_t>(index)};
  return {vni, IpAddr::v4(b)};
}

HaValue value(uint8_t sources, uint64_t identifier) {
  HaValue v;
  v.sources = sources;
  v.identifier = identifier;
  return v;
}

namespace {

int listen_loopback(uint16_t port, uint16_t* bound) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("relay: cannot listen");
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  if (bound) *bound = ntohs(a.sin_port);
  return fd;
}

int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool write_all(int fd, const char* p, size_t n) {
  while (n) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

// Below the kernel's ephemeral range (32768 and up by default), so no other test's outgoing
// connection can take the port between this check and the replicator's bind (port 0 would
// hand out an ephemeral one, and ctest -j2 runs other tests meanwhile). Each process
// starts in its own stretch of the range and never hands a port out twice.
uint16_t free_tcp_port() {
  constexpr uint16_t kFirst = 20000, kStretch = 20, kStretches = 600;
  static uint16_t next = kFirst + static_cast<uint16_t>((::getpid() % kStretches) * kStretch);
  for (int tries = 0; tries < kStretch * kStretches; ++tries) {
    const uint16_t port = next;
    next = next + 1 >= kFirst + kStretch * kStretches ? kFirst : next + 1;
    try {
      ::close(listen_loopback(port, nullptr));
      return port;
    } catch (const std::runtime_error&) {
      // in use: try the next
    }
  }
  throw std::runtime_error("no free TCP port below the ephemeral range");
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

RelayHub::RelayHub() : thread_([this] { run(); }) {}

RelayHub::~RelayHub() {
  stop_ = true;
  thread_.join();
  for (auto& c : conns_) ::close(c.fds[0]), ::close(c.fds[1]);
  for (auto& r : routes_) ::close(r.listen_fd);
}

uint16_t RelayHub::add_route(uint16_t target_port, int node_a, int node_b) {
  uint16_t port = 0;
  int fd = listen_loopback(0, &port);
  std::lock_guard lock(mutex_);
  routes_.push_back({fd, target_port, node_a, node_b});
  return port;
}

bool RelayHub::route_cut(const Route& r) const {
  for (int n : cut_nodes_)
    if (r.a == n || r.b == n) return true;
  return false;
}

void RelayHub::cut(int node) {
  std::lock_guard lock(mutex_);
  cut_nodes_.push_back(node);
  std::erase_if(conns_, [&](const Conn& c) {
    if (!route_cut(routes_[c.route])) return false;
    ::close(c.fds[0]);
    ::close(c.fds[1]);
    return true;
  });
}

void RelayHub::heal(int node) {
  std::lock_guard lock(mutex_);
  std::erase(cut_nodes_, node);
}

void RelayHub::run() {
  std::vector<pollfd> pfds;
  char buf[65536];
  while (!stop_) {
    std::unique_lock lock(mutex_);
    pfds.clear();
    for (auto& r : routes_) pfds.push_back({r.listen_fd, POLLIN, 0});
    for (auto& c : conns_) {
      pfds.push_back({c.fds[0], POLLIN, 0});
      pfds.push_back({c.fds[1], POLLIN, 0});
    }
    lock.unlock();
    ::poll(pfds.data(), pfds.size(), 20);
    lock.lock();
    size_t nroutes = routes_.size();
    // Only entries that existed when pfds was built; cut() may have removed connections.
    for (size_t i = 0; i < std::min(nroutes, pfds.size()); ++i) {
      if (!(pfds[i].revents & POLLIN) || pfds[i].fd != routes_[i].listen_fd) continue;
      int in = ::accept4(routes_[i].listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (in < 0) continue;
      int out = route_cut(routes_[i]) ? -1 : connect_loopback(routes_[i].target);
      if (out < 0) {
        ::close(in);
        continue;
      }
      conns_.push_back({{in, out}, i});
    }
    std::vector<size_t> dead;
    for (size_t p = nroutes; p < pfds.size(); ++p) {
      if (!(pfds[p].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      size_t ci = (p - nroutes) / 2;
      int side = static_cast<int>((p - nroutes) % 2);
      if (ci >= conns_.size() || conns_[ci].fds[side] != pfds[p].fd) continue;  // was cut
      ssize_t n = ::recv(pfds[p].fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN) ||
          (n > 0 && !write_all(conns_[ci].fds[1 - side], buf, static_cast<size_t>(n))))
        dead.push_back(ci);
    }
    std::sort(dead.begin(), dead.end());
    dead.erase(std::unique(dead.begin(), dead.end()), dead.end());
    for (auto it = dead.rbegin(); it != dead.rend(); ++it) {
      ::close(conns_[*it].fds[0]);
      ::close(conns_[*it].fds[1]);
      conns_.erase(conns_.begin() + static_cast<long>(*it));
    }
  }
}

Cluster::Cluster(size_t n, bool through_relays) {
  for (size_t i = 0; i < n; ++i) {
    NodeSpec s;
    s.name = "n" + std::to_string(i);
    s.pub_port = free_tcp_port();
    s.snap_port = free_tcp_port();
    s.keys = generate_curve_key_pair();
    nodes.push_back(std::move(s));
  }
  if (through_relays) {
    relays_ = std::make_unique<RelayHub>();
    relay_port_.assign(n, std::vector<std::array<uint16_t, 2>>(n));
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        if (i != j)
          for (int k = 0; k < 2; ++k)
            relay_port_[i][j][k] =
                relays_->add_route(k == 0 ? nodes[j].pub_port : nodes[j].snap_port,
                                   static_cast<int>(i), static_cast<int>(j));
  }
}

HaConfig Cluster::config(size_t i) const {
  auto ep = [](uint16_t port) { return "tcp://127.0.0.1:" + std::to_string(port); };
  HaConfig c;
  c.enabled = true;
  c.node_id = nodes[i].name;
  c.publish_bind = ep(nodes[i].pub_port);
  c.snapshot_bind = ep(nodes[i].snap_port);
  c.secret_key = nodes[i].keys.secret_z85;
  c.public_key = nodes[i].keys.public_z85;
  c.heartbeat_interval_ms = heartbeat_ms;
  c.dead_interval_ms = dead_ms;
  c.tombstone_expiry_ms = 600'000;
  c.refresh_interval_ms = 0;
  for (size_t j = 0; j < nodes.size(); ++j) {
    if (j == i) continue;
    HaPeerConfig p;
    p.name = nodes[j].name;
    p.publish_endpoint = ep(relays_ ? relay_port_[i][j][0] : nodes[j].pub_port);
    p.snapshot_endpoint = ep(relays_ ? relay_port_[i][j][1] : nodes[j].snap_port);
    p.public_key = nodes[j].keys.public_z85;
    c.peers.push_back(std::move(p));
  }
  return c;
}

bool all_peers_up(const Replicator& r) {
  auto ps = r.peers();
  if (ps.size() != r.config().peers.size()) return false;
  return std::all_of(ps.begin(), ps.end(),
                     [](const HaPeerStatus& s) { return s.state == HaPeerState::kUp; });
}

bool same_dump(const std::vector<HaChange>& a, const std::vector<HaChange>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!a[i].same_content(b[i])) return false;
  return true;
}

}  // namespace vxsn::hatest
