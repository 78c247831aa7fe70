#include "host/metrics/node_snapshot.hpp"

namespace vxsn {

std::vector<NamedCount> control_counts(const TableCounters& k) {
  return {{"registrations", k.registrations, "Registrations and refreshes the table accepted."},
          {"withdrawals", k.withdrawals, "Holdtime-0 registrations (withdrawals) accepted."},
          {"replaced_by_identifier", k.replaced_by_identifier,
           "Registrations that replaced an entry of the same identifier."},
          {"learned", k.learned, "VTEPs learned from the datapath."},
          {"learn_refreshes", k.learn_refreshes, "Learned entries refreshed by traffic."},
          {"learn_disabled", k.learn_disabled, "Learn events for VNIs with learning off."},
          {"learn_unknown_vni", k.learn_unknown_vni,
           "Learn events for VNIs not in the table (learning never creates a VNI)."},
          {"expired", k.expired, "Sources that reached their holdtime."},
          {"entries_removed", k.entries_removed, "Entries whose last source went."}};
}

std::vector<NamedCount> control_refusals(const TableCounters& k) {
  const char* help = "Table changes refused, by reason.";
  return {{"vni_limit", k.refused_vni_limit, help},
          {"member_limit", k.refused_member_limit, help},
          {"entry_limit", k.refused_entry_limit, help},
          {"not_allowed", k.refused_not_allowed, help},
          {"rate", k.refused_rate, help},
          {"invalid", k.refused_invalid, help},
          {"registrations_per_entry", k.refused_registrations_per_entry, help}};
}

std::vector<NamedCount> registration_counts(const RegistrationCounters& r) {
  return {{"received", r.received, "Registration datagrams received."},
          {"applied", r.applied, "(VNI, VTEP) registrations the table took."},
          {"withdrawn", r.withdrawn, "Registrations that were withdrawals."},
          {"replies", r.replies, "Reply datagrams sent."},
          {"reply_send_errors", r.reply_send_errors, "Reply datagrams the socket refused."},
          {"reply_unbuildable", r.reply_unbuildable, "Replies the MTU could not hold."},
          {"replies_truncated", r.replies_truncated,
           "Replies cut to the amplification bound (registration_reply_factor)."},
          {"holdtime_clamped", r.holdtime_clamped, "Requests whose holdtime was clamped."},
          {"refused_not_allowed", r.refused_not_allowed, "Registrations the allow-list refused."},
          {"refused_datagram_rate", r.refused_datagram_rate,
           "Datagrams over the requester's datagram rate (50/s, burst 200)."},
          {"refused_rate", r.refused_rate,
           "Registrations over the requester's table.registration_rate."},
          {"refused_limit", r.refused_limit, "Registrations over a table limit."},
          {"refused_bad_address", r.refused_bad_address,
           "Registrations of an address no member may have."},
          {"refused_identifier_limit", r.refused_identifier_limit,
           "Registrations over max_registrations_per_identifier."},
          {"refused_source_limit", r.refused_source_limit,
           "Registrations over max_registrations_per_source."},
          {"refused_tracking_full", r.refused_tracking_full,
           "Registrations refused while the server tracked max_entries."}};
}

std::vector<NamedCount> datapath_learn_counts(const DatapathLearnCounts& c) {
  return {{"checked", c.checked, "Flood sources the learn filter checked."},
          {"reported", c.reported, "Learn events reported to the control loop."},
          {"rate_limited", c.rate_limited, "Learn events over the datapath's learn rate."},
          {"queue_full", c.queue_full, "Learn events the full learn queue lost."}};
}

std::vector<NamedCount> card_only_counts(const CardOnlyCounts& c) {
  return {{"learn_events", c.learn_events, "Learn events the card reported."},
          {"learn_suppressed", c.learn_suppressed, "Learn events the card's cache suppressed."},
          {"learn_ring_full", c.learn_ring_full, "Learn events lost to a full learn ring."},
          {"rx_disabled", c.rx_disabled, "Frames received while the card was disabled."},
          {"rx_oversize", c.rx_oversize, "Frames larger than the card carries."},
          {"punted", c.punted, "Frames the card's steering rules gave the host (punt ring)."},
          {"punt_ring_full", c.punt_ring_full, "Frames for the host lost to a full punt ring."}};
}

std::vector<NamedCount> ha_counts(const HaStats& s) {
  return {{"published", s.published, "Local changes published to the peers."},
          {"refreshes_suppressed", s.refreshes_suppressed,
           "Refreshes not published (refresh_interval_ms)."},
          {"remote_applied", s.remote_applied, "Peers' changes that won last-writer-wins."},
          {"remote_ignored", s.remote_ignored, "Peers' changes that lost or were duplicates."},
          {"heartbeats_sent", s.heartbeats_sent, "Heartbeats sent."},
          {"gaps_detected", s.gaps_detected, "Sequence gaps detected in peers' streams."},
          {"snapshots_served", s.snapshots_served, "Snapshots served to peers."},
          {"snapshots_fetched", s.snapshots_fetched, "Snapshots fetched from peers."},
          {"auth_refused", s.auth_refused, "Peer handshakes refused (unknown CURVE key)."},
          {"malformed", s.malformed, "Malformed HA messages."}};
}

std::vector<NamedCount> port_counts(const PortCountersInfo& p) {
  return {{"rx_packets", p.rx_packets, "Packets the port received."},
          {"tx_packets", p.tx_packets, "Packets the port sent."},
          {"rx_bytes", p.rx_bytes, "Bytes the port received."},
          {"tx_bytes", p.tx_bytes, "Bytes the port sent."},
          {"rx_missed", p.rx_missed, "Packets the port dropped for lack of room."},
          {"rx_ring_full", p.rx_ring_full,
           "AF_XDP ports: frames the kernel dropped because the port's AF_XDP RX ring was full "
           "(not in rx_missed)."},
          {"rx_errors", p.rx_errors, "Erroneous packets received."},
          {"tx_errors", p.tx_errors, "Packets the port failed to send."}};
}

std::vector<NamedCount> vni_counts(const VniCountersSnapshot& v) {
  return {{"frames_in", v.frames_in, "Frames of the VNI that reached replication."},
          {"bytes_in", v.bytes_in, "Bytes of those frames."},
          {"copies_out", v.copies_out, "Copies sent to the VNI's members."},
          {"bytes_out", v.bytes_out, "Bytes of those copies."},
          {"source_not_member", v.source_not_member, "Frames the VNI's source check dropped."},
          {"storm_policed", v.storm_policed, "Frames a storm policer dropped."}};
}

std::vector<NamedCount> source_counts(const EntriesBySource& b) {
  const char* help = "Entries held by each source (an entry with two sources counts under both).";
  return {{"static", b.static_entries, help},
          {"registered", b.registered, help},
          {"learned", b.learned, help},
          {"peer", b.peer, help}};
}

}  // namespace vxsn
