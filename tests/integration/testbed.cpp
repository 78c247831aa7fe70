#include "tests/integration/testbed.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace vxsn::test {

// The build bakes in where the tree and the binaries are; the environment may override.
std::string binary(const std::string& relative) {
  const char* dir = std::getenv("VXSN_BINARY_DIR");
  return std::string(dir ? dir : VXSN_BINARY_DIR) + "/" + relative;
}

std::string source_path(const std::string& relative) {
  const char* dir = std::getenv("VXSN_SOURCE_DIR");
  return std::string(dir ? dir : VXSN_SOURCE_DIR) + "/" + relative;
}

Testbed::Testbed(TestbedOptions options) : options_(options) {
  // Short and unique: interface names are limited to 15 characters.
  prefix_ = "x" + std::to_string(::getpid() % 100000);
  std::string args = "up --vteps " + std::to_string(options.vteps) + " --vnis " +
                     std::to_string(options.vnis) + (options.jumbo ? " --jumbo" : "");
  CommandResult up = run(script(args));
  if (up.exit_code != 0) throw std::runtime_error("testbed up failed: " + up.output);

  CommandResult env = run(script("env"));
  std::istringstream lines(env.output);
  for (std::string line; std::getline(lines, line);) {
    auto value = [&](const std::string& key) -> std::optional<std::string> {
      if (line.rfind(key + "=", 0) != 0) return std::nullopt;
      std::string v = line.substr(key.size() + 1);
      if (auto hash = v.find(" #"); hash != std::string::npos) v.resize(hash);
      if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
      return v;
    };
    if (auto v = value("VXSN_TB_SN_IP")) service_ip_ = *v;
    if (auto v = value("VXSN_TB_VTEP_IPS")) {
      std::istringstream ips(*v);
      for (std::string ip; ips >> ip;) vtep_ips_.push_back(ip);
    }
  }
  CommandResult list = run(script("tenants"));
  std::istringstream tl(list.output);
  for (Tenant t; tl >> t.netns >> t.vni >> t.ip;) tenants_.push_back(t);
  if (service_ip_.empty() || vtep_ips_.empty() || tenants_.empty())
    throw std::runtime_error("testbed env incomplete: " + env.output + list.output);
}

Testbed::~Testbed() {
  run(script("down --kill"));
}

std::string Testbed::script(const std::string& args) const {
  return source_path("sim/testbed.sh") + " --prefix " + prefix_ + " " + args;
}

std::vector<Tenant> Testbed::tenants_of(uint32_t vni) const {
  std::vector<Tenant> out;
  for (const Tenant& t : tenants_)
    if (t.vni == vni) out.push_back(t);
  return out;
}

std::vector<uint32_t> Testbed::vnis() const {
  std::set<uint32_t> s;
  for (const Tenant& t : tenants_) s.insert(t.vni);
  return {s.begin(), s.end()};
}

bool Testbed::ping(const Tenant& from, const Tenant& to, int size, bool dont_fragment,
                   int wait_s) const {
  // One echo per attempt until one is answered or `wait_s` runs out: an ARP entry that
  // failed earlier makes ping give up at once, so a single long ping would not wait.
  std::string cmd = "ip netns exec " + from.netns + " ping -c 1 -W 1 -s " + std::to_string(size) +
                    (dont_fragment ? " -M do " : " ") + to.ip;
  return wait_until([&] { return run(cmd).exit_code == 0; }, std::chrono::seconds(wait_s));
}

Node::Node(const Testbed& testbed, NodeOptions options)
    : testbed_(testbed), options_(std::move(options)) {
  char tmpl[] = "/tmp/vxsnd-test-XXXXXX";
  dir_ = ::mkdtemp(tmpl);
  config_path_ = dir_ + "/vxsnd.toml";
  stats_path_ = dir_ + "/stats.json";
  if (options_.members.empty()) options_.members = every_vtep_in_every_vni();
  write_config(config_text(options_.members));
  restart();
}

void Node::restart() {
  if (process_) run("mv " + dir_ + "/vxsnd.log " + dir_ + "/vxsnd.previous.log");
  process_.reset();
  run("rm -f " + stats_path_);  // the new process's stats only
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"ip", "netns", "exec", testbed_.node_ns(),
                               binary("host/daemon/vxsnd"), "--config", config_path_},
      dir_ + "/vxsnd.log");
}

Node::~Node() {
  process_.reset();
  run("rm -rf " + dir_);
}

Membership Node::every_vtep_in_every_vni() const {
  Membership m;
  for (uint32_t vni : testbed_.vnis())
    for (size_t n = 1; n <= testbed_.vtep_ips().size(); ++n) m[vni].push_back(static_cast<int>(n));
  return m;
}

std::string Node::config_text(const Membership& members) const {
  std::ostringstream c;
  std::string device = options_.port_device.empty() ? "net_af_xdp0,iface=" + testbed_.node_if()
                                                    : options_.port_device;
  c << options_.extra_config << "\n[node]\nid = \"" << testbed_.prefix()
    << "\"\nservice_addresses = [\"" << testbed_.service_ip() << "\"]\n"
    << options_.node_keys << "\n[[port]]\ndevice = \"" << device << "\"\n";
  if (options_.max_frame_len) c << "max_frame_len = " << options_.max_frame_len << "\n";
  c << options_.port_keys << "\n";
  auto vni_table = [&](uint32_t vni, const std::vector<std::string>& addresses) {
    c << "[[vni]]\nid = " << vni << "\nmembers = [";
    for (size_t i = 0; i < addresses.size(); ++i)
      c << (i ? ", " : "") << '"' << addresses[i] << '"';
    c << "]\n\n";
  };
  for (const auto& [vni, vteps] : members) {
    std::vector<std::string> addresses;
    for (int n : vteps) addresses.push_back(testbed_.vtep_ips().at(n - 1));
    vni_table(vni, addresses);
  }
  for (const auto& [vni, addresses] : options_.member_addresses) vni_table(vni, addresses);
  // Each node its own API socket, so nodes of parallel test runs never meet.
  if (options_.extra_config.find("[api]") == std::string::npos)
    c << "[api]\nsocket = \"" << dir_ << "/vxsnd.sock\"\n\n";
  c << "[log]\nlevel = \"info\"\nstats_file = \"" << stats_path_ << "\"\nstats_interval_ms = 100\n";
  return c.str();
}

void Node::write_config(const std::string& toml) const {
  std::ofstream(config_path_, std::ios::trunc) << toml;
}

nlohmann::json Node::stats() const {
  std::ifstream in(stats_path_);
  if (!in) return nlohmann::json::object();
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json::object();
  }
}

nlohmann::json Node::fresh_stats() const {
  // vxsnd rewrites the file every 100 ms: wait for a write that began after this call.
  auto uptime = [&] {
    auto s = stats();
    return s.contains("uptime_s") ? s["uptime_s"].get<double>() : -1.0;
  };
  double now = uptime();
  wait_until([&] { return uptime() > now + 0.25; }, std::chrono::seconds(5));
  return stats();
}

bool Node::wait_ready(std::chrono::milliseconds timeout) const {
  return wait_until(
             [&] {
               if (!process_->running()) return true;  // reported by the check below
               auto s = stats();
               return s.contains("table") && s["table"]["members"].get<int>() > 0 &&
                      s["table"]["unresolved"].get<int>() == 0;
             },
             timeout) &&
         process_->running();
}

uint64_t Node::drop_count(const std::string& reason) const {
  auto s = stats();
  if (!s.contains("drops") || !s["drops"].contains(reason)) return 0;
  return s["drops"][reason].get<uint64_t>();
}

}  // namespace vxsn::test
