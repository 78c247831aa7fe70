// Runs the hls/ kernels on the CPU the way the card's shell would: table memory with two
// banks, a learn ring, a counter block, control registers, and one kernel call per frame;
// counters are read the way the host reads them (snapshot request, acknowledgement).
// Frames go in as 512-bit beats and copies come back as byte vectors with their egress port.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "driver/card/card_memory.hpp"
#include "driver/net_types.hpp"
#include "hls/control_regs.hpp"
#include "hls/hls_types.hpp"
#include "hls/kernel_streams.hpp"

namespace vxsn::csim {

struct OutputCopy {
  uint16_t egress_port = 0;
  std::vector<uint8_t> bytes;
  bool operator==(const OutputCopy&) const = default;
};

struct LearnEvent {
  uint32_t vni = 0;
  IpAddr src;
  bool vni_known = false;
  uint64_t table_version = 0;
};

class CardHarness {
 public:
  CardHarness();  // memories zeroed, kernel reset, enabled, bank 0, any destination

  void load_bank(unsigned bank, const std::vector<uint8_t>& bank_bytes);
  hw::ControlRegs& regs() { return regs_; }
  void set_service_addresses(std::span<const IpAddr> addrs);

  // One kernel call for one frame; the copies it sent, in order.
  std::vector<OutputCopy> process(std::span<const uint8_t> frame);
  // Many frames queued at once and run back to back (hw::vxsn_datapath_stream), the copies
  // drained afterwards; every frame's copies in order.
  std::vector<OutputCopy> process_stream(std::span<const std::vector<uint8_t>> frames);
  // The same with `restarts` restarts (frames plus the injected frames they interleave).
  std::vector<OutputCopy> process_stream(std::span<const std::vector<uint8_t>> frames,
                                         uint32_t restarts);
  void reset_kernel();
  // One kCmdFrame call with no frame arriving: an auto-restarting card's idle restart. The
  // copies it sent (none expected).
  std::vector<OutputCopy> idle_restart();

  // Counter `index` of the block, as the host reads it: after frames were processed, a
  // snapshot is requested (a control call) and its acknowledgement checked first.
  uint64_t counter(unsigned index);
  // Asks the kernel for a snapshot of its on-chip counters; throws if it is not
  // acknowledged.
  void snapshot_counters();
  // Word `index` of the counter block as it is, without asking for a snapshot.
  uint64_t block_word(unsigned index) const { return counters_.at(index); }
  // Events the kernel produced since the last drain; advances the consumer index.
  std::vector<LearnEvent> drain_learn();
  // The producer index the kernel last wrote.
  uint32_t learn_producer() const;
  // Frames the kernel punted since the last drain (oldest first); advances the consumer.
  std::vector<PuntedFrame> drain_punt();

  // Queues `frame` in the inject ring for `port` and moves the producer register, as the
  // host does (encode_inject_slot); throws if the ring is full.
  void inject(uint16_t port, std::span<const uint8_t> frame);
  // Overwrites slot `index`'s header (a corrupt slot the host never writes).
  void write_inject_header(uint32_t index, uint32_t length, uint16_t port);
  // The consumer index the kernel last wrote.
  uint32_t inject_consumer() const;

  // Beat conversion, exposed for tests of the framing itself.
  static std::vector<hw::AxisBeat> to_beats(std::span<const uint8_t> frame);
  static std::vector<uint8_t> from_beats(std::span<const hw::AxisBeat> beats);

 private:
  void run(hw::AxisStream& rx, hw::AxisStream& tx, uint32_t command);

  std::vector<hw::Word512> table_mem_;
  std::vector<hw::Word512> ring_;
  std::vector<uint64_t> counters_;
  std::vector<hw::Word512> punt_ring_;
  std::vector<hw::Word512> inject_ring_;
  bool counters_stale_ = true;  // frames processed since the last snapshot
  hw::ControlRegs regs_;
};

}  // namespace vxsn::csim
