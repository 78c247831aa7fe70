#include "tests/failover/anycast_testbed.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace vxsn::test {

namespace {

std::string env_value(const std::string& env, const std::string& key) {
  std::istringstream lines(env);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(key + "=", 0) != 0) continue;
    std::string v = line.substr(key.size() + 1);
    if (auto hash = v.find(" #"); hash != std::string::npos) v.resize(hash);
    if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
    return v;
  }
  return {};
}

}  // namespace

double unix_seconds_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

AnycastTestbed::AnycastTestbed(int nodes, int vteps, int vnis) : nodes_(nodes) {
  prefix_ = "a" + std::to_string(::getpid() % 100000);
  CommandResult up = run(script("up --nodes " + std::to_string(nodes) + " --vteps " +
                                std::to_string(vteps) + " --vnis " + std::to_string(vnis)));
  if (up.exit_code != 0) throw std::runtime_error("anycast testbed up failed: " + up.output);
  try {
    std::string env = run(script("env")).output;
    anycast_ = env_value(env, "AC_ANYCAST");
    state_dir_ = env_value(env, "AC_STATE_DIR");
    std::istringstream vteps(env_value(env, "VXSN_TB_VTEP_IPS"));
    for (std::string ip; vteps >> ip;) vtep_ips_.push_back(ip);
    std::istringstream all(env_value(env, "VXSN_TB_TENANTS"));
    for (std::string t; all >> t;) {
      std::istringstream fields(t);
      std::string netns, vni, ip;
      std::getline(fields, netns, ',');
      std::getline(fields, vni, ',');
      std::getline(fields, ip, ',');
      tenants_.push_back({netns, static_cast<uint32_t>(std::stoul(vni)), ip});
    }
    if (anycast_.empty() || state_dir_.empty() || tenants_.empty() || vtep_ips_.empty())
      throw std::runtime_error("anycast testbed env incomplete: " + env);
    for (int k = 1; k <= nodes_; ++k) start_node(k);
    for (int k = 1; k <= nodes_; ++k)
      if (!wait_until([&] { return node_ready(k); }, std::chrono::seconds(30)))
        throw std::runtime_error("node " + std::to_string(k) + " not ready:\n" + node_log(k));
  } catch (...) {
    run(script("down"));
    throw;
  }
}

AnycastTestbed::~AnycastTestbed() {
  run(script("down"));
}

std::string AnycastTestbed::script(const std::string& args) const {
  return source_path("sim/anycast/anycast.sh") + " --prefix " + prefix_ + " --build " + binary("") +
         " " + args;
}

std::string AnycastTestbed::node_dir(int k) const {
  return state_dir_ + "/node" + std::to_string(k);
}

std::vector<Tenant> AnycastTestbed::tenants_of(uint32_t vni) const {
  std::vector<Tenant> out;
  for (const Tenant& t : tenants_)
    if (t.vni == vni) out.push_back(t);
  return out;
}

std::string AnycastTestbed::node_next_hop(int k) const {
  return "10.98." + std::to_string(k) + ".2";
}

std::set<std::string> AnycastTestbed::router_next_hops() const {
  CommandResult r = run("ip -j -n " + prefix_ + "-sn route show " + anycast_ + "/32");
  std::set<std::string> hops;
  nlohmann::json routes = nlohmann::json::parse(r.output, nullptr, false);
  if (!routes.is_array()) return hops;
  for (const auto& route : routes) {
    if (route.contains("gateway")) hops.insert(route["gateway"].get<std::string>());
    if (route.contains("nexthops"))
      for (const auto& nh : route["nexthops"])
        if (nh.contains("gateway")) hops.insert(nh["gateway"].get<std::string>());
  }
  return hops;
}

bool AnycastTestbed::wait_next_hops(const std::set<std::string>& expected,
                                    std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (router_next_hops() == expected) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void AnycastTestbed::start_node(int k) const {
  CommandResult r = run(script("start-node " + std::to_string(k)));
  if (r.exit_code != 0) throw std::runtime_error("start-node failed: " + r.output);
}

void AnycastTestbed::signal_node(int k, const std::string& sig) const {
  CommandResult r = run(script("signal-node " + std::to_string(k) + " " + sig));
  if (r.exit_code != 0) throw std::runtime_error("signal-node failed: " + r.output);
}

bool AnycastTestbed::node_ready(int k) const {
  std::ifstream in(node_dir(k) + "/stats.json");
  nlohmann::json s = nlohmann::json::parse(in, nullptr, false);
  return s.is_object() && s.contains("table") && s["table"]["members"].get<int>() > 0 &&
         s["table"]["unresolved"].get<int>() == 0;
}

uint64_t AnycastTestbed::node_rx_frames(int k) const {
  std::ifstream in(node_dir(k) + "/stats.json");
  nlohmann::json s = nlohmann::json::parse(in, nullptr, false);
  return s.is_object() && s.contains("rx_frames") ? s["rx_frames"].get<uint64_t>() : 0;
}

std::string AnycastTestbed::node_log(int k) const {
  return run("tail -n 30 " + node_dir(k) + "/vxsnd.log " + node_dir(k) + "/health.log").output;
}

std::string AnycastTestbed::node_socket(int k) const {
  return node_dir(k) + "/vxsnd.sock";
}

std::string AnycastTestbed::node_ctl(int k, const std::string& args) const {
  return run(binary("host/ctl/vxsnctl") + " -s " + node_socket(k) + " " + args).output;
}

std::map<std::string, std::set<std::string>> AnycastTestbed::node_members(int k,
                                                                          uint32_t vni) const {
  std::map<std::string, std::set<std::string>> members;
  // In a subshell: run() adds 2>&1, and only stdout is JSON.
  CommandResult r = run("(" + binary("host/ctl/vxsnctl") + " --json -s " + node_socket(k) +
                        " vtep list " + std::to_string(vni) + " 2>/dev/null)");
  nlohmann::json list = nlohmann::json::parse(r.output, nullptr, false);
  if (r.exit_code != 0 || !list.is_array()) return members;
  for (const auto& m : list) {
    auto& sources = members[m.value("address", "")];
    for (const auto& s : m.value("sources", nlohmann::json::array()))
      sources.insert(s.get<std::string>());
  }
  return members;
}

std::map<std::string, std::string> AnycastTestbed::node_peers(int k) const {
  std::map<std::string, std::string> peers;
  CommandResult r = run("(" + binary("host/ctl/vxsnctl") + " --json -s " + node_socket(k) +
                        " peers 2>/dev/null)");
  nlohmann::json list = nlohmann::json::parse(r.output, nullptr, false);
  if (r.exit_code != 0 || !list.is_array()) return peers;
  for (const auto& p : list) peers[p.value("node_id", "")] = p.value("state", "");
  return peers;
}

bool AnycastTestbed::ping(const Tenant& from, const Tenant& to, int wait_s) const {
  std::string cmd = "ip netns exec " + from.netns + " ping -c 1 -W 1 " + to.ip;
  return wait_until([&] { return run(cmd).exit_code == 0; }, std::chrono::seconds(wait_s));
}

PingFlood::PingFlood(const Tenant& from, const Tenant& to, const std::string& log_path)
    : log_path_(log_path) {
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"ip", "netns", "exec", from.netns, "ping", "-D", "-n", "-i", "0.01",
                               "-W", "1", to.ip},
      log_path);
}

PingFlood::~PingFlood() {
  stop();
  ::unlink(log_path_.c_str());
}

void PingFlood::stop() {
  // SIGINT: ping prints its summary and flushes; SIGTERM would lose buffered lines.
  if (!process_->running()) return;
  process_->signal(SIGINT);
  wait_until([&] { return !process_->running(); }, std::chrono::seconds(5));
}

std::vector<double> PingFlood::reply_times() const {
  std::ifstream in(log_path_);
  static const std::regex reply(R"(^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=\d+)");
  std::vector<double> times;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, reply)) times.push_back(std::stod(m[1]));
  }
  return times;
}

int PingFlood::sent() const {
  std::ifstream in(log_path_);
  static const std::regex summary(R"((\d+) packets transmitted)");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, summary)) return std::stoi(m[1]);
  }
  return 0;
}

}  // namespace vxsn::test
