// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
// XDP steering for the af_xdp PMD: the datapath's VXLAN frames go to the AF_XDP socket of
// the receiving queue; everything else (ARP, ND, ping, SSH, the registration port) passes
// to the kernel unchanged, so the node keeps its kernel IP stack on the same interface.
//
// Redirected: Ethernet [one 802.1Q tag] / IPv4 (first or only fragment) or IPv6 (UDP as
// the first next header) / UDP with destination port VXSN_VXLAN_PORT.
// A non-default port is set at build time: cmake -DVXSN_VXLAN_PORT=<port> (the af_xdp PMD
// loads the object file as it is, so it cannot be patched at load time).
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

#ifndef VXSN_VXLAN_PORT
#define VXSN_VXLAN_PORT 4789
#endif

// The af_xdp PMD looks the map up by this name and inserts its socket at the queue index.
struct {
  __uint(type, BPF_MAP_TYPE_XSKMAP);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u32);
} xsks_map SEC(".maps");

struct vlan_tag {
  __be16 tci;
  __be16 encapsulated_proto;
};

#define IPV4_FRAGMENT_OFFSET_MASK 0x1fff

// The UDP header of an IPv4/IPv6 packet starting at l3, or NULL if there is none.
static __always_inline struct udphdr* udp_header(void* l3, void* end, __be16 proto) {
  if (proto == bpf_htons(ETH_P_IP)) {
    struct iphdr* ip = l3;
    if ((void*)(ip + 1) > end || ip->protocol != IPPROTO_UDP || ip->ihl < 5) return NULL;
    // Later fragments start with payload, not a UDP header.
    if (ip->frag_off & bpf_htons(IPV4_FRAGMENT_OFFSET_MASK)) return NULL;
    return (struct udphdr*)((__u8*)ip + ip->ihl * 4);
  }
  if (proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr* ip6 = l3;
    if ((void*)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP) return NULL;
    return (struct udphdr*)(ip6 + 1);
  }
  return NULL;
}

SEC("xdp")
int vxsn_steer(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* end = (void*)(long)ctx->data_end;

  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end) return XDP_PASS;
  __be16 proto = eth->h_proto;
  void* l3 = eth + 1;
  if (proto == bpf_htons(ETH_P_8021Q)) {
    struct vlan_tag* tag = l3;
    if ((void*)(tag + 1) > end) return XDP_PASS;
    proto = tag->encapsulated_proto;
    l3 = tag + 1;
  }

  struct udphdr* udp = udp_header(l3, end, proto);
  if (udp == NULL || (void*)(udp + 1) > end) return XDP_PASS;
  if (udp->dest != bpf_htons(VXSN_VXLAN_PORT)) return XDP_PASS;
  // No socket bound on this queue yet: the kernel keeps the frame rather than losing it.
  return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
