#include "host/daemon/card_agent.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <string>

#include "host/datapath/counter_reclaim.hpp"

namespace vxsn {
namespace {

// The card's counters plus what the host counted around it.
DatapathCountersSnapshot card_snapshot(const CardCounters& card,
                                       const DatapathCountersSnapshot& host) {
  DatapathCountersSnapshot s;
  s.rx_frames = card.rx_frames;
  s.rx_bytes = card.rx_bytes;
  s.tx_copies = card.tx_copies;
  s.tx_bytes = card.tx_bytes;
  for (unsigned r = 0; r < kDropReasonCount; ++r) s.drops[r] = card.drops[r] + host.drops[r];
  return s;
}

// "vnis_no_slot 3, vnis_no_member_room 1": the non-zero reasons.
std::string describe(const CardLeftOut& l) {
  std::string out;
  for (const auto& [reason, n] : left_out_by_reason(l))
    if (n != 0) out += (out.empty() ? "" : ", ") + reason + " " + std::to_string(n);
  return out;
}

}  // namespace

CardAgent::CardAgent(Card& card, VniCounterRegistry& vni_counters)
    : card_(card), vni_counters_(vni_counters), counter_slots_(card) {}

bool CardAgent::publish(const FloodTable& table, uint64_t generation) {
  try {
    // The card's learn cache forgets on a version change, so every table gets a new one.
    const CardLeftOut left_out = load_counted_table(card_, counter_slots_, table, generation);
    if (left_out != left_out_) {
      if (left_out.any())
        spdlog::warn(
            "card: table generation {} does not fit the card; left out: {} VNIs ({}), "
            "{} members past the fan-out limit",
            generation, left_out.vnis(), describe(left_out), left_out.members_over_fanout);
      else
        spdlog::info("card: table generation {} fits the card whole again", generation);
      left_out_ = left_out;
    }
    // No software datapath reads tables in card mode: VNIs gone need no counters now.
    reclaim_counters_not_in(table, vni_counters_);
    return true;
  } catch (const CardError& e) {
    spdlog::error("table generation {} refused by the card, the running table stays: {}",
                  generation, e.what());
    return false;
  }
}

void CardAgent::drain_learn_events(const Forwarding::LearnSink& learn) {
  learn_events_.clear();
  card_.drain_learn_events(learn_events_);
  for (const LearnEvent& e : learn_events_) learn(e.vni, e.vtep);
}

ForwardingReading CardAgent::read_counters(const DatapathCountersSnapshot& host,
                                           uint64_t host_frames) {
  const CardCounters k = card_.read_counters();
  ForwardingReading r;
  r.datapath = card_snapshot(k, host);
  r.host_frames = host_frames;
  r.vnis = counter_slots_.vni_counters(k);
  r.card = CardOnlyCounts{k.learn_events, k.learn_suppressed, k.learn_ring_full, k.rx_disabled,
                          k.rx_oversize,  k.punted,           k.punt_ring_full};
  return r;
}

CardInfo CardAgent::card_info() {
  const CardStatus st = card_.status();
  std::map<std::string, uint64_t> left_out;
  for (const auto& [reason, n] : left_out_by_reason(left_out_)) left_out[reason] = n;
  return CardInfo{st.backend,          st.device,       st.kernel_version, st.layout_version,
                  st.enabled,          st.active_bank,  st.table_version,  st.tables_loaded,
                  st.vni_count,        st.vni_capacity, st.member_count,   st.member_capacity,
                  std::move(left_out), st.run_mode};
}

}  // namespace vxsn
