// A VNI's member list compiled as an edit of its previous block (host/table/vni_edit_plan.hpp
// plans one): the members whose outer header template cannot have changed are copied from
// the block, only the others are compiled. The result equals FloodTableBuilder::compile_vni
// of the whole new list. Defined beside the builder (flood_table.cpp), whose member
// compilation and checks it shares.
#pragma once

#include <memory>
#include <vector>

#include "host/datapath/flood_table.hpp"

namespace vxsn {

struct VniEdit {
  // In the new order: runs of the block's members kept as compiled, each followed by new
  // members compiled from specs.
  struct Run {
    uint32_t base_begin = 0, base_end = 0;  // the block's members [begin, end), copied
    uint32_t specs_end = 0;                 // then specs [the previous run's end, this)
  };
  std::vector<Run> runs;
  std::vector<MemberSpec> specs;
};

// `base` compiled with `params` and `ports` (as a builder set with them would), changed by
// `edit`: the kept members are copied, the specs compiled and checked as compile_vni checks
// them (std::invalid_argument). A spec's address must not be a kept member's (not checked).
std::shared_ptr<const CompiledVni> compile_vni_edit(const ReplicationParams& params,
                                                    const std::vector<EgressPort>& ports,
                                                    const CompiledVni& base, const VniEdit& edit,
                                                    VniCounters* counters,
                                                    const VniPolicy& policy = {});

}  // namespace vxsn
