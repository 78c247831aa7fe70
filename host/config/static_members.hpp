// How a reload meets the running static members: it applies what changed in the file since
// it was last read, so members added or removed through the management API since stay as
// they are (and, with HA, a reload on one node does not undo API changes cluster-wide).
#pragma once

#include <vector>

#include "host/config/config.hpp"

namespace vxsn {

// `running` with the file's change from `old_file` to `new_file` applied: members the file
// dropped go, members it added come, VNIs it added are configured (empty if need be), a
// VNI it dropped goes once none of its members is left. Everything else stays, in order.
std::vector<StaticVni> apply_file_change(const std::vector<StaticVni>& running,
                                         const std::vector<StaticVni>& old_file,
                                         const std::vector<StaticVni>& new_file);

// Drops from `running` every VNI left without members (by the API or a peer's write) that
// the file does not list: a VNI with no members left disappears from the table, unless the
// operator's file configures it (an empty [[vni]] is how a VNI exists for learning).
// Returns how many went.
size_t drop_emptied_vnis(std::vector<StaticVni>& running, const std::vector<StaticVni>& file);

}  // namespace vxsn
