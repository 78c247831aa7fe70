// The management API of a real vxsnd on the testbed (kernel VTEPs in namespaces): every call
// over the daemon's real Unix socket, each typed error, a member added with vxsnctl that
// starts receiving copies, and strangers refused while the node keeps forwarding.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include "tests/api/api_test_support.hpp"
#include "tests/api/security_fixtures.hpp"
#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

constexpr uint16_t kTlsPort = 7911;

// VNI A: VTEPs 1 and 2 (VTEP 3 is left out for the API to add); VNI B: all three.
// Learning is off, so VTEP 3 receives VNI A's copies only once it is made a member, and a
// VNI holds at most 3 members.
class ApiEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pki_.ok()) << pki_.log;
    vni_a_ = tb_.vnis()[0];
    vni_b_ = tb_.vnis()[1];
    NodeOptions o;
    o.members = {{vni_a_, {1, 2}}, {vni_b_, {1, 2, 3}}};
    o.extra_config = "[table]\nmax_members_per_vni = 3\nlearning = false\n\n[api]\nsocket = \"" +
                     socket() + "\"\nsocket_group = \"daemon\"\ntcp_address = \"127.0.0.1\"\n" +
                     "tcp_port = " + std::to_string(kTlsPort) + "\ntls_cert = \"" +
                     pki_.pem("server") + "\"\ntls_key = \"" + pki_.key("server") +
                     "\"\ntls_ca = \"" + pki_.pem("ca") + "\"\n";
    node_ = std::make_unique<Node>(tb_, o);
    ASSERT_TRUE(node_->wait_ready()) << node_->process().log();
    run("ip -n " + tb_.node_ns() + " link set lo up");  // the TLS listener is on loopback
  }
  std::string socket() const { return dir_.file("vxsnd.sock"); }
  std::string vtep(int n) const { return tb_.vtep_ips().at(n - 1); }
  Tenant tenant(int vtep_number, uint32_t vni) const {
    const std::string ns =
        tb_.prefix() + "-t" + std::to_string(vtep_number) + "-" + std::to_string(vni);
    for (const Tenant& t : tb_.tenants())
      if (t.netns == ns) return t;
    throw std::runtime_error("no tenant " + ns);
  }
  ConnectOptions client() const {
    ConnectOptions o;
    o.socket_path = socket();
    return o;
  }
  std::set<std::string> members(ApiClient& c, uint32_t vni) {
    std::vector<api::Member> list;
    c->listMembers(list, static_cast<int32_t>(vni));
    std::set<std::string> out;
    for (const auto& m : list) out.insert(m.address);
    return out;
  }
  CommandResult ctl(const std::string& args) {
    return run(binary("host/ctl/vxsnctl") + " --socket " + socket() + " " + args);
  }
  // vxsnctl inside the node's namespace, over TLS to the loopback listener.
  CommandResult ctl_tls(const std::string& cert, const std::string& args) {
    return run("ip netns exec " + tb_.node_ns() + " " + binary("host/ctl/vxsnctl") +
               " --host 127.0.0.1 --port " + std::to_string(kTlsPort) + " --ca " + pki_.pem("ca") +
               " --cert " + pki_.pem(cert) + " --key " + pki_.key(cert) + " " + args);
  }
  bool table_has(size_t members) const {
    return wait_until(
        [&] {
          auto s = node_->stats();
          return s.contains("table") && s["table"]["members"].get<size_t>() == members &&
                 s["table"]["unresolved"].get<size_t>() == 0;
        },
        10s);
  }

  TempDir dir_;
  Pki pki_{dir_};
  Testbed tb_;
  uint32_t vni_a_ = 0, vni_b_ = 0;
  std::unique_ptr<Node> node_;
};

template <class E, class F>
E expect_throws(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception: " << e.what();
    return E{};
  }
  ADD_FAILURE() << "no exception";
  return E{};
}

TEST_F(ApiEndToEnd, EveryCallAndEachTypedError) {
  ApiClient c(client());
  const int32_t a = static_cast<int32_t>(vni_a_);

  api::NodeInfo info;
  c->getInfo(info);
  EXPECT_EQ(info.api_version_major, 1);
  EXPECT_EQ(info.software_version, "0.1.0");
  EXPECT_EQ(info.node_id, tb_.prefix());
  EXPECT_EQ(info.datapath_mode, "software");
  EXPECT_EQ(info.service_addresses, std::vector<std::string>{tb_.service_ip()});
  EXPECT_EQ(info.vxlan_port, 4789);
  EXPECT_EQ(info.vnis, 2);
  EXPECT_EQ(info.members, 5);
  EXPECT_EQ(info.unresolved_members, 0);
  EXPECT_EQ(info.limits.max_members_per_vni, 3);
  EXPECT_GE(info.table_generation, 1);
  EXPECT_FALSE(info.__isset.card);

  api::VniPage page;
  c->listVnis(page, 0, 10);
  ASSERT_EQ(page.vnis.size(), 2u);
  EXPECT_EQ(page.vnis[0].vni, a);
  EXPECT_EQ(page.vnis[0].members, 2);
  EXPECT_EQ(page.vnis[0].static_members, 2);
  EXPECT_EQ(page.vnis[1].members, 3);
  EXPECT_FALSE(page.more);
  EXPECT_EQ(members(c, vni_a_), (std::set<std::string>{vtep(1), vtep(2)}));

  api::Member added;
  c->addMember(added, a, vtep(3));
  EXPECT_EQ(added.sources, std::vector<api::Source::type>{api::Source::STATIC});
  EXPECT_EQ(members(c, vni_a_), (std::set<std::string>{vtep(1), vtep(2), vtep(3)}));

  auto full = expect_throws<api::CapacityExceeded>([&] { c->addMember(added, a, "10.99.0.77"); });
  EXPECT_EQ(full.limit, "max_members_per_vni");
  EXPECT_EQ(full.capacity, 3);
  EXPECT_EQ(full.requested, 4);
  EXPECT_EQ(members(c, vni_a_).size(), 3u) << "a refused add changes nothing";
  expect_throws<api::NotPermitted>([&] { c->addMember(added, a, tb_.service_ip()); });
  // The service address in its IPv4-mapped IPv6 form meets the same loop guard.
  expect_throws<api::NotPermitted>([&] { c->addMember(added, a, "::ffff:" + tb_.service_ip()); });
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { c->addMember(added, a, "127.0.0.1"); }).field,
            "address");
  EXPECT_TRUE(info.__isset.api) << "getInfo reports the API's connection counters";
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { c->addMember(added, 0, vtep(1)); }).field,
            "vni");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { c->addMember(added, a, "10.99"); }).field,
            "address");
  std::vector<api::Member> list;
  expect_throws<api::NotFound>([&] { c->listMembers(list, 4242); });
  expect_throws<api::NotFound>([&] { c->removeMember(a, "10.99.0.77"); });
  expect_throws<api::NotFound>([&] { c->flushLearned(4242); });

  c->removeMember(a, vtep(3));
  EXPECT_EQ(members(c, vni_a_), (std::set<std::string>{vtep(1), vtep(2)}));
  EXPECT_EQ(c->flushLearned(a), 0);  // learning is off here

  api::ReplaceResult r;
  c->replaceStaticMembers(r, a, {vtep(1), vtep(3)});
  EXPECT_EQ(r.added, 1);
  EXPECT_EQ(r.removed, 1);
  EXPECT_EQ(r.kept, 1);
  EXPECT_EQ(members(c, vni_a_), (std::set<std::string>{vtep(1), vtep(3)}));
  EXPECT_TRUE(table_has(5));

  api::Counters k;
  c->getCounters(k);
  EXPECT_EQ(k.drops.count("unknown_vni"), 1u);
  ASSERT_EQ(k.ports.size(), 1u);
  EXPECT_EQ(k.ports[0].kernel_ifname, tb_.node_if());
  c->resetCounters(k);
  std::vector<api::Peer> peers;
  c->listPeers(peers);
  EXPECT_TRUE(peers.empty());

  // The running config shows the API's change and reads back as a config.
  api::ConfigDump dump;
  c->getConfig(dump);
  EXPECT_EQ(dump.path, node_->config_path());
  Config running = parse_config(dump.toml, "running.toml");
  for (const StaticVni& v : running.vnis)
    if (v.vni == vni_a_) {
      std::set<std::string> m;
      for (const IpAddr& ip : v.members) m.insert(ip.to_string());
      EXPECT_EQ(m, (std::set<std::string>{vtep(1), vtep(3)}));
    }

  // A reload of an unchanged file keeps the API's changes (the file says {1, 2}; the API
  // made it {1, 3}).
  api::ReloadResult reloaded;
  c->reloadConfig(reloaded);
  EXPECT_TRUE(reloaded.restart_required.empty());
  EXPECT_EQ(members(c, vni_a_), (std::set<std::string>{vtep(1), vtep(3)}));
  // A changed file applies its change only: it drops 1 (gone), keeps 2 (the API's removal
  // holds), and the API's 3 stays.
  const std::string good = node_->config_text({{vni_a_, {2}}, {vni_b_, {1, 2, 3}}});
  node_->write_config(good);
  c->reloadConfig(reloaded);
  EXPECT_EQ(members(c, vni_a_), (std::set<std::string>{vtep(3)}));
  node_->write_config("[node]\nttl = 300\n");
  auto bad = expect_throws<api::InvalidArgument>([&] { c->reloadConfig(reloaded); });
  EXPECT_EQ(bad.field, "node.ttl") << bad.message;
  EXPECT_EQ(members(c, vni_a_), (std::set<std::string>{vtep(3)}));
  EXPECT_TRUE(node_->process().running());
  node_->write_config(good);
  EXPECT_NO_THROW(c->reloadConfig(reloaded));
}

TEST_F(ApiEndToEnd, MemberAddedWithVxsnctlReceivesCopies) {
  const Tenant t1 = tenant(1, vni_a_), t3 = tenant(3, vni_a_);
  // VTEP 3 is no member of VNI A: its floods reach VTEP 1, but nothing comes back to it.
  EXPECT_FALSE(tb_.ping(t3, t1)) << "reachable before VTEP 3 was added";

  CommandResult add = ctl("vtep add " + std::to_string(vni_a_) + " " + vtep(3));
  ASSERT_EQ(add.exit_code, 0) << add.output;
  ASSERT_TRUE(table_has(6)) << node_->stats().dump();
  EXPECT_TRUE(tb_.ping(t3, t1, 56, false, 5)) << node_->process().log();
  CommandResult counters = ctl("--json counters");
  ASSERT_EQ(counters.exit_code, 0) << counters.output;
  auto j = nlohmann::json::parse(counters.output);
  for (const auto& v : j["vnis"])
    if (v["vni"] == vni_a_) {
      EXPECT_GT(v["copies_out"].get<int64_t>(), 0);
    }

  CommandResult remove = ctl("vtep remove " + std::to_string(vni_a_) + " " + vtep(3));
  ASSERT_EQ(remove.exit_code, 0) << remove.output;
  ASSERT_TRUE(table_has(5));
  EXPECT_FALSE(tb_.ping(t3, t1)) << "still receiving after removal";
}

TEST_F(ApiEndToEnd, StrangersAreRefusedAndForwardingGoesOn) {
  struct stat st {};
  ASSERT_EQ(::stat(socket().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0660u);
  EXPECT_EQ(st.st_gid, 1u);  // group "daemon"
  EXPECT_EQ(connect_as_nobody(socket(), kNogroup), EACCES);

  // Garbage, a 1 GiB frame and a 1 GiB string: each connection closed with an error.
  auto hostile = [&](const std::string& bytes) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket().c_str(), sizeof addr.sun_path - 1);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval guard{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    std::string reply;
    char buf[512];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) reply.append(buf, static_cast<size_t>(n));
    EXPECT_TRUE(n == 0 || errno == ECONNRESET) << "the daemon kept the connection open";
    EXPECT_NE(reply.find("refused"), std::string::npos);
    ::close(fd);
  };
  hostile("GET / HTTP/1.1\r\n\r\n");
  hostile(std::string("\x40\x00\x00\x00", 4) + std::string(32, 'x'));
  std::string call = std::string("\x80\x01\x00\x01", 4) + std::string("\0\0\0\x09", 4) +
                     "addMember" + std::string("\0\0\0\x01", 4) + std::string("\x0b\0\x02", 3) +
                     std::string("\x40\0\0\0", 4) + "10.0";
  hostile(std::string("\0\0\0", 3) + static_cast<char>(call.size()) + call);

  EXPECT_EQ(ctl_tls("client", "status").exit_code, 0) << ctl_tls("client", "status").output;
  CommandResult rogue = ctl_tls("rogue-client", "status");
  EXPECT_EQ(rogue.exit_code, 3) << rogue.output;

  // The node is alive and still forwarding.
  ASSERT_TRUE(node_->process().running()) << node_->process().log();
  EXPECT_TRUE(tb_.ping(tenant(1, vni_b_), tenant(3, vni_b_), 56, false, 5));
  EXPECT_EQ(ctl("status").exit_code, 0);
}

// With the emulated card the node reports the card's bank, kernel and table occupancy.
TEST(ApiEndToEndEmu, StatusShowsTheCard) {
  TempDir dir;
  Testbed tb;
  NodeOptions o;
  o.extra_config = "[datapath]\nmode = \"emu\"\n\n[api]\nsocket = \"" + dir.file("s.sock") + "\"\n";
  Node node(tb, o);
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  ConnectOptions c;
  c.socket_path = dir.file("s.sock");
  ApiClient client(c);
  api::NodeInfo info;
  client->getInfo(info);
  EXPECT_EQ(info.datapath_mode, "emu");
  ASSERT_TRUE(info.__isset.card);
  EXPECT_EQ(info.card.backend, "emu");
  EXPECT_TRUE(info.card.enabled);
  EXPECT_GE(info.card.table_version, 1);
  ASSERT_EQ(info.card.tables.size(), 2u);
  EXPECT_EQ(info.card.tables[0].name, "vnis");
  EXPECT_EQ(info.card.tables[0].used, 2);  // the testbed's two VNIs
  EXPECT_EQ(info.card.tables[1].name, "members");
  EXPECT_EQ(info.card.tables[1].used, 6);  // three VTEPs in each
  EXPECT_GT(info.card.tables[1].capacity, 6);
}

}  // namespace
}  // namespace vxsn::test
