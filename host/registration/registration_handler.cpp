#include "host/registration/registration_handler.hpp"

#include <algorithm>
#include <map>

#include "host/config/member_address.hpp"
#include "host/registration/reply_builder.hpp"

namespace vxsn {

RegistrationHandler::RegistrationHandler(MembershipStore& store, RegistrationHandlerConfig config,
                                         SteadyNow now)
    : store_(store), config_(config), rate_(config.rate, std::move(now)) {}

void RegistrationHandler::set_access_check(AccessCheck check) {
  auto next = check ? std::make_shared<const AccessCheck>(std::move(check)) : nullptr;
  std::lock_guard lock(access_mutex_);
  access_ = std::move(next);
}

std::shared_ptr<const AccessCheck> RegistrationHandler::access_check() const {
  std::lock_guard lock(access_mutex_);
  return access_;
}

std::vector<std::vector<uint8_t>> RegistrationHandler::handle(std::span<const uint8_t> datagram,
                                                              const IpAddr& source,
                                                              size_t max_reply_payload) {
  bump(counters_.received);
  if (datagram.size() > config_.max_request_bytes) {
    bump(counters_.malformed[static_cast<size_t>(RefreshDecodeError::kOversized)]);
    return {};
  }
  const RefreshDecodeResult decoded = decode_refresh(datagram);
  if (!decoded.ok()) {
    bump(counters_.malformed[static_cast<size_t>(decoded.error)]);
    return {};
  }
  bump(counters_.decoded);
  if (!rate_.admit(source)) {
    bump(counters_.refused_rate);
    return {};
  }
  const RefreshMessage& request = decoded.message;
  const auto access = access_check();
  auto allowed = [&](uint32_t vni, const IpAddr& a) { return !access || (*access)(vni, a); };

  // Requested VNIs the requester may see, with its own addresses in each (what a reply must
  // repeat). Withdrawn addresses and those refused by the allow-list are not its own.
  std::map<uint32_t, std::vector<IpAddr>> requested;
  for (const VniMembers& record : request.vteps) {
    if (!allowed(record.vni, source)) {
      // A stranger neither registers nor learns who is in the VNI.
      counters_.refused_not_allowed.fetch_add(std::max<size_t>(record.vteps.size(), 1),
                                              std::memory_order_relaxed);
      continue;
    }
    std::vector<IpAddr>& own = requested[record.vni];
    for (const IpAddr& listed : record.vteps) {
      // The version-4 extension may carry an IPv4 VTEP as IPv4-mapped IPv6: the table
      // holds it as IPv4, like every other source does.
      const IpAddr vtep = listed.normalised();
      if (member_address_problem(vtep)) {
        bump(counters_.refused_bad_address);
        continue;
      }
      if (!allowed(record.vni, vtep)) {
        bump(counters_.refused_not_allowed);
        continue;
      }
      switch (
          store_.register_vtep(record.vni, vtep, request.identifier, request.holdtime, source)) {
        case StoreResult::kOk:
          bump(counters_.applied);
          if (request.holdtime == kHoldtimeWithdraw) {
            bump(counters_.withdrawn);
          } else {
            own.push_back(vtep);
          }
          break;
        case StoreResult::kRefusedLimit:
          // Still listed in the reply: vxrd drops a list that lacks its own address, and the
          // rest of the list is true.
          bump(counters_.refused_limit);
          if (request.holdtime != kHoldtimeWithdraw) own.push_back(vtep);
          break;
        case StoreResult::kRefusedNotAllowed:
          bump(counters_.refused_not_allowed);
          break;
        case StoreResult::kRefusedRate:
          bump(counters_.refused_rate);
          break;
      }
    }
  }

  if (request.response_type == ResponseType::kNone) return {};
  // Asked about named VNIs and may see none of them: nothing to say.
  if (request.response_type == ResponseType::kRequestedVnis && requested.empty()) return {};
  if (request.response_type == ResponseType::kAllVnis) {
    for (uint32_t vni : store_.vnis()) {
      if (allowed(vni, source)) requested.try_emplace(vni);
    }
  }
  std::vector<ReplyVni> reply;
  reply.reserve(requested.size());
  for (auto& [vni, own] : requested) reply.push_back({vni, std::move(own), store_.members(vni)});
  auto datagrams =
      build_reply_datagrams(request.version, config_.reply_holdtime_s, reply, max_reply_payload);
  if (datagrams.empty()) bump(counters_.reply_unbuildable);
  return datagrams;
}

void RegistrationHandler::count_reply(bool sent) {
  bump(sent ? counters_.replies : counters_.reply_send_errors);
}

RegistrationCounters RegistrationHandler::counters() const {
  auto load = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  RegistrationCounters c;
  c.received = load(counters_.received);
  c.decoded = load(counters_.decoded);
  c.applied = load(counters_.applied);
  c.withdrawn = load(counters_.withdrawn);
  c.replies = load(counters_.replies);
  c.reply_send_errors = load(counters_.reply_send_errors);
  c.reply_unbuildable = load(counters_.reply_unbuildable);
  c.refused_not_allowed = load(counters_.refused_not_allowed);
  c.refused_rate = load(counters_.refused_rate);
  c.refused_limit = load(counters_.refused_limit);
  c.refused_bad_address = load(counters_.refused_bad_address);
  for (size_t i = 0; i < kRefreshDecodeErrorCount; ++i)
    c.malformed[i] = load(counters_.malformed[i]);
  return c;
}

}  // namespace vxsn
