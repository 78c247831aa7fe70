#include "tests/bench/e2e_ovs.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace vxsn::test {
namespace {

const char* kSchema = "/usr/share/openvswitch/vswitch.ovsschema";

}  // namespace

std::string OvsFlooder::unavailable() {
  if (run("command -v ovs-vswitchd && command -v ovsdb-server && command -v ovs-ofctl").exit_code)
    return "openvswitch-switch is not installed";
  if (::access(kSchema, R_OK) != 0) return std::string(kSchema) + " is missing";
  return "";
}

CommandResult OvsFlooder::ovs(const std::string& command) const {
  return run("OVS_RUNDIR=" + dir_ + " OVS_DBDIR=" + dir_ + " OVS_LOGDIR=" + dir_ + " " + command +
             " 2>&1");
}

OvsFlooder::OvsFlooder(const Testbed& testbed, std::string member_mac, int pmd_cpu, int other_cpu)
    : dir_("/tmp/" + testbed.prefix() + "-ovs"),
      bridge_(testbed.prefix() + "-ovs"),
      port_(testbed.node_if()),
      member_mac_(std::move(member_mac)),
      node_mac_("02:99:00:00:00:fe"),  // sim/testbed.sh's service node
      service_ip_(testbed.service_ip()) {
  run("rm -rf " + dir_ + " && mkdir -p " + dir_);
  const std::vector<std::string> env{"OVS_RUNDIR=" + dir_, "OVS_DBDIR=" + dir_,
                                     "OVS_LOGDIR=" + dir_};
  const std::string db = " --db=unix:" + dir_ + "/db.sock --timeout=20 ";
  auto fail = [&](const std::string& what, const std::string& output) {
    std::string logs = (ovsdb_ ? ovsdb_->log() : "") + (vswitchd_ ? vswitchd_->log() : "");
    tear_down();
    throw std::runtime_error("OVS set-up failed at " + what + ": " + output + logs);
  };
  // Both daemons in the foreground as this process's children, so they end with it.
  if (CommandResult r = ovs("ovsdb-tool create " + dir_ + "/conf.db " + kSchema); r.exit_code)
    fail("ovsdb-tool create", r.output);
  ovsdb_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"ovsdb-server", dir_ + "/conf.db",
                               "--remote=punix:" + dir_ + "/db.sock",
                               "--unixctl=" + dir_ + "/ovsdb.ctl", "--no-chdir"},
      dir_ + "/ovsdb.log", env);
  if (!wait_until([&] { return ::access((dir_ + "/db.sock").c_str(), F_OK) == 0; },
                  std::chrono::seconds(10)))
    fail("ovsdb-server start", "no socket");
  if (CommandResult r = ovs("ovs-vsctl" + db + "--no-wait init"); r.exit_code)
    fail("ovs-vsctl init", r.output);
  if (pmd_cpu >= 0) {
    std::ostringstream mask;
    mask << std::hex << (1ull << pmd_cpu);
    if (CommandResult r = ovs("ovs-vsctl" + db + "--no-wait set Open_vSwitch . " +
                              "other_config:pmd-cpu-mask=0x" + mask.str());
        r.exit_code)
      fail("pmd-cpu-mask", r.output);
  }
  vswitchd_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"ip", "netns", "exec", testbed.node_ns(), "ovs-vswitchd",
                               "unix:" + dir_ + "/db.sock", "--unixctl=" + dir_ + "/vswitchd.ctl",
                               "--no-chdir", "-vconsole:info"},
      dir_ + "/vswitchd.log", env);
  CommandResult r =
      ovs("ovs-vsctl" + db + "add-br " + bridge_ + " -- set bridge " + bridge_ +
          " datapath_type=netdev protocols=OpenFlow13 fail_mode=secure -- add-port " + bridge_ +
          " " + port_ + " -- set interface " + port_ + " type=afxdp options:n_rxq=1");
  if (r.exit_code) fail("add-br", r.output);
  const bool up = wait_until(
      [&] {
        return ovs("ovs-vsctl" + db + "get interface " + port_ + " ofport").output != "-1\n" &&
               ovs("ovs-vsctl" + db + "get interface " + port_ + " error").output == "[]\n";
      },
      std::chrono::seconds(10));
  if (!up)
    fail("the AF_XDP port", ovs("ovs-vsctl" + db + "get interface " + port_ + " error").output);
  if (pmd_cpu >= 0 && other_cpu >= 0) {
    // Left alone, the scheduler puts the busy main thread beside the PMD whenever the other
    // CPU is busy (with a pinned sender): every thread but the PMDs goes to `other_cpu`.
    const std::string task = "/proc/" + std::to_string(vswitchd_->pid()) + "/task";
    for (const auto& t : std::filesystem::directory_iterator(task)) {
      std::ifstream comm_file(t.path() / "comm");
      std::string comm;
      std::getline(comm_file, comm);
      const int cpu = comm.rfind("pmd", 0) == 0 ? pmd_cpu : other_cpu;
      run("taskset -p -c " + std::to_string(cpu) + " " + t.path().filename().string() +
          " >/dev/null");
    }
  }
}

OvsFlooder::~OvsFlooder() {
  tear_down();
}

void OvsFlooder::tear_down() {
  // The bridge first, so the AF_XDP socket and XDP program leave the interface; then the
  // two daemons (SIGTERM, waited for), then their folder.
  if (vswitchd_)
    ovs("ovs-vsctl --db=unix:" + dir_ + "/db.sock --timeout=10 --if-exists del-br " + bridge_);
  vswitchd_.reset();
  ovsdb_.reset();
  run("rm -rf " + dir_);
}

void OvsFlooder::flood_to(const std::vector<std::string>& members) {
  const std::string ofctl = "ovs-ofctl -O OpenFlow13 ";
  const std::string mgmt = " unix:" + dir_ + "/" + bridge_ + ".mgmt ";
  std::string group = "group_id=1,type=all";
  for (const std::string& member : members)
    group += ",bucket=set_field:" + member_mac_ + "->eth_dst,set_field:" + node_mac_ +
             "->eth_src,dec_ttl,set_field:" + member + "->ip_dst,output:in_port";
  const std::string steps[] = {
      ofctl + "del-flows" + mgmt,
      ofctl + "del-groups" + mgmt,
      ofctl + "add-group" + mgmt + "'" + group + "'",
      ofctl + "add-flow" + mgmt + "'priority=10,in_port=" + port_ + ",udp,nw_dst=" + service_ip_ +
          ",tp_dst=4789,actions=group:1'",
  };
  for (const std::string& step : steps) {
    CommandResult r = ovs(step);
    if (r.exit_code != 0) throw std::runtime_error("'" + step + "': " + r.output);
  }
}

std::string OvsFlooder::port_type() const {
  // The XDP mode OVS chose for the port (native, generic, zero copy), from its own log.
  std::string lines;
  std::istringstream log(vswitchd_->log());
  for (std::string line; std::getline(log, line);)
    if (line.find("netdev_afxdp") != std::string::npos && line.find(" mode") != std::string::npos)
      lines += line + "\n";
  return lines;
}

}  // namespace vxsn::test
