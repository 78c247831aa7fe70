#include "tests/bench/node_gen_client.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {

using namespace std::chrono_literals;

GenClient::GenClient(const GenSetup& s) {
  char tmpl[] = "/tmp/vxsn-gen-XXXXXX";
  dir_ = ::mkdtemp(tmpl);
  file_prefix_ = s.file_prefix;
  fifo_ = dir_ + "/commands";
  if (::mkfifo(fifo_.c_str(), 0600) != 0) throw std::runtime_error("mkfifo " + fifo_);
  process_ =
      std::make_unique<ChildProcess>(std::vector<std::string>{"ip",
                                                              "netns",
                                                              "exec",
                                                              s.netns,
                                                              binary("tests/bench/bench_node_gen"),
                                                              "-l",
                                                              std::to_string(s.cpu),
                                                              "--no-huge",
                                                              "-m",
                                                              "256",
                                                              "--no-pci",
                                                              "--no-telemetry",
                                                              "--log-level=notice",
                                                              "--file-prefix",
                                                              s.file_prefix,
                                                              "--vdev",
                                                              s.vdev,
                                                              "--",
                                                              "--commands",
                                                              fifo_,
                                                              "--dst-mac",
                                                              s.dst_mac,
                                                              "--src-mac",
                                                              s.src_mac,
                                                              "--src-ip",
                                                              s.src_ip,
                                                              "--dst-ip",
                                                              s.dst_ip,
                                                              "--vnis",
                                                              std::to_string(s.vnis),
                                                              "--queues",
                                                              std::to_string(s.queues),
                                                              "--inner",
                                                              std::to_string(s.inner)},
                                     dir_ + "/gen.log");
  // The generator opens the FIFO once its port is up; until then opening it fails (ENXIO).
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  while ((fd_ = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK)) < 0) {
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      const std::string log = process_->log();
      remove();  // the destructor does not run for a constructor that throws
      throw std::runtime_error("generator did not start:\n" + log);
    }
    std::this_thread::sleep_for(50ms);
  }
  ::fcntl(fd_, F_SETFL, 0);
}

GenClient::~GenClient() {
  if (fd_ >= 0) {
    const char quit[] = "quit\n";
    (void)!::write(fd_, quit, sizeof quit - 1);
    ::close(fd_);
  }
  remove();
}

void GenClient::remove() {
  process_.reset();  // SIGTERM, then SIGKILL after 10 s
  // memif needs the EAL's multi-process channel, so the EAL keeps a runtime directory.
  vxsn::test::run("rm -rf /var/run/dpdk/" + file_prefix_ + " " + dir_);
}

GenTrial GenClient::run(double rate, double seconds, uint32_t vni_base) {
  const unsigned seq = ++seq_;
  char line[128];
  const int n =
      std::snprintf(line, sizeof line, "run %u %.0f %.3f %u\n", seq, rate, seconds, vni_base);
  if (::write(fd_, line, static_cast<size_t>(n)) != n)
    throw std::runtime_error("generator gone:\n" + process_->log());
  const std::string tag = "result " + std::to_string(seq) + " ";
  std::string log;
  auto answered = [&] {
    log = process_->log();
    return log.find(tag) != std::string::npos || !process_->running();
  };
  if (!wait_until(answered, std::chrono::milliseconds(static_cast<int>(seconds * 1000) + 20000)) ||
      log.find(tag) == std::string::npos)
    throw std::runtime_error("generator gave no result:\n" + log);
  GenTrial t;
  unsigned long long sent = 0, received = 0, refused = 0;
  std::sscanf(log.c_str() + log.find(tag) + tag.size(), "%llu %llu %lf %lf %llu", &sent, &received,
              &t.send_s, &t.last_rx_s, &refused);
  t.sent = sent;
  t.received = received;
  t.refused = refused;
  return t;
}

}  // namespace vxsn::test
