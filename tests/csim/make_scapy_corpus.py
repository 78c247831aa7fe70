#!/usr/bin/python3
"""Writes a VXLAN corpus made with scapy (an implementation independent of the project's
own frame builder) for the C-simulation bench: IPv4/IPv6 outer, 802.1Q, sizes across beat
edges, and a few malformed frames. Addresses match tests/csim/csim_fixtures.hpp.

usage: make_scapy_corpus.py OUTPUT.pcap
"""
import sys

from scapy.all import ARP, IP, UDP, Dot1Q, Ether, IPv6, Raw, wrpcap
from scapy.layers.vxlan import VXLAN

SERVICE_V4, SERVICE_V6 = "10.0.0.100", "fd00::100"
SENDERS = ["10.1.0.1", "fd01::1", "10.1.0.77", "fd01::4e"]  # two members, two outsiders


def frame(src, vni=100, vlan=None, pad=0, ttl=64, sport=50000, dport=4789, flags=0x08):
    eth = Ether(dst="02:00:5e:00:00:01", src="02:00:5e:00:00:02")
    if vlan is not None:
        eth = eth / Dot1Q(vlan=vlan, prio=3)
    ip = IPv6(src=src, dst=SERVICE_V6, hlim=ttl) if ":" in src else IP(
        src=src, dst=SERVICE_V4, ttl=ttl, flags="DF")
    inner = Ether(dst="ff:ff:ff:ff:ff:ff", src="52:54:00:12:34:56") / ARP(pdst="192.168.1.1")
    inner = inner / Raw(bytes((i * 13 + len(src)) & 0xFF for i in range(pad)))
    return eth / ip / UDP(sport=sport, dport=dport) / VXLAN(flags=flags, vni=vni) / inner


def main():
    frames = []
    for src in SENDERS:
        for vlan in (None, 42):
            for pad in (0, 1, 17, 18, 19, 63, 64, 65, 1400, 8000):
                frames.append(frame(src, vlan=vlan, pad=pad, sport=40000 + pad))
    # Malformed or unwanted: TTL 0, wrong port, I flag clear, unknown VNI, bad IPv4 checksum.
    frames.append(frame("10.1.0.77", ttl=0))
    frames.append(frame("fd01::4e", dport=4790))
    frames.append(frame("10.1.0.77", flags=0x00))
    frames.append(frame("10.1.0.77", vni=4242))
    bad = frame("10.1.0.1")
    bad[IP].chksum = 0x1234
    frames.append(bad)
    wrpcap(sys.argv[1], frames)


if __name__ == "__main__":
    main()
