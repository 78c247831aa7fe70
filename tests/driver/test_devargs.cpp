// The defaults vxsn adds to the operator's EAL device strings.
#include <gtest/gtest.h>

#include "driver/dpdk/devargs.hpp"

namespace vxsn {
namespace {

TEST(Devargs, DeviceNameIsTheTextBeforeTheFirstComma) {
  EXPECT_EQ(devargs_device_name("net_af_xdp0,iface=sn0"), "net_af_xdp0");
  EXPECT_EQ(devargs_device_name("net_ring0"), "net_ring0");
  EXPECT_EQ(devargs_device_name("0000:01:00.0"), "0000:01:00.0");
}

TEST(Devargs, KindFollowsTheDriverPrefixIncludingEthAliases) {
  EXPECT_EQ(devargs_kind("net_af_xdp3,iface=a"), PortKind::kAfXdp);
  EXPECT_EQ(devargs_kind("eth_af_packet0,iface=a"), PortKind::kAfPacket);
  EXPECT_EQ(devargs_kind("net_af_packet1"), PortKind::kAfPacket);
  EXPECT_EQ(devargs_kind("net_ring0"), PortKind::kRing);
  EXPECT_EQ(devargs_kind("net_pcap0,iface=lo"), PortKind::kPcap);
  EXPECT_EQ(devargs_kind("0000:01:00.0"), PortKind::kOther);
}

TEST(Devargs, ValueFindsExactKeysOnly) {
  const char* d = "net_af_packet0,iface=sn0,framesz=16384,qpairs=1";
  EXPECT_EQ(devargs_value(d, "iface"), "sn0");
  EXPECT_EQ(devargs_value(d, "framesz"), "16384");
  EXPECT_EQ(devargs_value(d, "frame"), std::nullopt);
  EXPECT_EQ(devargs_value("net_af_packet0", "iface"), std::nullopt);
  // The device name itself is not a key.
  EXPECT_EQ(devargs_value("iface,x=1", "iface"), std::nullopt);
}

TEST(Devargs, AfXdpGetsSteeringProgramOneQueueAndNoBusyPolling) {
  EXPECT_EQ(complete_devargs("net_af_xdp0,iface=sn0", 9216, "/p/steer.o"),
            "net_af_xdp0,iface=sn0,xdp_prog=/p/steer.o,start_queue=0,queue_count=1,busy_budget=0");
}

TEST(Devargs, AfXdpKeepsTheOperatorsChoices) {
  EXPECT_EQ(complete_devargs(
                "net_af_xdp0,iface=sn0,xdp_prog=/mine.o,queue_count=1,start_queue=2,busy_budget=64",
                9216, "/p/steer.o"),
            "net_af_xdp0,iface=sn0,xdp_prog=/mine.o,queue_count=1,start_queue=2,busy_budget=64");
}

TEST(Devargs, AfPacketGetsJumboRingFramesForFramesAboveTheDefaultRing) {
  EXPECT_EQ(complete_devargs("net_af_packet0,iface=sn0", 9216, "/p"),
            "net_af_packet0,iface=sn0,qpairs=1,blocksz=16384,framesz=16384,framecnt=256");
  // 1518 fits the PMD's default 2048-byte ring frames (1982 bytes of frame).
  EXPECT_EQ(complete_devargs("net_af_packet0,iface=sn0", 1518, "/p"),
            "net_af_packet0,iface=sn0,qpairs=1");
}

TEST(Devargs, AfPacketKeepsAnOperatorFrameSize) {
  EXPECT_EQ(complete_devargs("net_af_packet0,iface=sn0,framesz=4096,blocksz=4096", 9216, "/p"),
            "net_af_packet0,iface=sn0,framesz=4096,blocksz=4096,qpairs=1");
}

TEST(Devargs, OtherDevicesAreProbedAsWritten) {
  EXPECT_EQ(complete_devargs("net_ring0", 9216, "/p"), "net_ring0");
  EXPECT_EQ(complete_devargs("0000:01:00.0", 9216, "/p"), "0000:01:00.0");
}

}  // namespace
}  // namespace vxsn
