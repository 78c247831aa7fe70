// The vxsn management API: the one source of truth for everything an operator (or vxsnctl)
// can read from or change in a running vxsnd. C++ is generated from this file at build time.
//
// Versioning: API_VERSION_MAJOR changes only when an existing call or field changes meaning
// or disappears; new calls and new optional fields bump API_VERSION_MINOR. Clients compare
// getInfo().api_version_major with the one they were built against.
//
// Transport: framed transport + strict binary protocol, on a Unix socket or TLS with client
// certificates.
//
// Addresses are text ("10.0.0.5", "fd00::5"); VNIs are 1..16777215.

namespace cpp vxsn.api

const i32 API_VERSION_MAJOR = 1
const i32 API_VERSION_MINOR = 4

// Why a member is in a VNI's flood list; an entry may have several sources at once.
enum Source {
  STATIC = 1,      // configured: the config file or this API
  REGISTERED = 2,  // a VTEP registered itself (vxfld protocol), until its holdtime ends
  LEARNED = 4,     // seen sending traffic in the VNI, until it goes quiet
  PEER = 8,        // replicated from another node of the cluster
}

// ---- errors: every refusal is one of these, never a silent no-op ----

// An argument is malformed or out of range; `field` names it ("vni", "address",
// "addresses[3]", or the config key for a refused reload).
exception InvalidArgument {
  1: string field,
  2: string message,
}

// The VNI or member the call names does not exist.
exception NotFound {
  1: string resource,   // "vni", "member"
  2: string message,
}

// The change would exceed a table limit; nothing was changed.
exception CapacityExceeded {
  1: string limit,     // "max_vnis", "max_members_per_vni", "max_entries", "card_members"...
  2: i64 capacity,
  3: i64 requested,    // the size the table would have had
  4: string message,
}

// The change is well-formed but policy forbids it (allow-list, an entry owned by a peer,
// the node's own address...).
exception NotPermitted {
  1: string message,
}

// ---- node ----

struct TableLimits {
  1: i64 max_vnis,
  2: i64 max_members_per_vni,
  3: i64 max_entries,
}

struct TableOccupancy {
  1: string name,      // "vnis", "members"
  2: i64 used,
  3: i64 capacity,
}

// Present only when a card (real or emulated) carries the datapath.
struct CardStatus {
  1: string backend,           // "emu" or "xrt"
  2: string device,
  3: string kernel_version,
  4: i32 layout_version,
  5: bool enabled,
  6: i32 active_bank,          // 0 or 1
  7: i64 table_version,        // version of the table in the active bank
  8: i64 tables_loaded,
  9: list<TableOccupancy> tables,
  // API 1.3: what the card could not hold of the node's table, by reason (vnis_no_slot,
  // vnis_no_member_room, vnis_no_storm_profile, vnis_probe_bound, members_over_fanout);
  // the card carries everything else.
  10: optional map<string, i64> left_out,
}

// What the API server refused to spend a thread on, since vxsnd started (per daemon, every
// listener together).
struct ApiConnectionStats {
  1: i64 connections_refused,  // over api.max_connections_per_source: closed at accept
  2: i64 handshake_timeouts,   // TLS handshake not finished within api.idle_timeout_ms
}

// The table's (VNI, VTEP) entries by source; an entry held by two sources counts under both.
// (API 1.3)
struct TableSources {
  1: i64 static_entries,
  2: i64 registered,
  3: i64 learned,
  4: i64 peer,
}

struct NodeInfo {
  1: i32 api_version_major,
  2: i32 api_version_minor,
  3: string software_version,
  4: string node_id,
  5: string datapath_mode,     // software | emu | fpga
  6: double uptime_s,
  7: list<string> service_addresses,
  8: i32 vxlan_port,
  9: i64 table_generation,     // bumps on every table the datapath receives
  10: i64 vnis,
  11: i64 members,
  12: i64 unresolved_members,  // members without a next hop on one of the node's ports
  13: TableLimits limits,
  14: optional CardStatus card,
  15: optional ApiConnectionStats api,  // absent from servers before API 1.1
  16: optional TableSources sources,    // absent from servers before API 1.3
}

// ---- flood table ----

struct Member {
  1: string address,
  2: list<Source> sources,     // ascending
  3: i64 age_s,                // since the entry was created (or last refreshed for
                               // registered and learned entries)
  4: optional i64 expires_in_s,  // absent: never expires (static and peer entries)
}

struct VniSummary {
  1: i32 vni,
  2: i32 members,
  3: i32 static_members,
  4: i32 registered_members,
  5: i32 learned_members,
  6: i32 peer_members,
}

struct VniPage {
  1: list<VniSummary> vnis,    // ascending VNI
  2: bool more,                // true: call again with after_vni = the last VNI here
  3: i64 total_vnis,
}

struct ReplaceResult {
  1: i32 added,
  2: i32 removed,
  3: i32 kept,
}

// ---- counters ----

struct VniCounters {
  1: i32 vni,
  2: i64 frames_in,
  3: i64 bytes_in,
  4: i64 copies_out,
  5: i64 bytes_out,
  6: optional i64 source_not_member,  // frames the VNI's source check dropped (API 1.2)
  7: optional i64 storm_policed,      // frames a storm policer dropped (API 1.2)
}

struct PortCounters {
  1: string name,
  2: string kernel_ifname,
  3: i64 rx_packets,
  4: i64 tx_packets,
  5: i64 rx_bytes,
  6: i64 tx_bytes,
  7: i64 rx_missed,
  8: i64 rx_errors,
  9: i64 tx_errors,
  // AF_XDP ports: frames the kernel dropped because the port's AF_XDP RX ring was full
  // (the socket's XDP_STATISTICS rx_ring_full; not part of rx_missed); 0 on other ports.
  // (API 1.4)
  10: optional i64 rx_ring_full,
}

// Counted since the last resetCounters() (or the daemon's start). Reset never touches the
// datapath: the node keeps its running totals (the stats file keeps them too) and the API
// reports the difference.
struct Counters {
  1: double since_reset_s,
  2: i64 rx_frames,
  3: i64 rx_bytes,
  4: i64 tx_copies,
  5: i64 tx_bytes,
  6: i64 host_frames,          // frames steered to the host kernel instead of replicated
  7: map<string, i64> drops,   // by drop reason label ("vxlan_bad_flags", ...)
  8: list<VniCounters> vnis,   // ascending VNI
  9: list<PortCounters> ports,
}

// ---- HA ----

struct Peer {
  1: string node_id,
  2: string address,
  3: string state,             // "unknown" (never heard), "syncing", "up", "down"
  4: i64 lag_ms,               // age of the peer's last message when it arrived
  5: i64 last_sequence,        // the peer's last change applied here
  6: i64 silent_ms,            // since the peer was last heard; -1: never
  7: i64 resyncs,              // snapshots fetched from it
  8: i64 gaps,                 // sequence gaps detected in its stream
}

// ---- storm control ----

// A storm policer for a range of VNIs (each VNI its own bucket); 0 = that dimension unlimited.
struct StormLimit {
  1: i32 first_vni,
  2: i32 last_vni,
  3: i64 frames_per_s,
  4: i64 bytes_per_s,
}

// ---- config ----

struct ConfigDump {
  1: string path,              // the file reloadConfig() reads
  2: string toml,              // the running configuration, rendered (API changes included)
}

struct ReloadResult {
  1: i64 table_generation,
  // Keys that differ in the file but change only on restart (ports, service addresses...).
  2: list<string> restart_required,
}

service Management {
  NodeInfo getInfo(),

  // VNIs in the table (with members, or configured without any), ascending, after
  // `after_vni` (0: from the start); at most `limit` (1..10000) per page.
  VniPage listVnis(1: i32 after_vni, 2: i32 limit)
      throws (1: InvalidArgument invalid),

  list<Member> listMembers(1: i32 vni)
      throws (1: InvalidArgument invalid, 2: NotFound not_found),

  // Adds `address` as a static member of `vni` (creating the VNI). Adding a member that
  // is already static changes nothing and succeeds.
  Member addMember(1: i32 vni, 2: string address)
      throws (1: InvalidArgument invalid, 2: CapacityExceeded capacity,
              3: NotPermitted not_permitted),

  // Adds every address as a static member of `vni` (creating the VNI) in one step (API
  // 1.3): the datapath gets one new table for the whole list, and a bad or duplicated
  // address or a capacity problem refuses the call before anything changes. Addresses that
  // are already static change nothing. At most 10000 addresses; returns them in order.
  list<Member> addMembers(1: i32 vni, 2: list<string> addresses)
      throws (1: InvalidArgument invalid, 2: CapacityExceeded capacity,
              3: NotPermitted not_permitted),

  // Removes the member's static source and withdraws its registrations (a VTEP that
  // registers again comes back). A member replicated from a peer node is removed on every
  // node (with HA, the removal is the latest write for the key). A member also held by
  // learning is refused with NotPermitted and nothing changes: flushLearned removes learned
  // entries.
  void removeMember(1: i32 vni, 2: string address)
      throws (1: InvalidArgument invalid, 2: NotFound not_found,
              3: NotPermitted not_permitted),

  // Removes every learned-only entry of `vni` (and the learned source of the others);
  // returns how many entries lost their learned source.
  i32 flushLearned(1: i32 vni)
      throws (1: InvalidArgument invalid, 2: NotFound not_found),

  // Makes `addresses` exactly the static members of `vni`, in one step: the datapath never
  // sees a half-replaced list. An empty list removes every static member.
  ReplaceResult replaceStaticMembers(1: i32 vni, 2: list<string> addresses)
      throws (1: InvalidArgument invalid, 2: CapacityExceeded capacity,
              3: NotPermitted not_permitted),

  // Polices the floods of a VNI range from now on (a rule after the config file's, so it
  // wins for those VNIs); in the running config until the next reload or restart. A limit
  // whose bucket (storm_control.burst_ms) cannot hold one frame / one 9216-byte frame is
  // refused. (API 1.2)
  void setStormControl(1: StormLimit limit)
      throws (1: InvalidArgument invalid),

  Counters getCounters(),
  // Returns the counters up to now and starts counting from zero.
  Counters resetCounters(),

  list<Peer> listPeers(),

  ConfigDump getConfig(),
  // Re-reads the config file (as SIGHUP does) and applies what changed in it since it was
  // last read; members added or removed through this API otherwise stay. A bad file is
  // refused as a whole, with the key named in InvalidArgument.field, and the running
  // config stays.
  ReloadResult reloadConfig()
      throws (1: InvalidArgument invalid),
}
