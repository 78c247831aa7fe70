#include "host/datapath/flood_table.hpp"

#include "host/datapath/compiled_vni_edit.hpp"

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
  // The table manager hands members out sorted: then the check is one pass.
  if (!std::is_sorted(seen.begin(), seen.end())) std::sort(seen.begin(), seen.end());
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

std::shared_ptr<const CompiledVni> compile_vni_edit(const ReplicationParams& params,
                                                    const std::vector<EgressPort>& ports,
                                                    const CompiledVni& base, const VniEdit& edit,
                                                    VniCounters* counters,
                                                    const VniPolicy& policy) {
  validate(base.vni, edit.specs, params, ports);
  auto block = std::make_shared<CompiledVni>();
  block->vni = base.vni;
  block->counters = counters;
  block->policy = policy;
  size_t size = edit.specs.size();
  for (const VniEdit::Run& r : edit.runs) size += r.base_end - r.base_begin;
  block->members.reserve(size);
  size_t spec = 0;
  for (const VniEdit::Run& r : edit.runs) {
    block->members.insert(block->members.end(), base.members.begin() + r.base_begin,
                          base.members.begin() + r.base_end);
    for (; spec < r.specs_end; ++spec)
      block->members.push_back(make_member(edit.specs[spec], params, ports));
  }
  if (spec != edit.specs.size())
    throw std::invalid_argument("flood table VNI " + std::to_string(base.vni) +
                                ": an edit whose runs leave specs out");
  for (const Member& m : block->members) block->has_ipv6_member |= m.addr.is_v6();
  return block;
}

std::unique_ptr<FloodTable> FloodTableBuilder::build() const {
  std::vector<std::shared_ptr<const CompiledVni>> blocks;
  blocks.reserve(vnis_.size());
  for (const PendingVni& v : vnis_)
    blocks.push_back(compile_vni(v.vni, v.members, v.counters, v.policy));
  std::sort(blocks.begin(), blocks.end(),
            [](const auto& a, const auto& b) { return a->vni < b->vni; });
  for (size_t i = 1; i < blocks.size(); ++i) {
    if (blocks[i]->vni == blocks[i - 1]->vni)
      throw std::invalid_argument("flood table VNI " + std::to_string(blocks[i]->vni) +
                                  " added twice");
  }
  // Stable per shard: each shard's blocks stay sorted by VNI.
  std::array<std::vector<std::shared_ptr<const CompiledVni>>, FloodTable::kShards> by_shard;
  for (auto& b : blocks) by_shard[FloodTable::shard_of(b->vni)].push_back(std::move(b));
  FloodTable::Shards shards;
  for (unsigned s = 0; s < FloodTable::kShards; ++s)
    if (!by_shard[s].empty()) shards[s] = build_shard(std::move(by_shard[s]));
  return build_from_shards(std::move(shards));
}

std::shared_ptr<const FloodTable::Shard> FloodTableBuilder::build_shard(
    std::vector<std::shared_ptr<const CompiledVni>> blocks) {
  auto shard = std::make_shared<FloodTable::Shard>();
  shard->entries.reserve(blocks.size());
  for (const auto& b : blocks) {
    VniEntry e;
    e.vni = b->vni;
    e.members = std::span<const Member>(b->members);
    e.counters = b->counters;
    e.has_ipv6_member = b->has_ipv6_member;
    e.policy = b->policy;
    shard->entries.push_back(e);
    shard->with_counters += e.counters != nullptr;
  }
  shard->blocks = std::move(blocks);
  // Power-of-two slot count, at least twice the VNIs: short probe sequences.
  const size_t capacity = std::max<size_t>(4, std::bit_ceil(shard->entries.size() * 2));
  shard->slots.assign(capacity, FloodTable::Slot{});
  shard->slot_mask = static_cast<uint32_t>(capacity - 1);
  shard->slot_shift = 32 - static_cast<unsigned>(std::countr_zero(capacity));
  for (uint32_t i = 0; i < shard->entries.size(); ++i) {
    uint32_t s = shard->slot_of(shard->entries[i].vni);
    while (shard->slots[s].vni != FloodTable::Slot::kEmpty) s = (s + 1) & shard->slot_mask;
    shard->slots[s] = {shard->entries[i].vni, i};
  }
  return shard;
}

std::unique_ptr<FloodTable> FloodTableBuilder::build_from_shards(FloodTable::Shards shards) const {
  auto table = std::make_unique<FloodTable>();
  table->params_ = params_;
  table->ports_ = ports_;
  table->version_ = version_;
  table->set_shards(std::move(shards));
  return table;
}

namespace {

// Every empty shard of every table: one slot, empty, so a lookup ends at the first probe.
const std::shared_ptr<const FloodTable::Shard>& empty_shard() {
  static const std::shared_ptr<const FloodTable::Shard> shard = FloodTableBuilder::build_shard({});
  return shard;
}

}  // namespace

FloodTable::FloodTable() {
  set_shards({});
}

void FloodTable::set_shards(Shards shards) {
  shards_ = std::move(shards);
  vni_count_ = counted_vni_count_ = 0;
  for (unsigned s = 0; s < kShards; ++s) {
    if (!shards_[s]) shards_[s] = empty_shard();
    shard_ptrs_[s] = shards_[s].get();
    vni_count_ += shards_[s]->entries.size();
    counted_vni_count_ += shards_[s]->with_counters;
  }
}

std::vector<const VniEntry*> FloodTable::sorted_entries() const {
  std::vector<const VniEntry*> out;
  out.reserve(vni_count_);
  for_each_entry([&](const VniEntry& e) { out.push_back(&e); });
  std::sort(out.begin(), out.end(),
            [](const VniEntry* a, const VniEntry* b) { return a->vni < b->vni; });
  return out;
}

}  // namespace vxsn
