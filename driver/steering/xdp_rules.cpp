#include "driver/steering/xdp_rules.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <net/if.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace vxsn {
namespace {

uint8_t encode_action(SteerAction a) {
  switch (a) {
    case SteerAction::kDatapath:
      return VXSN_STEER_DATAPATH;
    case SteerAction::kRegistration:
      return VXSN_STEER_REGISTRATION;
    case SteerAction::kHost:
      return VXSN_STEER_HOST;
    case SteerAction::kDrop:
      return VXSN_STEER_DROP;
  }
  return VXSN_STEER_HOST;
}

uint8_t encode_l3(L3Match l3) {
  switch (l3) {
    case L3Match::kArp:
      return VXSN_L3_ARP;
    case L3Match::kIpv4:
      return VXSN_L3_IPV4;
    case L3Match::kIpv6:
      return VXSN_L3_IPV6;
    case L3Match::kAny:
      break;
  }
  return VXSN_L3_ANY;
}

std::runtime_error bpf_error(const std::string& what) {
  return std::runtime_error("XDP steering: " + what + ": " + std::strerror(errno));
}

}  // namespace

std::vector<vxsn_steer_rule> encode_xdp_rules(const SteeringPolicy& policy) {
  if (policy.rules.size() > VXSN_STEER_MAX_RULES) {
    throw std::invalid_argument(
        "XDP steering: " + std::to_string(policy.rules.size()) + " rules, the program holds " +
        std::to_string(VXSN_STEER_MAX_RULES) + " (fewer service addresses)");
  }
  std::vector<vxsn_steer_rule> out;
  for (const SteerRule& r : policy.rules) {
    vxsn_steer_rule e{};
    e.action = encode_action(r.action);
    e.l3 = encode_l3(r.match.l3);
    e.ip_proto = r.match.ip_proto;
    if (r.match.dst.family != IpAddr::Family::kNone) {
      e.flags |= VXSN_STEER_MATCH_DST;
      std::memcpy(e.dst, r.match.dst.bytes.data(), sizeof e.dst);
    }
    if (r.match.fragment) e.flags |= VXSN_STEER_MATCH_FRAGMENT;
    e.src_port = r.match.src_port;
    e.dst_port = r.match.dst_port;
    out.push_back(e);
  }
  return out;
}

namespace {

uint32_t active_word(const XdpRuleMaps& maps) {
  const uint32_t zero = 0;
  uint32_t word = 0;
  if (bpf_map_lookup_elem(maps.count, &zero, &word) != 0) throw bpf_error("reading the rule count");
  return word;
}

uint32_t bank_base(uint32_t word) {
  return ((word >> VXSN_STEER_BANK_SHIFT) & 1) * VXSN_STEER_MAX_RULES;
}

// Returns once every BPF program run that started before the call has ended. Userspace has
// no synchronize_rcu(), but the kernel runs one inside each update of a map-in-map, so that
// the caller knows no program still uses the inner map it replaced (maybe_wait_bpf_programs
// in kernel/bpf/syscall.c); XDP runs inside an RCU read section, so that wait covers it.
// A throwaway one-slot map of maps is enough: the wait does not depend on who uses it.
void wait_for_running_bpf_programs() {
  struct Fd {
    int fd;
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
  };
  const Fd inner{bpf_map_create(BPF_MAP_TYPE_ARRAY, "vxsn_grace_in", 4, 4, 1, nullptr)};
  if (inner.fd < 0) throw bpf_error("creating the grace-period map");
  LIBBPF_OPTS(bpf_map_create_opts, opts, .inner_map_fd = static_cast<__u32>(inner.fd));
  const Fd outer{bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "vxsn_grace", 4, 4, 1, &opts)};
  if (outer.fd < 0) throw bpf_error("creating the grace-period map");
  const uint32_t zero = 0;
  const uint32_t value = static_cast<uint32_t>(inner.fd);
  if (bpf_map_update_elem(outer.fd, &zero, &value, BPF_ANY) != 0)
    throw bpf_error("waiting for a grace period");
}

std::vector<uint64_t> per_cpu_slots() {
  const int cpus = libbpf_num_possible_cpus();
  return std::vector<uint64_t>(cpus > 0 ? cpus : 1, 0);
}

}  // namespace

void write_xdp_rules(const XdpRuleMaps& maps, const SteeringPolicy& policy) {
  const std::vector<vxsn_steer_rule> rules = encode_xdp_rules(policy);
  // The idle bank held the list before the last flip, and a frame matched against that list
  // may still be reading it: wait until no such run is left, however soon after the last
  // reload this one comes. (Before anything is written, so a failure changes nothing.)
  wait_for_running_bpf_programs();
  // The idle bank: the program reads only the active one.
  const uint32_t bank = ((active_word(maps) >> VXSN_STEER_BANK_SHIFT) & 1) ^ 1;
  const uint32_t base = bank * VXSN_STEER_MAX_RULES;
  const std::vector<uint64_t> zeros = per_cpu_slots();
  for (uint32_t i = 0; i < rules.size(); ++i) {
    const uint32_t slot = base + i;
    if (bpf_map_update_elem(maps.rules, &slot, &rules[i], BPF_ANY) != 0)
      throw bpf_error("writing rule " + std::to_string(i));
    // The new list's hits start at zero (the bank may hold an older list's).
    if (bpf_map_update_elem(maps.hits, &slot, zeros.data(), BPF_ANY) != 0)
      throw bpf_error("clearing the hits of rule " + std::to_string(i));
  }
  // One word: the count and the bank together, so the flip is a single store.
  const uint32_t zero = 0;
  const uint32_t word = static_cast<uint32_t>(rules.size()) | bank << VXSN_STEER_BANK_SHIFT;
  if (bpf_map_update_elem(maps.count, &zero, &word, BPF_ANY) != 0)
    throw bpf_error("writing the rule count");
}

std::vector<uint64_t> read_xdp_hits(const XdpRuleMaps& maps, size_t rules) {
  std::vector<uint64_t> per_cpu = per_cpu_slots();
  std::vector<uint64_t> hits(rules, 0);
  const uint32_t base = bank_base(active_word(maps));
  for (uint32_t i = 0; i < rules; ++i) {
    const uint32_t slot = base + i;
    if (bpf_map_lookup_elem(maps.hits, &slot, per_cpu.data()) != 0) continue;
    for (uint64_t n : per_cpu) hits[i] += n;
  }
  return hits;
}

std::unique_ptr<XdpSteering> XdpSteering::load(const std::string& ifname,
                                               const SteeringPolicy& policy) {
  const unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) throw bpf_error("no interface " + ifname);
  uint32_t prog_id = 0;
  if (bpf_xdp_query_id(static_cast<int>(ifindex), 0, &prog_id) != 0 || prog_id == 0)
    throw std::runtime_error("XDP steering: no XDP program attached to " + ifname);
  const int prog = bpf_prog_get_fd_by_id(prog_id);
  if (prog < 0) throw bpf_error("program " + std::to_string(prog_id));
  uint32_t map_ids[16] = {};
  bpf_prog_info info{};
  info.nr_map_ids = 16;
  info.map_ids = reinterpret_cast<uintptr_t>(map_ids);
  uint32_t len = sizeof info;
  const int rc = bpf_obj_get_info_by_fd(prog, &info, &len);
  ::close(prog);
  if (rc != 0) throw bpf_error("program info of " + ifname);

  std::unique_ptr<XdpSteering> s(new XdpSteering);
  for (uint32_t i = 0; i < info.nr_map_ids && i < 16; ++i) {
    const int fd = bpf_map_get_fd_by_id(map_ids[i]);
    if (fd < 0) continue;
    bpf_map_info mi{};
    uint32_t mlen = sizeof mi;
    int* slot = nullptr;
    if (bpf_obj_get_info_by_fd(fd, &mi, &mlen) == 0) {
      const std::string name = mi.name;
      if (name == "vxsn_rules") slot = &s->maps_.rules;
      if (name == "vxsn_rule_count") slot = &s->maps_.count;
      if (name == "vxsn_rule_hits") slot = &s->maps_.hits;
    }
    if (slot && *slot < 0) {
      *slot = fd;
    } else {
      ::close(fd);
    }
  }
  if (s->maps_.rules < 0 || s->maps_.count < 0 || s->maps_.hits < 0)
    throw std::runtime_error("XDP steering: the program on " + ifname +
                             " is not vxsn's steering program (no vxsn_rules map)");
  s->update(policy);
  return s;
}

void XdpSteering::update(const SteeringPolicy& policy) {
  write_xdp_rules(maps_, policy);
  rules_ = policy.rules.size();
}

XdpSteering::~XdpSteering() {
  for (int fd : {maps_.rules, maps_.count, maps_.hits})
    if (fd >= 0) ::close(fd);
}

}  // namespace vxsn
