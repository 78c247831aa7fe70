#include "host/registration/registration_handler.hpp"

#include <algorithm>
#include <map>

#include "host/config/member_address.hpp"

namespace vxsn {

RegistrationHandler::RegistrationHandler(MembershipStore& store, RegistrationHandlerConfig config,
                                         SteadyNow now)
    : store_(store),
      config_(config),
      rate_(config.rate, now),
      quota_(now),
      limits_(std::make_shared<const RegistrationLimits>(config.limits)) {}

void RegistrationHandler::set_access_check(AccessCheck check) {
  auto next = check ? std::make_shared<const AccessCheck>(std::move(check)) : nullptr;
  std::lock_guard lock(shared_mutex_);
  access_ = std::move(next);
}

void RegistrationHandler::set_limits(const RegistrationLimits& limits) {
  auto next = std::make_shared<const RegistrationLimits>(limits);
  std::lock_guard lock(shared_mutex_);
  limits_ = std::move(next);
}

std::shared_ptr<const AccessCheck> RegistrationHandler::access_check() const {
  std::lock_guard lock(shared_mutex_);
  return access_;
}

std::shared_ptr<const RegistrationLimits> RegistrationHandler::limits() const {
  std::lock_guard lock(shared_mutex_);
  return limits_;
}

bool RegistrationHandler::apply(uint32_t vni, const IpAddr& vtep, const RefreshMessage& request,
                                const IpAddr& source, const RegistrationLimits& limits) {
  const bool withdrawal = request.holdtime == kHoldtimeWithdraw;
  if (!withdrawal) {
    switch (quota_.check(vni, vtep, request.identifier, source, limits.quota)) {
      case QuotaVerdict::kAdmit:
        break;
      case QuotaVerdict::kOverIdentifier:
        bump(counters_.refused_identifier_limit);
        return false;
      case QuotaVerdict::kOverSource:
        bump(counters_.refused_source_limit);
        return false;
      case QuotaVerdict::kFull:
        bump(counters_.refused_tracking_full);
        return false;
    }
  }
  switch (store_.register_vtep(vni, vtep, request.identifier, request.holdtime, source)) {
    case StoreResult::kOk:
      bump(counters_.applied);
      if (withdrawal) {
        bump(counters_.withdrawn);
        quota_.release(vni, vtep, request.identifier);
        return false;
      }
      quota_.commit(vni, vtep, request.identifier, source, request.holdtime);
      return true;
    case StoreResult::kRefusedLimit:
      // Still listed in the reply: vxrd drops a list that lacks its own address, and the
      // rest of the list is true.
      bump(counters_.refused_limit);
      return !withdrawal;
    case StoreResult::kRefusedNotAllowed:
      bump(counters_.refused_not_allowed);
      return false;
    case StoreResult::kRefusedRate:
      bump(counters_.refused_rate);
      return false;
  }
  return false;
}

void RegistrationHandler::add_own_vnis(ReplyPlan& plan, const IpAddr& source,
                                       const AccessCheck* access) const {
  for (uint32_t vni : store_.vnis()) {
    if (plan.contains(vni) || (access && !(*access)(vni, source))) continue;
    std::vector<IpAddr> members = store_.members(vni);
    if (std::find(members.begin(), members.end(), source) == members.end()) continue;
    plan.emplace(vni, ReplyVni{vni, {source}, std::move(members)});
  }
}

std::vector<std::vector<uint8_t>> RegistrationHandler::handle(std::span<const uint8_t> datagram,
                                                              const IpAddr& source,
                                                              size_t max_reply_payload) {
  bump(counters_.received);
  if (datagram.size() > config_.max_request_bytes) {
    bump(counters_.malformed[static_cast<size_t>(RefreshDecodeError::kOversized)]);
    return {};
  }
  RefreshDecodeResult decoded = decode_refresh(datagram);
  if (!decoded.ok()) {
    bump(counters_.malformed[static_cast<size_t>(decoded.error)]);
    return {};
  }
  bump(counters_.decoded);
  if (!rate_.admit(source)) {
    bump(counters_.refused_datagram_rate);
    return {};
  }
  RefreshMessage& request = decoded.message;
  const auto limits = this->limits();
  // Nothing registered lives longer than the cap, "never expires" included: a registration
  // (spoofed or forgotten) always ages out.
  if (request.holdtime > limits->max_holdtime_s) {
    request.holdtime = limits->max_holdtime_s;
    bump(counters_.holdtime_clamped);
  }
  const auto access = access_check();
  auto allowed = [&](uint32_t vni, const IpAddr& a) { return !access || (*access)(vni, a); };

  // Requested VNIs the requester may see, with its own addresses in each (what a reply must
  // repeat). Withdrawn addresses and those refused are not its own.
  ReplyPlan plan;
  for (const VniMembers& record : request.vteps) {
    if (!allowed(record.vni, source)) {
      // A stranger neither registers nor learns who is in the VNI.
      counters_.refused_not_allowed.fetch_add(std::max<size_t>(record.vteps.size(), 1),
                                              std::memory_order_relaxed);
      continue;
    }
    ReplyVni& entry = plan.try_emplace(record.vni, ReplyVni{record.vni, {}, {}}).first->second;
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
      if (apply(record.vni, vtep, request, source, *limits)) entry.own.push_back(vtep);
    }
  }

  if (request.response_type == ResponseType::kNone) return {};
  // Asked about named VNIs and may see none of them: nothing to say.
  if (request.response_type == ResponseType::kRequestedVnis && plan.empty()) return {};
  for (auto& [vni, entry] : plan) entry.members = store_.members(vni);
  // "Every VNI" from a source anyone can spoof: only where that source is itself a member.
  if (request.response_type == ResponseType::kAllVnis) add_own_vnis(plan, source, access.get());

  std::vector<ReplyVni> reply;
  reply.reserve(plan.size());
  for (auto& [vni, entry] : plan) reply.push_back(std::move(entry));
  const size_t max_total =
      limits->max_reply_factor == 0 ? SIZE_MAX : limits->max_reply_factor * datagram.size();
  BoundedReply built = build_bounded_reply(request.version, limits->reply_holdtime_s, reply,
                                           max_reply_payload, max_total);
  if (built.unbuildable) bump(counters_.reply_unbuildable);
  if (built.truncated) bump(counters_.replies_truncated);
  return std::move(built.datagrams);
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
  c.replies_truncated = load(counters_.replies_truncated);
  c.holdtime_clamped = load(counters_.holdtime_clamped);
  c.refused_not_allowed = load(counters_.refused_not_allowed);
  c.refused_rate = load(counters_.refused_rate);
  c.refused_datagram_rate = load(counters_.refused_datagram_rate);
  c.refused_limit = load(counters_.refused_limit);
  c.refused_identifier_limit = load(counters_.refused_identifier_limit);
  c.refused_source_limit = load(counters_.refused_source_limit);
  c.refused_tracking_full = load(counters_.refused_tracking_full);
  c.refused_bad_address = load(counters_.refused_bad_address);
  for (size_t i = 0; i < kRefreshDecodeErrorCount; ++i)
    c.malformed[i] = load(counters_.malformed[i]);
  return c;
}

}  // namespace vxsn
