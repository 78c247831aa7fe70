#include "sim/cycle_model/pipeline_sim.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hls/kernel_streams.hpp"
#include "hls/table_layout.hpp"
#include "sim/cycle_model/wire_clock.hpp"

namespace vxsn::cycle {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxCycles = 200'000'000;  // a point that needs more has deadlocked

struct Frame {
  int64_t offered_index = 0;  // position in the line-rate arrival sequence
  unsigned beats_stored = 0;
  int64_t stored_at = kNever;         // first cycle its copies may read the buffer
  int64_t list_known = kNever;        // prefetch: VNI lookup result back
  std::vector<int64_t> record_ready;  // prefetch: per member, record read and header built
  int64_t mac_first_start = -1;       // ticks: first copy starts on the wire
  int64_t mac_last_end = -1;          // ticks: last copy's slot ends
};

struct EgressBeat {
  int64_t visible_tick;  // the MAC sees it from the cycle after the write
  uint32_t frame;
  uint32_t copy;
  uint32_t beat;
  bool checked = false;
};

class PipelineSim {
 public:
  PipelineSim(const ModelConfig& config, PointSpec spec)
      : cfg_(config),
        t_(config.timing),
        spec_(spec),
        copy_bytes_(
            static_cast<uint32_t>(static_cast<int64_t>(spec.frame_bytes) + config.copy_len_delta)),
        in_beats_(beats_of(spec.frame_bytes)),
        out_beats_(beats_of(copy_bytes_)),
        in_slot_(wire_slot_ticks(spec.frame_bytes)),
        out_slot_(wire_slot_ticks(copy_bytes_)),
        sender_records_(config.sender_in_list ? 1 : 0),
        records_per_frame_(spec.fanout + sender_records_) {
    measured_frames_ = std::max<uint64_t>(cfg_.min_measured_frames,
                                          ceil_div(cfg_.min_measured_copies, spec.fanout));
  }

  PointResult run() {
    const uint64_t last_frame = cfg_.warmup_frames + measured_frames_ - 1;
    for (now_ = 0;; ++now_) {
      if (now_ > kMaxCycles) throw std::runtime_error("cycle model: point did not finish");
      admit_arrivals();
      drain_mac();
      run_prefetcher();
      run_store();
      run_copy_engine();
      if (frames_.size() > last_frame && frames_[last_frame].mac_last_end >= 0) break;
    }
    return summarise();
  }

 private:
  // Cycle in which beat k of the offered frame has been received by the MAC.
  int64_t rx_cycle(int64_t offered, unsigned k) const {
    const uint32_t bytes_in = std::min<uint32_t>(kBusBytes * (k + 1), spec_.frame_bytes);
    const int64_t tick = offered * in_slot_ + (kPreambleBytes + bytes_in) * kTicksPerWireByte;
    return ceil_div(tick, kTicksPerCycle);
  }
  int64_t beat_ready(const Frame& f, unsigned k) const {
    return rx_cycle(f.offered_index, k) + t_.parse_latency;
  }
  int64_t meta_ready(const Frame& f) const {
    return beat_ready(f, in_beats_ - 1) + t_.header_check_cycles;
  }
  unsigned fill_cycles(unsigned member) const {
    switch (cfg_.arch.copy_fill) {
      case Architecture::CopyFill::kPerCopy:
        return t_.copy_loop_overhead;
      case Architecture::CopyFill::kPerFrame:
        return member == 0 ? t_.copy_loop_overhead : 0;
      case Architecture::CopyFill::kNever:
        return 0;
    }
    return 0;
  }
  // Reading n consecutive table words: n issue cycles, the last word arrives L later.
  int64_t table_read_cycles(unsigned words) const { return words + t_.table_read_latency; }

  void admit_arrivals() {
    while (rx_cycle(next_offered_, 0) <= now_) {
      if (fifo_committed_ + in_beats_ <= cfg_.ingress_fifo_beats) {
        Frame f;
        f.offered_index = next_offered_;
        frames_.push_back(std::move(f));
        fifo_committed_ += in_beats_;
      } else {
        ++dropped_;
      }
      ++next_offered_;
    }
  }

  void drain_mac() {
    const int64_t now_tick = now_ * kTicksPerCycle;
    while (!egress_.empty()) {
      EgressBeat& b = egress_.front();
      if (b.beat == 0 && !mac_in_copy_) {
        const int64_t start = std::max(wire_free_, b.visible_tick);
        if (start > now_tick) return;
        mac_in_copy_ = true;
        copy_start_ = start;
        wire_free_ = start + out_slot_;
        if (b.copy == 0) frames_[b.frame].mac_first_start = start;
        if (b.copy + 1 == spec_.fanout) frames_[b.frame].mac_last_end = wire_free_;
      }
      if (!mac_in_copy_) return;
      if (!b.checked) {
        const int64_t needed =
            copy_start_ + (kPreambleBytes + kBusBytes * b.beat) * kTicksPerWireByte;
        if (b.visible_tick > needed) ++underruns_;
        b.checked = true;
      }
      const uint32_t sent = std::min<uint32_t>(kBusBytes * (b.beat + 1), copy_bytes_);
      if (copy_start_ + (kPreambleBytes + sent) * kTicksPerWireByte > now_tick) return;
      if (b.beat + 1 == out_beats_) mac_in_copy_ = false;
      egress_.pop_front();
    }
  }

  // VNI lookups run ahead for up to `prefetch_lookups` frames; member records stream into
  // a FIFO of `prefetch_records` entries, a slot held from the read until the copy starts
  // (the sender's record is skipped by the planner: it holds no slot). Table words are
  // issued one per cycle per read port: a port each for lookups and records, or one
  // shared port where a pending probe word goes first, then a new lookup, then records.
  void run_prefetcher() {
    if (!cfg_.arch.prefetch_members) return;
    const bool shared = cfg_.arch.shared_table_port;
    int64_t& lookup_port = shared ? record_port_free_ : lookup_port_free_;
    int64_t& record_port = record_port_free_;
    // Probe word(s) of a lookup whose bank header word is back.
    if (!probe_queue_.empty() && probe_queue_.front().due <= now_ && lookup_port <= now_) {
      frames_[probe_queue_.front().frame].list_known = now_ + table_read_cycles(t_.vni_probes);
      lookup_port = now_ + t_.vni_probes;
      probe_queue_.pop_front();
    }
    if (next_lookup_ < frames_.size() && lookup_free_ <= now_ && lookup_port <= now_ &&
        next_lookup_ - frames_copied_ < cfg_.arch.prefetch_lookups) {
      Frame& f = frames_[next_lookup_];
      if (beat_ready(f, std::min(cfg_.arch.lookup_start_beat, in_beats_ - 1)) <= now_) {
        f.record_ready.assign(records_per_frame_, kNever);
        if (cfg_.arch.lookup_reads_bank_header) {
          probe_queue_.push_back(PendingProbe{next_lookup_, now_ + table_read_cycles(1)});
          lookup_port = now_ + 1;
          lookup_free_ = now_ + std::max(1u, cfg_.arch.lookup_interval);
        } else {
          f.list_known = now_ + table_read_cycles(t_.vni_probes);
          lookup_port = now_ + t_.vni_probes;
          lookup_free_ = now_ + std::max(t_.vni_probes, cfg_.arch.lookup_interval);
        }
        ++next_lookup_;
      }
    }
    if (next_fetch_ < next_lookup_ && record_port <= now_ &&
        records_held_ < cfg_.arch.prefetch_records) {
      Frame& f = frames_[next_fetch_];
      if (f.list_known <= now_) {
        int64_t ready = now_ + table_read_cycles(t_.record_words);
        if (cfg_.arch.header_waits_for_meta) ready = std::max(ready, meta_ready(f));
        f.record_ready[next_record_] = ready + t_.header_build_cycles;
        record_port = now_ + t_.record_words;
        if (next_record_ >= sender_records_) ++records_held_;
        if (++next_record_ == records_per_frame_) {
          next_record_ = 0;
          ++next_fetch_;
        }
      }
    }
  }

  void run_store() {
    if (next_store_ >= frames_.size()) return;
    if (next_store_ - frames_copied_ >= cfg_.arch.frame_buffers) return;  // no free buffer
    Frame& f = frames_[next_store_];
    if (beat_ready(f, f.beats_stored) > now_) return;
    ++f.beats_stored;
    --fifo_committed_;
    if (f.beats_stored == in_beats_) {
      f.stored_at = now_ + 1 + t_.store_loop_overhead;
      ++next_store_;
    }
  }

  enum class Phase { kIdle, kFrameOverhead, kMemberStart, kBeforeBeats, kBeats };

  void run_copy_engine() {
    for (;;) {
      switch (phase_) {
        case Phase::kIdle: {
          if (frames_copied_ >= frames_.size()) return;
          const Frame& f = frames_[frames_copied_];
          if (f.stored_at > now_ || meta_ready(f) > now_) return;
          member_ = 0;
          if (cfg_.arch.prefetch_members) {
            phase_ = Phase::kMemberStart;
          } else {  // v1: bank header word, the VNI probe loop, the sender's record
            busy_until_ = now_ + table_read_cycles(1) + table_read_cycles(t_.vni_probes) +
                          sender_records_ * table_read_cycles(t_.record_words);
            phase_ = Phase::kFrameOverhead;
          }
          continue;
        }
        case Phase::kFrameOverhead:
          if (now_ < busy_until_) return;
          phase_ = Phase::kMemberStart;
          continue;
        case Phase::kMemberStart: {
          int64_t wait = fill_cycles(member_);
          if (cfg_.arch.prefetch_members) {
            const Frame& f = frames_[frames_copied_];
            if (f.record_ready.empty() || f.record_ready[member_ + sender_records_] > now_) return;
            --records_held_;  // the copy holds its header now
          } else {
            wait += table_read_cycles(t_.record_words) + t_.header_build_cycles;
          }
          busy_until_ = now_ + wait;
          phase_ = Phase::kBeforeBeats;
          continue;
        }
        case Phase::kBeforeBeats:
          if (now_ < busy_until_) return;
          phase_ = Phase::kBeats;
          continue;
        case Phase::kBeats:
          if (egress_.size() >= cfg_.egress_fifo_beats) return;  // back-pressure: stall
          egress_.push_back(EgressBeat{(now_ + 1) * kTicksPerCycle,
                                       static_cast<uint32_t>(frames_copied_), member_, beat_});
          if (++beat_ == out_beats_) {
            beat_ = 0;
            if (++member_ == spec_.fanout) {
              ++frames_copied_;
              phase_ = Phase::kIdle;
            } else {
              phase_ = Phase::kMemberStart;
            }
          }
          return;  // one beat per cycle
      }
    }
  }

  PointResult summarise() const {
    const Frame& first = frames_[cfg_.warmup_frames];
    const Frame& last = frames_[cfg_.warmup_frames + measured_frames_ - 1];
    const int64_t window = last.mac_last_end - first.mac_first_start;
    const uint64_t copies = measured_frames_ * spec_.fanout;
    const int64_t busy = static_cast<int64_t>(copies) * out_slot_;
    PointResult r;
    r.frame_bytes = spec_.frame_bytes;
    r.fanout = spec_.fanout;
    r.copy_bytes = copy_bytes_;
    r.egress_utilisation = static_cast<double>(busy) / static_cast<double>(window);
    r.input_fps = static_cast<double>(measured_frames_) * kTicksPerSecond / window;
    r.offered_fps = line_rate_fps(spec_.frame_bytes);
    r.bubble_cycles_per_copy =
        static_cast<double>(window - busy) / static_cast<double>(copies) / kTicksPerCycle;
    r.frames_measured = measured_frames_;
    r.copies_measured = copies;
    r.frames_dropped = dropped_;
    r.mac_underruns = underruns_;
    r.cycles_simulated = now_;
    return r;
  }

  const ModelConfig& cfg_;
  const StageTiming& t_;
  const PointSpec spec_;
  const uint32_t copy_bytes_;
  const unsigned in_beats_;
  const unsigned out_beats_;
  const int64_t in_slot_;
  const int64_t out_slot_;
  const uint32_t sender_records_;     // 1 when the sender's own record is in the list (first)
  const uint32_t records_per_frame_;  // records the prefetcher reads per frame
  uint64_t measured_frames_ = 0;

  int64_t now_ = 0;
  std::vector<Frame> frames_;  // accepted frames, in order
  int64_t next_offered_ = 0;
  uint64_t fifo_committed_ = 0;  // frame FIFO beats accepted and not yet stored
  uint64_t dropped_ = 0;
  uint64_t next_lookup_ = 0;
  uint64_t next_fetch_ = 0;
  uint32_t next_record_ = 0;
  unsigned records_held_ = 0;
  int64_t lookup_free_ = 0;       // the lookup's II: next frame it accepts
  int64_t lookup_port_free_ = 0;  // table read ports: next cycle a word may be issued
  int64_t record_port_free_ = 0;
  struct PendingProbe {
    uint64_t frame;
    int64_t due;  // bank header word back: the probe address is known
  };
  std::deque<PendingProbe> probe_queue_;
  uint64_t next_store_ = 0;
  uint64_t frames_copied_ = 0;
  Phase phase_ = Phase::kIdle;
  int64_t busy_until_ = 0;
  uint32_t member_ = 0;
  uint32_t beat_ = 0;
  std::deque<EgressBeat> egress_;
  bool mac_in_copy_ = false;
  int64_t copy_start_ = 0;
  int64_t wire_free_ = 0;
  uint64_t underruns_ = 0;
};

}  // namespace

PointResult simulate_point(const ModelConfig& config, PointSpec spec) {
  if (spec.fanout < 1 || spec.fanout > card::kMaxMembersPerVni)
    throw std::invalid_argument("fan-out must be 1.." + std::to_string(card::kMaxMembersPerVni));
  const int64_t copy_bytes = int64_t{spec.frame_bytes} + config.copy_len_delta;
  if (spec.frame_bytes < kBusBytes || spec.frame_bytes > wire::kMaxFrameLen || copy_bytes < 1)
    throw std::invalid_argument("frame size must be 64.." + std::to_string(wire::kMaxFrameLen));
  if (config.egress_fifo_beats < 1 || config.arch.frame_buffers < 1 ||
      (config.arch.prefetch_members &&
       (config.arch.prefetch_lookups < 1 || config.arch.prefetch_records < 1)))
    throw std::invalid_argument("FIFO depths and buffer counts must be at least 1");
  return PipelineSim(config, spec).run();
}

}  // namespace vxsn::cycle
