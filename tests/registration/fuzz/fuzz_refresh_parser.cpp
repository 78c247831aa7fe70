// libFuzzer target for the registration parser and the whole datagram path behind it (store
// updates, reply building). Besides "no crash, no sanitizer report", it checks invariants:
// a decoded message re-encodes to one that decodes the same, and every reply fits the MTU,
// decodes, and carries IPv6 only for a version 4 requester, and all replies together stay
// within the amplification bound.
#include <cstdint>
#include <cstdlib>

#include "host/registration/refresh_codec.hpp"
#include "host/registration/registration_handler.hpp"
#include "tests/registration/fake_membership_store.hpp"

namespace {

constexpr size_t kMaxReplyPayload = 1472;

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vxsn;
  const std::span<const uint8_t> datagram(data, size);
  const RefreshDecodeResult decoded = decode_refresh(datagram);
  if (decoded.ok()) {
    const RefreshDecodeResult again = decode_refresh(encode_refresh(decoded.message));
    require(again.ok() && again.message == decoded.message);
  }

  // A fresh store per input keeps every run independent and small.
  test::FakeMembershipStore store(64);
  RegistrationHandler handler(store, RegistrationHandlerConfig{});
  const uint8_t source_bytes[4] = {10, 0, 0, 1};
  const auto replies = handler.handle(datagram, IpAddr::v4(source_bytes), kMaxReplyPayload);
  size_t reply_bytes = 0;
  for (const auto& reply : replies) {
    reply_bytes += reply.size();
    require(reply.size() <= kMaxReplyPayload);
    const RefreshDecodeResult r = decode_refresh(reply);
    require(r.ok() && r.message.version == decoded.message.version);
    for (const auto& record : r.message.vteps) {
      for (const auto& a : record.vteps) require(a.is_v4() || r.message.version >= 4);
    }
  }
  require(reply_bytes <= kDefaultMaxReplyFactor * size);  // the amplification bound
  const auto c = handler.counters();
  require(c.received == 1 && c.decoded + c.malformed_total() == 1);
  return 0;
}
