/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* One rule of the steering policy as the XDP program reads it from its vxsn_rules map.
 * Filled by the loader (driver/steering/xdp_rules.cpp) from the compiled rule list; shared
 * by the BPF program and the C++ loader, so plain C types only. */
#ifndef VXSN_STEER_RULE_H
#define VXSN_STEER_RULE_H

#include <linux/types.h>

#define VXSN_STEER_MAX_RULES 128

/* The rules map holds two banks of VXSN_STEER_MAX_RULES (and so does the hits map): the
 * loader writes a new list into the idle bank, then flips vxsn_rule_count's one word, so
 * a frame is matched against the old list or the new one, never a half-written mix.
 * The word: the active list's length in the low 16 bits, its bank in bit 16. */
#define VXSN_STEER_BANKS 2
#define VXSN_STEER_COUNT_MASK 0xffffu
#define VXSN_STEER_BANK_SHIFT 16

enum vxsn_steer_action {
  VXSN_STEER_DATAPATH = 0,
  VXSN_STEER_REGISTRATION = 1,
  VXSN_STEER_HOST = 2,
  VXSN_STEER_DROP = 3,
};

enum vxsn_steer_l3 { VXSN_L3_ANY = 0, VXSN_L3_ARP = 1, VXSN_L3_IPV4 = 2, VXSN_L3_IPV6 = 3 };

#define VXSN_STEER_MATCH_DST 0x01      /* dst must equal the rule's address */
#define VXSN_STEER_MATCH_FRAGMENT 0x02 /* only IPv4 non-first fragments / IPv6 fragment hdr */

struct vxsn_steer_rule {
  __u8 action;    /* enum vxsn_steer_action */
  __u8 l3;        /* enum vxsn_steer_l3 */
  __u8 ip_proto;  /* 0: any */
  __u8 flags;     /* VXSN_STEER_MATCH_* */
  __u16 src_port; /* host order, 0: any */
  __u16 dst_port; /* host order, 0: any */
  __u8 dst[16];   /* network order; IPv4 in the first 4 bytes */
};

#endif
