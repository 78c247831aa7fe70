#include "tests/bench/e2e_naive.hpp"

#include <chrono>
#include <fstream>
#include <stdexcept>

namespace vxsn::test {

NaiveReplicator::NaiveReplicator(const Testbed& tb,
                                 const std::map<uint32_t, std::vector<std::string>>& members,
                                 int cpu)
    : file_("/tmp/" + tb.prefix() + "-naive-members") {
  run("ip -n " + tb.node_ns() + " link set " + tb.node_if() + " xdp off");
  {
    std::ofstream out(file_);
    for (const auto& [vni, addresses] : members) {
      out << vni;
      for (const auto& m : addresses) out << ' ' << m;
      out << '\n';
    }
  }
  std::vector<std::string> command{"ip", "netns", "exec", tb.node_ns()};
  if (cpu >= 0) command.insert(command.end(), {"taskset", "-c", std::to_string(cpu)});
  command.insert(command.end(), {binary("sim/naive_replicator/vxsn-naive-replicator"), "--listen",
                                 tb.service_ip(), "--members", file_});
  process_ = std::make_unique<ChildProcess>(command, file_ + ".log");
  if (!wait_until([&] { return process_->log().find("listening") != std::string::npos; },
                  std::chrono::seconds(10))) {
    const std::string log = process_->log();
    process_.reset();
    run("rm -f " + file_ + " " + file_ + ".log");
    throw std::runtime_error("naive replicator did not start:\n" + log);
  }
}

NaiveReplicator::~NaiveReplicator() {
  process_.reset();
  run("rm -f " + file_ + " " + file_ + ".log");
}

std::string NaiveReplicator::stop() {
  process_->terminate();
  const std::string log = process_->log();
  const auto counters = log.find("counters");
  return counters == std::string::npos ? log : log.substr(counters);
}

}  // namespace vxsn::test
