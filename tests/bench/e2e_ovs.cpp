#include "tests/bench/e2e_ovs.hpp"

#include <unistd.h>

#include <stdexcept>
#include <thread>

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

OvsFlooder::OvsFlooder(const Testbed& testbed, std::string member_mac)
    : dir_("/tmp/" + testbed.prefix() + "-ovs"),
      bridge_(testbed.prefix() + "-ovs"),
      port_(testbed.node_if()),
      member_mac_(std::move(member_mac)),
      node_mac_("02:99:00:00:00:fe"),  // sim/testbed.sh's service node
      service_ip_(testbed.service_ip()) {
  run("rm -rf " + dir_ + " && mkdir -p " + dir_);
  const std::string db = " --db=unix:" + dir_ + "/db.sock ";
  const std::string steps[] = {
      "ovsdb-tool create " + dir_ + "/conf.db " + kSchema,
      "ovsdb-server " + dir_ + "/conf.db --remote=punix:" + dir_ + "/db.sock --pidfile=" + dir_ +
          "/ovsdb.pid --unixctl=" + dir_ + "/ovsdb.ctl --log-file=" + dir_ +
          "/ovsdb.log --detach --no-chdir",
      "ovs-vsctl" + db + "--no-wait init",
      "ip netns exec " + testbed.node_ns() + " ovs-vswitchd unix:" + dir_ +
          "/db.sock --pidfile=" + dir_ + "/vswitchd.pid --unixctl=" + dir_ +
          "/vswitchd.ctl --log-file=" + dir_ + "/vswitchd.log --detach --no-chdir",
      "ovs-vsctl" + db + "add-br " + bridge_ + " -- set bridge " + bridge_ +
          " datapath_type=netdev protocols=OpenFlow13 fail_mode=secure -- add-port " + bridge_ +
          " " + port_ + " -- set interface " + port_ + " type=afxdp options:n_rxq=1",
  };
  for (const std::string& step : steps) {
    CommandResult r = ovs(step);
    if (r.exit_code != 0) {
      std::string log = ovs("tail -20 " + dir_ + "/vswitchd.log").output;
      tear_down();
      throw std::runtime_error("OVS set-up failed at '" + step + "': " + r.output + log);
    }
  }
  const bool up = wait_until(
      [&] {
        return ovs("ovs-vsctl" + db + "get interface " + port_ + " ofport").output != "-1\n" &&
               ovs("ovs-vsctl" + db + "get interface " + port_ + " error").output == "[]\n";
      },
      std::chrono::seconds(10));
  if (!up) {
    std::string why = ovs("ovs-vsctl" + db + "get interface " + port_ + " error").output +
                      ovs("tail -20 " + dir_ + "/vswitchd.log").output;
    tear_down();
    throw std::runtime_error("OVS AF_XDP port did not come up: " + why);
  }
}

OvsFlooder::~OvsFlooder() {
  tear_down();
}

void OvsFlooder::tear_down() {
  // The bridge first, so the AF_XDP socket and XDP program leave the interface; then the
  // two daemons this instance started (by their pid files), then their folder.
  ovs("ovs-vsctl --db=unix:" + dir_ + "/db.sock --timeout=10 --if-exists del-br " + bridge_);
  for (const char* daemon : {"vswitchd", "ovsdb"}) {
    const std::string pid = dir_ + "/" + daemon + ".pid";
    ovs("test -f " + pid + " && kill $(cat " + pid + ")");
    wait_until([&] { return ovs("test -f " + pid + " && kill -0 $(cat " + pid + ")").exit_code; },
               std::chrono::seconds(5));
  }
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
  CommandResult r = ovs("ovs-appctl -t " + dir_ + "/vswitchd.ctl dpif-netdev/pmd-rxq-show");
  CommandResult mode = ovs("ovs-vsctl --db=unix:" + dir_ + "/db.sock get interface " + port_ +
                           " status:xdp-mode type");
  return mode.output + r.output;
}

}  // namespace vxsn::test
