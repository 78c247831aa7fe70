#include "host/api/management_handler.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <set>

#include "hls/drop_reason.hpp"
#include "hls/vxlan_wire.hpp"
#include "host/config/member_address.hpp"
#include "vxsn_api/vxsn_constants.h"

namespace vxsn {
namespace {

[[noreturn]] void throw_invalid(const std::string& field, const std::string& message) {
  api::InvalidArgument e;
  e.field = field;
  e.message = message;
  throw e;
}

[[noreturn]] void throw_typed(const ManagementError& error) {
  switch (error.code()) {
    case ManagementErrorCode::kInvalidArgument:
      throw_invalid(error.subject(), error.what());
    case ManagementErrorCode::kNotFound: {
      api::NotFound e;
      e.resource = error.subject();
      e.message = error.what();
      throw e;
    }
    case ManagementErrorCode::kCapacityExceeded: {
      api::CapacityExceeded e;
      e.limit = error.subject();
      e.capacity = static_cast<int64_t>(error.capacity());
      e.requested = static_cast<int64_t>(error.requested());
      e.message = error.what();
      throw e;
    }
    case ManagementErrorCode::kNotPermitted: {
      api::NotPermitted e;
      e.message = error.what();
      throw e;
    }
  }
  throw std::logic_error("unknown ManagementErrorCode");
}

// Runs one backend call: refusals become typed exceptions; anything else is logged and
// reaches the client as a TApplicationException (the generated processor's doing).
template <class F>
auto call_backend(const char* name, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ManagementError& e) {
    spdlog::debug("api {}: refused: {}", name, e.what());
    throw_typed(e);
  } catch (const std::exception& e) {
    spdlog::warn("api {}: failed: {}", name, e.what());
    throw;
  }
}

// The text as a log line or an error message may show it: control bytes (an embedded NUL
// first of all) escaped, so the message says what was sent.
std::string printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

uint32_t checked_vni(int32_t vni, const std::string& field = "vni") {
  if (vni < 1 || static_cast<uint32_t>(vni) > wire::kVniMax)
    throw_invalid(
        field, "VNI must be 1.." + std::to_string(wire::kVniMax) + ", got " + std::to_string(vni));
  return static_cast<uint32_t>(vni);
}

// One call's worth of member changes: enough for a whole VNI, small enough that one call
// never holds the control thread for long.
constexpr size_t kMaxAddressesPerCall = 10000;

// The address as the table will hold it (IPv4-mapped IPv6 already IPv4, see IpAddr::parse),
// refused here with the field named if it cannot be a member at all.
IpAddr checked_address(const std::string& text, const std::string& field) {
  auto ip = IpAddr::parse(text);
  if (!ip) throw_invalid(field, "not an IPv4 or IPv6 address: '" + printable(text) + "'");
  if (auto problem = member_address_problem(*ip))
    throw_invalid(field, ip->to_string() + " cannot be a member: " + *problem);
  return *ip;
}

// Every address checked (field "addresses[i]"), none listed twice.
std::vector<IpAddr> checked_address_list(const std::vector<std::string>& addresses) {
  std::vector<IpAddr> parsed;
  std::set<IpAddr> seen;
  for (size_t i = 0; i < addresses.size(); ++i) {
    const std::string field = "addresses[" + std::to_string(i) + "]";
    IpAddr a = checked_address(addresses[i], field);
    if (!seen.insert(a).second) throw_invalid(field, "listed twice: " + a.to_string());
    parsed.push_back(a);
  }
  return parsed;
}

std::vector<api::Source::type> sources_of(uint8_t bits) {
  std::vector<api::Source::type> out;
  for (auto s :
       {api::Source::STATIC, api::Source::REGISTERED, api::Source::LEARNED, api::Source::PEER})
    if (bits & static_cast<uint8_t>(s)) out.push_back(s);
  return out;
}

api::Member to_api(const MemberInfo& m) {
  api::Member out;
  out.address = m.address.to_string();
  out.sources = sources_of(m.sources);
  out.age_s = static_cast<int64_t>(m.age_s);
  if (m.expires_in_s) out.__set_expires_in_s(static_cast<int64_t>(*m.expires_in_s));
  return out;
}

api::Counters to_api(const CounterBaseline::View& view) {
  const CountersInfo& c = view.counters;
  api::Counters out;
  out.since_reset_s = view.since_reset_s;
  out.rx_frames = static_cast<int64_t>(c.datapath.rx_frames);
  out.rx_bytes = static_cast<int64_t>(c.datapath.rx_bytes);
  out.tx_copies = static_cast<int64_t>(c.datapath.tx_copies);
  out.tx_bytes = static_cast<int64_t>(c.datapath.tx_bytes);
  out.host_frames = static_cast<int64_t>(c.host_frames);
  for (unsigned r = 1; r < kDropReasonCount; ++r)  // 0 is "none", never counted
    out.drops[drop_reason_label(static_cast<DropReason>(r))] =
        static_cast<int64_t>(c.datapath.drops[r]);
  for (const auto& [vni, v] : c.vnis) {
    api::VniCounters x;
    x.vni = static_cast<int32_t>(vni);
    x.frames_in = static_cast<int64_t>(v.frames_in);
    x.bytes_in = static_cast<int64_t>(v.bytes_in);
    x.copies_out = static_cast<int64_t>(v.copies_out);
    x.bytes_out = static_cast<int64_t>(v.bytes_out);
    x.__set_source_not_member(static_cast<int64_t>(v.source_not_member));
    x.__set_storm_policed(static_cast<int64_t>(v.storm_policed));
    out.vnis.push_back(std::move(x));
  }
  for (const PortCountersInfo& p : c.ports) {
    api::PortCounters x;
    x.name = p.name;
    x.kernel_ifname = p.kernel_ifname;
    x.rx_packets = static_cast<int64_t>(p.rx_packets);
    x.tx_packets = static_cast<int64_t>(p.tx_packets);
    x.rx_bytes = static_cast<int64_t>(p.rx_bytes);
    x.tx_bytes = static_cast<int64_t>(p.tx_bytes);
    x.rx_missed = static_cast<int64_t>(p.rx_missed);
    x.rx_errors = static_cast<int64_t>(p.rx_errors);
    x.tx_errors = static_cast<int64_t>(p.tx_errors);
    x.__set_rx_ring_full(static_cast<int64_t>(p.rx_ring_full));
    out.ports.push_back(std::move(x));
  }
  return out;
}

api::TableOccupancy occupancy(const char* name, uint64_t used, uint64_t capacity) {
  api::TableOccupancy t;
  t.name = name;
  t.used = static_cast<int64_t>(used);
  t.capacity = static_cast<int64_t>(capacity);
  return t;
}

}  // namespace

ManagementHandler::ManagementHandler(ManagementBackend& backend, std::string software_version,
                                     ApiConnectionCountersSource connections)
    : backend_(backend),
      software_version_(std::move(software_version)),
      connections_(std::move(connections)) {}

void ManagementHandler::getInfo(api::NodeInfo& out) {
  NodeStatus s = call_backend("getInfo", [&] { return backend_.node_status(); });
  out.api_version_major = api::g_vxsn_constants.API_VERSION_MAJOR;
  out.api_version_minor = api::g_vxsn_constants.API_VERSION_MINOR;
  out.software_version = software_version_;
  out.node_id = s.node_id;
  out.datapath_mode = s.datapath_mode;
  out.uptime_s = s.uptime_s;
  for (const IpAddr& a : s.service_addresses) out.service_addresses.push_back(a.to_string());
  out.vxlan_port = s.vxlan_port;
  out.table_generation = static_cast<int64_t>(s.table_generation);
  out.vnis = static_cast<int64_t>(s.vnis);
  out.members = static_cast<int64_t>(s.members);
  out.unresolved_members = static_cast<int64_t>(s.unresolved_members);
  api::TableSources sources;
  sources.static_entries = static_cast<int64_t>(s.entries_by_source.static_entries);
  sources.registered = static_cast<int64_t>(s.entries_by_source.registered);
  sources.learned = static_cast<int64_t>(s.entries_by_source.learned);
  sources.peer = static_cast<int64_t>(s.entries_by_source.peer);
  out.__set_sources(sources);
  out.limits.max_vnis = static_cast<int64_t>(s.max_vnis);
  out.limits.max_members_per_vni = static_cast<int64_t>(s.max_members_per_vni);
  out.limits.max_entries = static_cast<int64_t>(s.max_entries);
  if (s.card) {
    const CardInfo& c = *s.card;
    api::CardStatus card;
    card.backend = c.backend;
    card.device = c.device;
    card.kernel_version = c.kernel_version;
    card.layout_version = static_cast<int32_t>(c.layout_version);
    card.enabled = c.enabled;
    card.active_bank = static_cast<int32_t>(c.active_bank);
    card.table_version = static_cast<int64_t>(c.table_version);
    card.tables_loaded = static_cast<int64_t>(c.tables_loaded);
    card.tables.push_back(occupancy("vnis", c.vnis, c.vni_capacity));
    card.tables.push_back(occupancy("members", c.members, c.member_capacity));
    std::map<std::string, int64_t> left_out;
    for (const auto& [reason, n] : c.left_out) left_out[reason] = static_cast<int64_t>(n);
    card.__set_left_out(std::move(left_out));
    out.__set_card(std::move(card));
  }
  if (connections_) {
    const ApiConnectionCounters c = connections_();
    api::ApiConnectionStats stats;
    stats.connections_refused = static_cast<int64_t>(c.connections_refused);
    stats.handshake_timeouts = static_cast<int64_t>(c.handshake_timeouts);
    out.__set_api(stats);
  }
}

void ManagementHandler::listVnis(api::VniPage& out, int32_t after_vni, int32_t limit) {
  if (after_vni < 0 || static_cast<uint32_t>(after_vni) > wire::kVniMax)
    throw_invalid("after_vni", "must be 0.." + std::to_string(wire::kVniMax));
  if (limit < 1 || limit > kMaxPageSize)
    throw_invalid("limit", "must be 1.." + std::to_string(kMaxPageSize));
  VniPageResult page = call_backend("listVnis", [&] {
    return backend_.list_vnis(static_cast<uint32_t>(after_vni), static_cast<uint32_t>(limit));
  });
  for (const VniInfo& v : page.vnis) {
    api::VniSummary s;
    s.vni = static_cast<int32_t>(v.vni);
    s.members = static_cast<int32_t>(v.members);
    s.static_members = static_cast<int32_t>(v.static_members);
    s.registered_members = static_cast<int32_t>(v.registered);
    s.learned_members = static_cast<int32_t>(v.learned);
    s.peer_members = static_cast<int32_t>(v.peer);
    out.vnis.push_back(std::move(s));
  }
  out.more = page.more;
  out.total_vnis = static_cast<int64_t>(page.total);
}

void ManagementHandler::listMembers(std::vector<api::Member>& out, int32_t vni) {
  const uint32_t v = checked_vni(vni);
  for (const MemberInfo& m : call_backend("listMembers", [&] { return backend_.list_members(v); }))
    out.push_back(to_api(m));
}

void ManagementHandler::addMember(api::Member& out, int32_t vni, const std::string& address) {
  const uint32_t v = checked_vni(vni);
  const IpAddr a = checked_address(address, "address");
  out = to_api(call_backend("addMember", [&] { return backend_.add_member(v, a); }));
  spdlog::info("api: VNI {} member {} added", v, a.to_string());
}

void ManagementHandler::addMembers(std::vector<api::Member>& out, int32_t vni,
                                   const std::vector<std::string>& addresses) {
  const uint32_t v = checked_vni(vni);
  if (addresses.size() > kMaxAddressesPerCall)
    throw_invalid("addresses", std::to_string(addresses.size()) + " addresses, at most " +
                                   std::to_string(kMaxAddressesPerCall) + " per call");
  const std::vector<IpAddr> parsed = checked_address_list(addresses);
  for (const MemberInfo& m :
       call_backend("addMembers", [&] { return backend_.add_members(v, parsed); }))
    out.push_back(to_api(m));
  spdlog::info("api: VNI {}: {} members added", v, parsed.size());
}

void ManagementHandler::removeMember(int32_t vni, const std::string& address) {
  const uint32_t v = checked_vni(vni);
  const IpAddr a = checked_address(address, "address");
  call_backend("removeMember", [&] { backend_.remove_member(v, a); });
  spdlog::info("api: VNI {} member {} removed", v, a.to_string());
}

int32_t ManagementHandler::flushLearned(int32_t vni) {
  const uint32_t v = checked_vni(vni);
  const uint32_t n = call_backend("flushLearned", [&] { return backend_.flush_learned(v); });
  spdlog::info("api: VNI {}: {} learned entries flushed", v, n);
  return static_cast<int32_t>(n);
}

void ManagementHandler::setStormControl(const api::StormLimit& limit) {
  StormRule rule;
  rule.vnis.first = checked_vni(limit.first_vni, "first_vni");
  rule.vnis.last = checked_vni(limit.last_vni, "last_vni");
  if (rule.vnis.first > rule.vnis.last) throw_invalid("last_vni", "below first_vni");
  for (const auto& [field, value] :
       {std::pair{"frames_per_s", limit.frames_per_s}, std::pair{"bytes_per_s", limit.bytes_per_s}})
    if (value < 0 || static_cast<uint64_t>(value) > kMaxPolicerRate)
      throw_invalid(field, "must be 0.." + std::to_string(kMaxPolicerRate));
  rule.rate = {static_cast<uint64_t>(limit.frames_per_s), static_cast<uint64_t>(limit.bytes_per_s)};
  call_backend("setStormControl", [&] {
    backend_.set_storm_control(rule);
    return 0;
  });
  spdlog::info("api: storm control for VNIs {}-{}: {} frames/s, {} bytes/s", rule.vnis.first,
               rule.vnis.last, rule.rate.frames_per_s, rule.rate.bytes_per_s);
}

void ManagementHandler::replaceStaticMembers(api::ReplaceResult& out, int32_t vni,
                                             const std::vector<std::string>& addresses) {
  const uint32_t v = checked_vni(vni);
  const std::vector<IpAddr> parsed = checked_address_list(addresses);
  ReplaceOutcome r = call_backend("replaceStaticMembers",
                                  [&] { return backend_.replace_static_members(v, parsed); });
  out.added = static_cast<int32_t>(r.added);
  out.removed = static_cast<int32_t>(r.removed);
  out.kept = static_cast<int32_t>(r.kept);
  spdlog::info("api: VNI {} static members replaced: {} added, {} removed, {} kept", v, r.added,
               r.removed, r.kept);
}

void ManagementHandler::getCounters(api::Counters& out) {
  out = to_api(
      baseline_.since_reset(call_backend("getCounters", [&] { return backend_.counters(); })));
}

void ManagementHandler::resetCounters(api::Counters& out) {
  out = to_api(baseline_.reset(call_backend("resetCounters", [&] { return backend_.counters(); })));
  spdlog::info("api: counters reset");
}

void ManagementHandler::listPeers(std::vector<api::Peer>& out) {
  for (const PeerInfo& p : call_backend("listPeers", [&] { return backend_.peers(); })) {
    api::Peer x;
    x.node_id = p.node_id;
    x.address = p.address;
    x.state = p.state;
    x.lag_ms = static_cast<int64_t>(p.lag_ms);
    x.last_sequence = static_cast<int64_t>(p.last_sequence);
    x.silent_ms = p.silent_ms;
    x.resyncs = static_cast<int64_t>(p.resyncs);
    x.gaps = static_cast<int64_t>(p.gaps);
    out.push_back(std::move(x));
  }
}

void ManagementHandler::getConfig(api::ConfigDump& out) {
  ConfigText c = call_backend("getConfig", [&] { return backend_.running_config(); });
  out.path = c.path;
  out.toml = c.toml;
}

void ManagementHandler::reloadConfig(api::ReloadResult& out) {
  ReloadOutcome r = call_backend("reloadConfig", [&] { return backend_.reload_config(); });
  out.table_generation = static_cast<int64_t>(r.table_generation);
  out.restart_required = r.restart_required;
}

}  // namespace vxsn
