#include "sim/naive_replicator/replicator.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace vxsn::naive {
namespace {

constexpr size_t kVxlanHeader = 8;
constexpr uint8_t kIFlag = 0x08;
constexpr size_t kBufferSize = 16384;  // above a jumbo underlay datagram (9000 + headers)

}  // namespace

std::string Counters::to_string() const {
  char line[256];
  std::snprintf(line, sizeof line,
                "received=%llu sent=%llu dropped_malformed=%llu dropped_unknown_vni=%llu "
                "send_errors=%llu",
                static_cast<unsigned long long>(received), static_cast<unsigned long long>(sent),
                static_cast<unsigned long long>(dropped_malformed),
                static_cast<unsigned long long>(dropped_unknown_vni),
                static_cast<unsigned long long>(send_errors));
  return line;
}

Replicator::Replicator(int fd, const MemberTable& members, unsigned batch)
    : fd_(fd), members_(members), batch_(batch ? batch : 1) {}

void Replicator::run(const volatile std::sig_atomic_t& stop) {
  std::vector<std::vector<uint8_t>> buffers(batch_, std::vector<uint8_t>(kBufferSize));
  std::vector<iovec> in_iov(batch_);
  std::vector<sockaddr_storage> senders(batch_);
  std::vector<mmsghdr> in(batch_);
  std::vector<iovec> out_iov(batch_);
  std::vector<mmsghdr> out;
  while (!stop) {
    for (unsigned i = 0; i < batch_; ++i) {
      in_iov[i] = {buffers[i].data(), buffers[i].size()};
      in[i] = {};
      in[i].msg_hdr.msg_iov = &in_iov[i];
      in[i].msg_hdr.msg_iovlen = 1;
      in[i].msg_hdr.msg_name = &senders[i];
      in[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
    const int got = ::recvmmsg(fd_, in.data(), batch_, MSG_WAITFORONE, nullptr);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "recvmmsg");
    }
    // Every copy of a batch goes out in one sendmmsg loop, pointing at the received bytes.
    out.clear();
    for (int i = 0; i < got; ++i) {
      ++counters_.received;
      const uint8_t* vxlan = buffers[i].data();
      const size_t len = in[i].msg_len;
      if (len < kVxlanHeader || !(vxlan[0] & kIFlag) || (in[i].msg_hdr.msg_flags & MSG_TRUNC)) {
        ++counters_.dropped_malformed;
        continue;
      }
      const uint32_t vni = uint32_t{vxlan[4]} << 16 | uint32_t{vxlan[5]} << 8 | vxlan[6];
      auto members = members_.find(vni);
      if (members == members_.end()) {
        ++counters_.dropped_unknown_vni;
        continue;
      }
      out_iov[i] = {buffers[i].data(), len};
      for (const Endpoint& member : members->second) {
        if (same_endpoint_address(member.addr, senders[i])) continue;  // split horizon
        mmsghdr m{};
        m.msg_hdr.msg_name = const_cast<sockaddr_storage*>(&member.addr);
        m.msg_hdr.msg_namelen = member.len;
        m.msg_hdr.msg_iov = &out_iov[i];
        m.msg_hdr.msg_iovlen = 1;
        out.push_back(m);
      }
    }
    for (size_t first = 0; first < out.size();) {
      const unsigned count = static_cast<unsigned>(std::min<size_t>(out.size() - first, 1024));
      const int sent = ::sendmmsg(fd_, out.data() + first, count, 0);
      if (sent > 0) {
        counters_.sent += static_cast<unsigned>(sent);
        first += static_cast<unsigned>(sent);
      } else if (errno == EINTR) {
        if (stop) break;
      } else {
        ++counters_.send_errors;  // this copy is lost; go on with the next
        ++first;
      }
    }
  }
}

}  // namespace vxsn::naive
