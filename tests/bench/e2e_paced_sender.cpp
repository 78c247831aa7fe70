#include "tests/bench/e2e_paced_sender.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

namespace vxsn::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr unsigned kBurst = 16;  // datagrams per sendmmsg; pacing is per burst

sockaddr_in ipv4(const std::string& address, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1)
    throw std::runtime_error("not an IPv4 address: " + address);
  return a;
}

PacedResult send_in_namespace(const PacedSend& job) {
  if (job.cpu >= 0) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(job.cpu, &one);
    if (::pthread_setaffinity_np(::pthread_self(), sizeof one, &one) != 0)
      throw std::runtime_error("cannot pin the sender to CPU " + std::to_string(job.cpu));
  }
  const int ns = ::open(("/var/run/netns/" + job.netns).c_str(), O_RDONLY);
  if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0)  // this thread only
    throw std::runtime_error("cannot enter namespace " + job.netns);
  ::close(ns);
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in src = ipv4(job.source, 0), dst = ipv4(job.service, 4789);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
    throw std::runtime_error("cannot bind " + job.source);
  iovec iov{const_cast<uint8_t*>(job.datagram.data()), job.datagram.size()};
  mmsghdr burst[kBurst]{};
  for (auto& m : burst) {
    m.msg_hdr.msg_name = &dst;
    m.msg_hdr.msg_namelen = sizeof dst;
    m.msg_hdr.msg_iov = &iov;
    m.msg_hdr.msg_iovlen = 1;
  }
  PacedResult result;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(job.seconds);
  const auto gap =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kBurst / job.rate));
  auto next = start;
  while (next < end) {
    std::this_thread::sleep_until(next);
    int sent = ::sendmmsg(fd, burst, kBurst, 0);
    if (sent > 0) result.sent += static_cast<unsigned>(sent);
    next += gap;
    // A sender that fell behind (a busy CPU) does not catch up in one burst storm.
    if (Clock::now() - next > std::chrono::milliseconds(50)) next = Clock::now();
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  return result;
}

}  // namespace

PacedResult send_paced(const PacedSend& job) {
  PacedResult result;
  std::exception_ptr error;
  std::thread sender([&] {
    try {
      result = send_in_namespace(job);
    } catch (...) {
      error = std::current_exception();
    }
  });
  sender.join();
  if (error) std::rethrow_exception(error);
  return result;
}

std::vector<uint8_t> vxlan_datagram(uint32_t vni, size_t inner_len) {
  // VXLAN header (I flag, VNI), then a broadcast inner Ethernet frame (ARP-typed, padded
  // with a pattern).
  std::vector<uint8_t> d(8 + inner_len);
  for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<uint8_t>(i);
  const uint8_t header[8 + 14] = {0x08,
                                  0,
                                  0,
                                  0,
                                  uint8_t(vni >> 16),
                                  uint8_t(vni >> 8),
                                  uint8_t(vni),
                                  0,
                                  0xff,
                                  0xff,
                                  0xff,
                                  0xff,
                                  0xff,
                                  0xff,
                                  0x02,
                                  0x16,
                                  0,
                                  0,
                                  0,
                                  1,
                                  0x08,
                                  0x06};
  std::memcpy(d.data(), header, sizeof header);
  return d;
}

}  // namespace vxsn::test
