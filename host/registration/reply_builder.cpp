#include "host/registration/reply_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_set>

#include "host/registration/refresh_codec.hpp"

namespace vxsn {
namespace {

constexpr size_t kMaxBinaryCount = 0xFFFF;

// Fills datagrams of at most max_payload bytes, all of them together at most max_total.
class DatagramPacker {
 public:
  DatagramPacker(uint8_t version, uint32_t holdtime, size_t max_payload, size_t max_total)
      : max_payload_(max_payload), max_total_(max_total) {
    template_.version = version;
    template_.originator = false;
    template_.holdtime = holdtime;
    template_.response_type = ResponseType::kNone;
    template_.identifier = 0;
    header_bytes_ = refresh_size::header_bytes(template_);
    current_ = template_;
    used_ = header_bytes_;
  }

  uint8_t version() const { return template_.version; }
  // Room left in the current datagram, within both the MTU and the total budget.
  size_t free_bytes() const { return capacity() > used_ ? capacity() - used_ : 0; }
  // Room in an empty datagram as the MTU allows it (the budget aside).
  size_t empty_free_bytes() const {
    return max_payload_ > header_bytes_ ? max_payload_ - header_bytes_ : 0;
  }
  // The budget, not the MTU, is what limits the current datagram.
  bool budget_bound() const { return capacity() < max_payload_; }
  bool empty() const { return current_.vteps.empty(); }
  bool nothing_packed() const { return empty() && out_.empty(); }

  void add(VniMembers record, size_t record_bytes) {
    current_.vteps.push_back(std::move(record));
    used_ += record_bytes;
  }

  void flush() {
    out_.push_back(encode_refresh(current_));
    spent_ += out_.back().size();
    current_ = template_;
    used_ = header_bytes_;
  }

  // The datagrams; an empty reply is one bare header if the budget holds it.
  std::vector<std::vector<uint8_t>> finish() {
    if (!empty() || (out_.empty() && header_bytes_ <= capacity())) flush();
    return std::move(out_);
  }

 private:
  size_t capacity() const {
    const size_t budget_left = max_total_ > spent_ ? max_total_ - spent_ : 0;
    return std::min(max_payload_, budget_left);
  }

  RefreshMessage template_;
  RefreshMessage current_;
  size_t max_payload_;
  size_t max_total_;
  size_t header_bytes_ = 0;
  size_t used_ = 0;
  size_t spent_ = 0;  // bytes of the datagrams already flushed
  std::vector<std::vector<uint8_t>> out_;
};

struct CostedAddress {
  IpAddr address;
  size_t bytes;
};

// The addresses the version can carry, each once and not already `seen`, in their order, with
// what each adds to a record.
std::vector<CostedAddress> carried(uint8_t version, std::span<const IpAddr> addresses,
                                   std::unordered_set<IpAddr, IpAddrHash>& seen) {
  std::vector<CostedAddress> out;
  for (const IpAddr& a : addresses) {
    const size_t bytes = refresh_size::address_bytes(version, a);
    if (bytes == 0 || !seen.insert(a).second) continue;
    out.push_back({a, bytes});
  }
  return out;
}

size_t total_bytes(const std::vector<CostedAddress>& addresses) {
  size_t sum = 0;
  for (const auto& a : addresses) sum += a.bytes;
  return sum;
}

enum class Packed { kWhole, kOutOfBudget, kTooSmall };

// Packs one VNI, in as many parts as needed, each part led by the own addresses.
Packed pack_vni(DatagramPacker& packer, const ReplyVni& vni) {
  const uint8_t version = packer.version();
  std::unordered_set<IpAddr, IpAddrHash> seen;
  std::vector<CostedAddress> own = carried(version, vni.own, seen);
  std::vector<CostedAddress> others = carried(version, vni.members, seen);
  size_t own_bytes = total_bytes(own);
  size_t biggest_other = 0;
  for (const auto& a : others) biggest_other = std::max(biggest_other, a.bytes);
  // Own addresses too many to repeat in every part and still make room for one more member:
  // list them once, like any member, rather than fail.
  if (refresh_size::record_bytes(version, vni.vni, own_bytes + biggest_other) >
      packer.empty_free_bytes()) {
    others.insert(others.begin(), own.begin(), own.end());
    own.clear();
    own_bytes = 0;
  }

  size_t next = 0;
  for (;;) {
    // One part: the own addresses, then as many others as the datagram has room for.
    VniMembers record{vni.vni, {}};
    for (const auto& a : own) record.vteps.push_back(a.address);
    size_t bytes = own_bytes;
    const bool own_fit =
        refresh_size::record_bytes(version, vni.vni, own_bytes) <= packer.free_bytes();
    while (own_fit && next < others.size() && record.vteps.size() < kMaxBinaryCount) {
      const size_t with = bytes + others[next].bytes;
      if (refresh_size::record_bytes(version, vni.vni, with) > packer.free_bytes()) break;
      record.vteps.push_back(others[next++].address);
      bytes = with;
    }
    const bool progressed = own_fit && (record.vteps.size() > own.size() || next == others.size());
    if (!progressed) {
      if (packer.budget_bound()) {
        // The budget ends the reply here (a fresh datagram would only cost another header).
        // What fits of this VNI still goes: the own addresses, which vxrd needs to see.
        if (own_fit && !record.vteps.empty())
          packer.add(std::move(record), refresh_size::record_bytes(version, vni.vni, bytes));
        return Packed::kOutOfBudget;
      }
      if (packer.empty()) return Packed::kTooSmall;
      packer.flush();  // a fresh datagram may hold the part
      continue;
    }
    packer.add(std::move(record), refresh_size::record_bytes(version, vni.vni, bytes));
    if (next == others.size()) return Packed::kWhole;
    packer.flush();
  }
}

}  // namespace

std::vector<std::vector<uint8_t>> build_reply_datagrams(uint8_t version, uint32_t holdtime,
                                                        std::span<const ReplyVni> vnis,
                                                        size_t max_payload) {
  return build_bounded_reply(version, holdtime, vnis, max_payload, SIZE_MAX).datagrams;
}

BoundedReply build_bounded_reply(uint8_t version, uint32_t holdtime, std::span<const ReplyVni> vnis,
                                 size_t max_payload, size_t max_total) {
  DatagramPacker packer(version, holdtime, max_payload, max_total);
  BoundedReply reply;
  if (packer.empty_free_bytes() == 0) {
    reply.unbuildable = true;
    return reply;
  }
  for (const ReplyVni& vni : vnis) {
    const Packed packed = pack_vni(packer, vni);
    if (packed == Packed::kTooSmall) {
      reply.unbuildable = true;
      return reply;
    }
    if (packed == Packed::kOutOfBudget) {
      reply.truncated = true;
      // Not even the first VNI's own addresses fit: a bare header would tell the requester
      // nothing, so nothing is sent.
      if (packer.nothing_packed()) return reply;
      break;
    }
  }
  reply.datagrams = packer.finish();
  if (reply.datagrams.empty()) reply.truncated = true;  // not even the header fits
  return reply;
}

size_t max_udp_payload(unsigned mtu, IpAddr::Family family) {
  const size_t headers = (family == IpAddr::Family::kV6 ? 40 : 20) + 8;
  return mtu > headers ? mtu - headers : 0;
}

}  // namespace vxsn
