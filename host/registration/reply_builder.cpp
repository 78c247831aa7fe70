#include "host/registration/reply_builder.hpp"

#include <algorithm>
#include <unordered_set>

#include "host/registration/refresh_codec.hpp"

namespace vxsn {
namespace {

constexpr size_t kMaxBinaryCount = 0xFFFF;

class DatagramPacker {
 public:
  DatagramPacker(uint8_t version, uint32_t holdtime, size_t max_payload)
      : max_payload_(max_payload) {
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
  size_t free_bytes() const { return max_payload_ > used_ ? max_payload_ - used_ : 0; }
  size_t empty_free_bytes() const {
    return max_payload_ > header_bytes_ ? max_payload_ - header_bytes_ : 0;
  }
  bool empty() const { return current_.vteps.empty(); }

  void add(VniMembers record, size_t record_bytes) {
    current_.vteps.push_back(std::move(record));
    used_ += record_bytes;
  }

  void flush() {
    out_.push_back(encode_refresh(current_));
    current_ = template_;
    used_ = header_bytes_;
  }

  std::vector<std::vector<uint8_t>> finish() {
    if (!empty() || out_.empty()) flush();
    return std::move(out_);
  }

 private:
  RefreshMessage template_;
  RefreshMessage current_;
  size_t max_payload_;
  size_t header_bytes_ = 0;
  size_t used_ = 0;
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

// Packs one VNI, in as many parts as needed, each part led by the own addresses.
// False if even an empty datagram cannot hold a part that makes progress.
bool pack_vni(DatagramPacker& packer, const ReplyVni& vni) {
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
  do {
    if (refresh_size::record_bytes(version, vni.vni, own_bytes) > packer.free_bytes()) {
      if (packer.empty()) return false;
      packer.flush();
    }
    VniMembers record{vni.vni, {}};
    for (const auto& a : own) record.vteps.push_back(a.address);
    size_t bytes = own_bytes;
    while (next < others.size() && record.vteps.size() < kMaxBinaryCount) {
      const size_t with = bytes + others[next].bytes;
      if (refresh_size::record_bytes(version, vni.vni, with) > packer.free_bytes()) break;
      record.vteps.push_back(others[next++].address);
      bytes = with;
    }
    const bool progressed = record.vteps.size() > own.size() || next == others.size();
    if (!progressed) {
      if (packer.empty()) return false;  // one address does not fit an empty datagram
      packer.flush();
      continue;
    }
    packer.add(std::move(record), refresh_size::record_bytes(version, vni.vni, bytes));
    if (next < others.size()) packer.flush();
  } while (next < others.size());
  return true;
}

}  // namespace

std::vector<std::vector<uint8_t>> build_reply_datagrams(uint8_t version, uint32_t holdtime,
                                                        std::span<const ReplyVni> vnis,
                                                        size_t max_payload) {
  DatagramPacker packer(version, holdtime, max_payload);
  if (packer.empty_free_bytes() == 0) return {};
  for (const ReplyVni& vni : vnis) {
    if (!pack_vni(packer, vni)) return {};
  }
  return packer.finish();
}

size_t max_udp_payload(unsigned mtu, IpAddr::Family family) {
  const size_t headers = (family == IpAddr::Family::kV6 ? 40 : 20) + 8;
  return mtu > headers ? mtu - headers : 0;
}

}  // namespace vxsn
