// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
// XDP steering for the af_xdp PMD: the steering policy's compiled rule list, interpreted.
// The loader (driver/steering/xdp_rules.cpp) fills vxsn_rules and vxsn_rule_count after
// the PMD attached the program; until then (count 0) every frame passes to the kernel. A
// new list (a reload) goes into the idle bank, then the count word flips to it.
// First matching rule wins: datapath -> the AF_XDP socket of the receiving queue;
// registration and host -> the kernel; drop -> dropped. Hits are counted per rule.
// linux/bpf.h first: libbpf's helper headers need its __u32/__u64 types.
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
// clang-format on
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include "vxsn_steer_rule.h"

// The af_xdp PMD looks the map up by this name and inserts its socket at the queue index.
struct {
  __uint(type, BPF_MAP_TYPE_XSKMAP);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u32);
} xsks_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, VXSN_STEER_BANKS* VXSN_STEER_MAX_RULES);
  __type(key, __u32);
  __type(value, struct vxsn_steer_rule);
} vxsn_rules SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} vxsn_rule_count SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, VXSN_STEER_BANKS* VXSN_STEER_MAX_RULES);
  __type(key, __u32);
  __type(value, __u64);
} vxsn_rule_hits SEC(".maps");

struct vlan_tag {
  __be16 tci;
  __be16 encapsulated_proto;
};

#define IPV4_FRAGMENT_OFFSET_MASK 0x1fff
#define IPV6_NEXT_HEADER_FRAGMENT 44

// The header fields the rules look at (as the software classifier reads them).
struct fields {
  __u8 l3;
  __u8 ip_proto;
  __u8 fragment;
  __u8 has_ports;
  __u16 src_port, dst_port;
  __u8 dst[16];
  __u32 base;     // in: the active bank's first slot
  __u32 matched;  // out: index (in the bank) of the first matching rule
};

static __always_inline void read_ports(void* l4, void* end, struct fields* f) {
  if (f->ip_proto != IPPROTO_UDP && f->ip_proto != IPPROTO_TCP) return;
  __be16* ports = l4;
  if ((void*)(ports + 2) > end) return;
  f->has_ports = 1;
  f->src_port = bpf_ntohs(ports[0]);
  f->dst_port = bpf_ntohs(ports[1]);
}

static __always_inline void read_l3(void* l3, void* end, __be16 proto, struct fields* f) {
  if (proto == bpf_htons(ETH_P_ARP)) {
    f->l3 = VXSN_L3_ARP;
  } else if (proto == bpf_htons(ETH_P_IP)) {
    struct iphdr* ip = l3;
    if ((void*)(ip + 1) > end) return;
    f->l3 = VXSN_L3_IPV4;
    __builtin_memcpy(f->dst, &ip->daddr, 4);
    f->ip_proto = ip->protocol;
    // Later fragments start with payload, not an L4 header.
    f->fragment = (ip->frag_off & bpf_htons(IPV4_FRAGMENT_OFFSET_MASK)) != 0;
    if (!f->fragment && ip->ihl >= 5) read_ports((__u8*)ip + ip->ihl * 4, end, f);
  } else if (proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr* ip6 = l3;
    if ((void*)(ip6 + 1) > end) return;
    f->l3 = VXSN_L3_IPV6;
    __builtin_memcpy(f->dst, &ip6->daddr, 16);
    f->ip_proto = ip6->nexthdr;
    f->fragment = ip6->nexthdr == IPV6_NEXT_HEADER_FRAGMENT;
    read_ports(ip6 + 1, end, f);
  }
}

static __always_inline int same_dst(const __u8* a, const __u8* b) {
  for (int i = 0; i < 16; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

static int match_rule(__u32 index, void* ctx) {
  struct fields* f = ctx;
  __u32 slot = f->base + index;
  struct vxsn_steer_rule* r = bpf_map_lookup_elem(&vxsn_rules, &slot);
  if (!r) return 1;
  if (r->l3 != VXSN_L3_ANY && r->l3 != f->l3) return 0;
  if ((r->flags & VXSN_STEER_MATCH_DST) && !same_dst(r->dst, f->dst)) return 0;
  if (r->ip_proto && r->ip_proto != f->ip_proto) return 0;
  if ((r->flags & VXSN_STEER_MATCH_FRAGMENT) && !f->fragment) return 0;
  if (r->src_port || r->dst_port) {
    if (!f->has_ports) return 0;
    if (r->src_port && r->src_port != f->src_port) return 0;
    if (r->dst_port && r->dst_port != f->dst_port) return 0;
  }
  f->matched = index;
  return 1;  // first match wins
}

SEC("xdp")
int vxsn_steer(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* end = (void*)(long)ctx->data_end;
  __u32 zero = 0;
  __u32* word = bpf_map_lookup_elem(&vxsn_rule_count, &zero);
  if (!word) return XDP_PASS;
  const __u32 active = *(volatile __u32*)word;  // once: the loader may flip it meanwhile
  const __u32 count = active & VXSN_STEER_COUNT_MASK;
  if (count == 0 || count > VXSN_STEER_MAX_RULES) return XDP_PASS;

  struct fields f = {};
  f.base = ((active >> VXSN_STEER_BANK_SHIFT) & 1) * VXSN_STEER_MAX_RULES;
  f.matched = VXSN_STEER_MAX_RULES;  // none
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) <= end) {
    __be16 proto = eth->h_proto;
    void* l3 = eth + 1;
    if (proto == bpf_htons(ETH_P_8021Q)) {
      struct vlan_tag* tag = l3;
      if ((void*)(tag + 1) > end) {
        proto = 0;
      } else {
        proto = tag->encapsulated_proto;
        l3 = tag + 1;
      }
    }
    read_l3(l3, end, proto, &f);
  }
  bpf_loop(count, match_rule, &f, 0);
  if (f.matched >= VXSN_STEER_MAX_RULES) return XDP_PASS;

  __u32 slot = f.base + f.matched;
  __u64* hits = bpf_map_lookup_elem(&vxsn_rule_hits, &slot);
  if (hits) *hits += 1;
  struct vxsn_steer_rule* r = bpf_map_lookup_elem(&vxsn_rules, &slot);
  if (!r) return XDP_PASS;
  if (r->action == VXSN_STEER_DATAPATH)
    // No socket bound on this queue yet: the kernel keeps the frame rather than losing it.
    return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
  if (r->action == VXSN_STEER_DROP) return XDP_DROP;
  return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
