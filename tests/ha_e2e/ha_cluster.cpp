#include "tests/ha_e2e/ha_cluster.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vxsn::hae2e {

namespace {

constexpr int kPublishPort = 7801;
constexpr int kSnapshotPort = 7802;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

}  // namespace

// The build bakes in where the binaries are; the environment may override (installed runs).
std::string vxsnd_path() {
  const char* p = std::getenv("VXSND");
  return p ? p : VXSND_PATH;
}

std::string vxsnctl_path() {
  const char* p = std::getenv("VXSNCTL");
  return p ? p : VXSNCTL_PATH;
}

HaCluster::HaCluster(std::vector<NodeSpec> specs, ClusterTimers timers)
    : specs_(std::move(specs)), timers_(timers), fabric_(static_cast<int>(specs_.size())) {
  char tmpl[] = "/tmp/vxsn-hae2e-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  processes_.resize(specs_.size());
  try {
    std::filesystem::create_directories(dir_ + "/keys");
    for (int i = 0; i < size(); ++i) std::filesystem::create_directories(node_dir(i));
    write_keys();
    for (int i = 0; i < size(); ++i) std::ofstream(config_path(i)) << config_text(i);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
}

HaCluster::~HaCluster() {
  processes_.clear();  // stops the daemons before their namespaces go
  if (!std::getenv("VXSN_HAE2E_KEEP")) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string HaCluster::node_dir(int i) const {
  return dir_ + "/" + specs_.at(i).name;
}
std::string HaCluster::config_path(int i) const {
  return node_dir(i) + "/vxsnd.toml";
}
std::string HaCluster::publish_endpoint(int i) const {
  return "tcp://" + fabric_.address(i) + ":" + std::to_string(kPublishPort);
}

// "<name>" is the pair the others are told about; "<name>-real" the one a wrong_key node
// actually runs with.
std::string HaCluster::key_prefix(int i, bool real) const {
  return dir_ + "/keys/" + specs_.at(i).name + (real && specs_.at(i).wrong_key ? "-real" : "");
}

void HaCluster::write_keys() {
  for (int i = 0; i < size(); ++i) {
    for (bool real : {false, true}) {
      if (real && !specs_[i].wrong_key) continue;
      const std::string prefix = key_prefix(i, real);
      std::string out;
      if (run_command(vxsnctl_path() + " keygen " + prefix, &out) != 0)
        throw std::runtime_error("vxsnctl keygen failed: " + out);
      // The printed key and the .pub file must agree: the peers' configs use the file.
      if (trim(read_file(prefix + ".pub")) != trim(out))
        throw std::runtime_error("vxsnctl keygen printed '" + out + "' but wrote '" +
                                 read_file(prefix + ".pub") + "'");
    }
  }
}

std::string HaCluster::public_key_of(int i) const {
  return trim(read_file(key_prefix(i, /*real=*/false) + ".pub"));
}

std::string HaCluster::config_text(int i) const {
  const NodeSpec& me = specs_.at(i);
  std::ostringstream c;
  c << "[node]\nid = \"" << me.name << "\"\nservice_addresses = [\"" << service_address(i)
    << "\"]\n\n"
    // A port that needs no traffic and no kernel interface: this suite tests the control
    // plane; the flood lists reach the datapath's table like any other entry.
    << "[[port]]\ndevice = \"net_ring0\"\n\n"
    << "[table]\nlearning = false\n\n"
    << "[api]\nsocket = \"" << node_dir(i)
    << "/api.sock\"\n\n"
    // Each node's Prometheus endpoint on its own namespace's loopback.
    << "[metrics]\nlisten = " << kMetricsPort << "\n\n"
    << "[log]\nlevel = \"info\"\nstats_file = \"" << node_dir(i)
    << "/stats.json\"\nstats_interval_ms = 100\n\n";
  c << "[ha]\nnode_id = \"" << me.name << "\"\npublish = \"" << publish_endpoint(i)
    << "\"\nsnapshot = \"tcp://" << fabric_.address(i) << ":" << kSnapshotPort
    << "\"\n"
    // Relative to the config file's directory, as operators will write it.
    << "secret_key_file = \"../keys/" << specs_[i].name << (me.wrong_key ? "-real" : "")
    << ".key\"\n"
    << "heartbeat_interval_ms = " << timers_.heartbeat_interval_ms
    << "\ndead_interval_ms = " << timers_.dead_interval_ms << "\n\n";
  for (int p = 0; p < size(); ++p) {
    if (p == i) continue;
    // Trusted nodes list every other node the test wants them to know; an untrusted node
    // lists everyone but nobody lists it.
    if (!specs_[p].trusted) continue;
    c << "[[ha.peers]]\nname = \"" << specs_[p].name << "\"\npublish = \"" << publish_endpoint(p)
      << "\"\nsnapshot = \"tcp://" << fabric_.address(p) << ":" << kSnapshotPort << "\"\n";
    // Both spellings of a peer's key are accepted: inline for some, a file for others.
    if (p % 2 == 0)
      c << "public_key = \"" << public_key_of(p) << "\"\n\n";
    else
      c << "public_key_file = \"../keys/" << specs_[p].name << ".pub\"\n\n";
  }
  return c.str();
}

bool HaCluster::start(int i, std::string* why, std::chrono::milliseconds timeout) {
  processes_.at(i).reset();
  std::filesystem::remove(node_dir(i) + "/stats.json");
  std::filesystem::remove(node_dir(i) + "/api.sock");  // a killed node's: wait for the new one
  std::ofstream(node_dir(i) + "/vxsnd.log", std::ios::app)
      << "---- test harness: starting " << specs_[i].name << " ----\n";
  processes_[i] = std::make_unique<NodeProcess>(
      fabric_.node_ns(i), std::vector<std::string>{vxsnd_path(), "--config", config_path(i)},
      node_dir(i) + "/vxsnd.log");
  bool ok = wait_for(
      [&] {
        if (!processes_[i]->running()) return true;  // reported below
        // Not before the socket exists: a refused connect makes Thrift log an error.
        if (!std::filesystem::exists(node_dir(i) + "/api.sock")) return false;
        try {
          api::NodeInfo info;
          (*client(i))->getInfo(info);
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      timeout, std::chrono::milliseconds(50));
  ok = ok && processes_[i]->running();
  if (!ok && why) *why = specs_[i].name + " did not start:\n" + log(i);
  return ok;
}

void HaCluster::kill_hard(int i) {
  if (processes_.at(i)) processes_[i]->kill_hard();
}

bool HaCluster::running(int i) {
  return processes_.at(i) && processes_[i]->running();
}

std::unique_ptr<ApiClient> HaCluster::client(int i) const {
  ConnectOptions o;
  o.socket_path = node_dir(i) + "/api.sock";
  o.timeout_ms = 10000;
  return std::make_unique<ApiClient>(o);
}

nlohmann::json HaCluster::stats(int i) const {
  std::ifstream in(node_dir(i) + "/stats.json");
  if (!in) return nlohmann::json::object();
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json::object();
  }
}

std::string HaCluster::log(int i) const {
  return read_file(node_dir(i) + "/vxsnd.log");
}

}  // namespace vxsn::hae2e
