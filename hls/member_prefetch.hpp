// Member prefetch: the VNI lookup and the member records, read from the table bank ahead
// of the copies (from the frame's header beats, not after its last beat), so no table
// read ever sits between two copies on the egress stream.
//
//   lookup_vni     one call per frame: bank header word, then the (at most three) VNI-table
//                  words holding the kMaxProbes slots from the home slot. A pipelined
//                  function: II=4 (four reads on the table port), latency ~2L+4 cycles
//                  for a table read latency L; successive frames' lookups overlap.
//   fetch_members  one call per frame: the member records, two table words each, in one
//                  loop at II=1 (a word per cycle, a record every second cycle), latency
//                  ~L+2; `rewind`: the next frame's reads follow without a drain.
//
// Each has its own m_axi port on the table memory (lookup_vni: bundle gmem_lookup,
// fetch_members: bundle gmem_members; the host binds one buffer to both), so the two
// processes never share a read channel.
#pragma once

#include "hls/replicate_channels.hpp"

namespace vxsn::hw {

void lookup_vni(LookupRequestStream& requests, const Word512* table_mem, MemberListStream& lists);

void fetch_members(MemberListStream& lists_in, const Word512* member_mem,
                   MemberListStream& lists_out, MemberRecordStream& records);

}  // namespace vxsn::hw
