#include "host/datapath/flood_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

#include "host/datapath/inet_checksum.hpp"

namespace vxsn {
namespace {

void store_be16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// IPv4 addresses compare by family and all 16 bytes: clear the unused tail.
IpAddr normalized(IpAddr a) {
  if (a.is_v4()) std::fill(a.bytes.begin() + 4, a.bytes.end(), uint8_t{0});
  return a;
}

const IpAddr& own_address(const ReplicationParams& params, IpAddr::Family family) {
  return family == IpAddr::Family::kV4 ? params.own_v4 : params.own_v6;
}

Member make_member(const MemberSpec& spec, const ReplicationParams& params,
                   const std::vector<EgressPort>& ports) {
  Member m;
  m.addr = normalized(spec.addr);
  m.resolved = spec.resolved;
  m.egress_port = spec.egress_port;
  m.refresh_from_traffic = spec.refresh_from_traffic;
  const IpAddr& own = own_address(params, m.addr.family);
  m.has_own_source = own.family == m.addr.family;

  uint8_t* eth = m.outer.data();
  if (m.resolved) {
    std::memcpy(eth, spec.next_hop_mac.bytes.data(), wire::kEthAddrLen);
    std::memcpy(eth + wire::kEthAddrLen, ports[spec.egress_port].mac.bytes.data(),
                wire::kEthAddrLen);
  }
  uint8_t* ip = eth + wire::kEthHeaderLen;
  uint64_t fixed = 0;
  uint8_t* udp;
  if (m.addr.is_v4()) {
    m.ip_header_len = wire::kIpv4HeaderLen;
    store_be16(eth + 12, wire::kEtherTypeIpv4);
    ip[0] = 0x45;                // version 4, IHL 5; TOS 0
    store_be16(ip + 6, 0x4000);  // DF, offset 0; identification stays 0 (DF set: RFC 6864)
    ip[8] = params.ttl;
    ip[9] = wire::kIpProtoUdp;
    if (m.has_own_source) std::memcpy(ip + 12, own.bytes.data(), 4);
    std::memcpy(ip + 16, m.addr.bytes.data(), 4);
    fixed = inet::sum_bytes(ip, 12) + inet::sum_bytes(ip + 16, 4);  // length/checksum zero
    m.own_source_sum = inet::sum_bytes(ip + 12, 4);
    udp = ip + wire::kIpv4HeaderLen;
    store_be16(udp + 2, params.vxlan_port);  // UDP checksum stays 0 over IPv4 (RFC 7348)
  } else {
    m.ip_header_len = wire::kIpv6HeaderLen;
    store_be16(eth + 12, wire::kEtherTypeIpv6);
    ip[0] = 0x60;  // version 6; traffic class and flow label 0
    ip[6] = wire::kIpProtoUdp;
    ip[7] = params.ttl;
    if (m.has_own_source) std::memcpy(ip + 8, own.bytes.data(), 16);
    std::memcpy(ip + 24, m.addr.bytes.data(), 16);
    udp = ip + wire::kIpv6HeaderLen;
    store_be16(udp + 2, params.vxlan_port);
    // Pseudo-header destination and next header, plus the UDP destination port.
    fixed = inet::sum_bytes(ip + 24, 16) + wire::kIpProtoUdp + params.vxlan_port;
    m.own_source_sum = inet::sum_bytes(ip + 8, 16);
  }
  m.fixed_sum = inet::fold(fixed);
  return m;
}

void validate(uint32_t vni, const std::vector<MemberSpec>& members, const ReplicationParams& params,
              const std::vector<EgressPort>& ports) {
  const std::string where = "flood table VNI " + std::to_string(vni) + ": ";
  if (vni > wire::kVniMax) throw std::invalid_argument(where + "VNI exceeds 24 bits");
  std::vector<IpAddr> seen;
  seen.reserve(members.size());
  for (const MemberSpec& spec : members) {
    const IpAddr addr = normalized(spec.addr);
    if (!addr.is_v4() && !addr.is_v6())
      throw std::invalid_argument(where + "member without an address family");
    seen.push_back(addr);
    if (spec.resolved && spec.egress_port >= ports.size())
      throw std::invalid_argument(where + "member " + addr.to_string() + " on egress port " +
                                  std::to_string(spec.egress_port) + " which does not exist");
    if (params.source_mode == SourceIpMode::kOwnAddress &&
        own_address(params, addr.family).family != addr.family)
      throw std::invalid_argument(where + "own-address mode has no own " +
                                  (addr.is_v4() ? "IPv4" : "IPv6") + " address for member " +
                                  addr.to_string());
  }
  // Sorted, not searched per member: a VNI of thousands of members is checked in
  // O(n log n) on every recompile (a linear search each was quadratic: 4000 members cost
  // 8 M comparisons, most of a single API change's time).
  std::sort(seen.begin(), seen.end());
  if (auto twice = std::adjacent_find(seen.begin(), seen.end()); twice != seen.end())
    throw std::invalid_argument(where + "member " + twice->to_string() + " listed twice");
}

}  // namespace

FloodTableBuilder& FloodTableBuilder::set_params(const ReplicationParams& params) {
  params_ = params;
  return *this;
}

FloodTableBuilder& FloodTableBuilder::set_egress_ports(std::vector<EgressPort> ports) {
  ports_ = std::move(ports);
  return *this;
}

FloodTableBuilder& FloodTableBuilder::set_version(uint64_t version) {
  version_ = version;
  return *this;
}

FloodTableBuilder& FloodTableBuilder::add_vni(uint32_t vni, std::vector<MemberSpec> members,
                                              VniCounters* counters, const VniPolicy& policy) {
  vnis_.push_back({vni, std::move(members), counters, policy});
  return *this;
}

FloodTableBuilder& FloodTableBuilder::add_compiled(std::shared_ptr<const CompiledVni> compiled) {
  if (!compiled_.empty() && compiled_.back()->vni >= compiled->vni) compiled_in_order_ = false;
  compiled_.push_back(std::move(compiled));
  return *this;
}

FloodTableBuilder& FloodTableBuilder::reserve(size_t vnis) {
  compiled_.reserve(vnis);
  return *this;
}

std::shared_ptr<const CompiledVni> FloodTableBuilder::compile_vni(
    uint32_t vni, const std::vector<MemberSpec>& members, VniCounters* counters,
    const VniPolicy& policy) const {
  validate(vni, members, params_, ports_);
  auto block = std::make_shared<CompiledVni>();
  block->vni = vni;
  block->counters = counters;
  block->policy = policy;
  block->members.reserve(members.size());
  for (const MemberSpec& spec : members) {
    block->members.push_back(make_member(spec, params_, ports_));
    block->has_ipv6_member |= spec.addr.is_v6();
  }
  return block;
}

std::unique_ptr<FloodTable> FloodTableBuilder::build() const {
  auto table = std::make_unique<FloodTable>();
  table->params_ = params_;
  table->ports_ = ports_;
  table->version_ = version_;
  table->blocks_.reserve(vnis_.size() + compiled_.size());
  for (const PendingVni& v : vnis_)
    table->blocks_.push_back(compile_vni(v.vni, v.members, v.counters, v.policy));
  table->blocks_.insert(table->blocks_.end(), compiled_.begin(), compiled_.end());
  auto& blocks = table->blocks_;
  // Strictly ascending already (the incremental compiler's case): no sort, no duplicates.
  if (!vnis_.empty() || !compiled_in_order_) {
    std::sort(blocks.begin(), blocks.end(),
              [](const auto& a, const auto& b) { return a->vni < b->vni; });
    for (size_t i = 1; i < blocks.size(); ++i) {
      if (blocks[i]->vni == blocks[i - 1]->vni)
        throw std::invalid_argument("flood table VNI " + std::to_string(blocks[i]->vni) +
                                    " added twice");
    }
  }

  table->entries_.reserve(blocks.size());
  for (const auto& b : blocks) {
    VniEntry e;
    e.vni = b->vni;
    e.members = std::span<const Member>(b->members);
    e.counters = b->counters;
    e.has_ipv6_member = b->has_ipv6_member;
    e.policy = b->policy;
    table->entries_.push_back(e);
  }
  const auto& order = table->entries_;

  // Power-of-two slot count, at least twice the VNIs: short probe sequences.
  const size_t capacity = std::max<size_t>(16, std::bit_ceil(order.size() * 2));
  table->slots_.assign(capacity, FloodTable::Slot{});
  table->slot_mask_ = static_cast<uint32_t>(capacity - 1);
  table->slot_shift_ = 32 - static_cast<unsigned>(std::countr_zero(capacity));
  for (uint32_t i = 0; i < table->entries_.size(); ++i) {
    uint32_t s = table->slot_of(table->entries_[i].vni);
    while (table->slots_[s].vni != FloodTable::kEmptySlot) s = (s + 1) & table->slot_mask_;
    table->slots_[s] = {table->entries_[i].vni, i};
  }
  return table;
}

}  // namespace vxsn
