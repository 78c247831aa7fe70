#include "host/registration/refresh_codec.hpp"

#include <algorithm>

#include "host/registration/vxfld_registration.pb.h"

namespace vxsn {
namespace {

namespace pb = registration::pb;

constexpr size_t kTypeHeaderBytes = 2;          // u8 version, u8 type
constexpr size_t kV1FixedBytes = 4;             // u16 originator, u16 holdtime
constexpr size_t kV2FixedBytes = 6;             // ... u16 response_type
constexpr size_t kBinaryRecordHeaderBytes = 6;  // u32 vni, u16 count
constexpr size_t kMaxBinaryCount = 0xFFFF;

uint16_t read_be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t read_be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
void put_be16(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  put_be16(out, v >> 16);
  put_be16(out, v & 0xFFFF);
}

size_t varint_bytes(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

bool is_protobuf_version(uint8_t version) {
  return version >= 3;
}

RefreshDecodeResult fail(RefreshDecodeError e) {
  RefreshDecodeResult r;
  r.error = e;
  return r;
}

RefreshDecodeResult decode_binary(uint8_t version, std::span<const uint8_t> body) {
  const size_t fixed = version == 1 ? kV1FixedBytes : kV2FixedBytes;
  if (body.size() < fixed) return fail(RefreshDecodeError::kTruncated);
  RefreshDecodeResult r;
  RefreshMessage& m = r.message;
  m.version = version;
  const uint16_t originator = read_be16(&body[0]);
  if (originator > 1) return fail(RefreshDecodeError::kBadOriginator);
  m.originator = originator == 1;
  m.holdtime = read_be16(&body[2]);
  // A v1 request has no response_type and is answered as if it asked for every VNI.
  uint16_t response_type = static_cast<uint16_t>(ResponseType::kAllVnis);
  if (version == 2) response_type = read_be16(&body[4]);
  if (response_type > static_cast<uint16_t>(ResponseType::kAllVnis)) {
    return fail(RefreshDecodeError::kBadResponseType);
  }
  m.response_type = static_cast<ResponseType>(response_type);

  size_t at = fixed;
  while (at < body.size()) {
    if (body.size() - at < kBinaryRecordHeaderBytes) {
      return fail(RefreshDecodeError::kTrailingGarbage);
    }
    const uint32_t vni = read_be32(&body[at]);
    const size_t count = read_be16(&body[at + 4]);
    at += kBinaryRecordHeaderBytes;
    if (vni > kMaxVni) return fail(RefreshDecodeError::kVniOutOfRange);
    if (count * 4 > body.size() - at) return fail(RefreshDecodeError::kCountOverrun);
    VniMembers record{vni, {}};
    record.vteps.reserve(count);
    for (size_t i = 0; i < count; ++i, at += 4) record.vteps.push_back(IpAddr::v4(&body[at]));
    m.vteps.push_back(std::move(record));
  }
  return r;
}

RefreshDecodeResult decode_protobuf(uint8_t version, std::span<const uint8_t> body) {
  pb::Refresh refresh;
  // Partial parse plus our own required-field check: ParseFromArray logs every message with a
  // missing required field, which a stream of garbage would turn into a log flood.
  if (!refresh.ParsePartialFromArray(body.data(), static_cast<int>(body.size())) ||
      !refresh.IsInitialized()) {
    return fail(RefreshDecodeError::kBadProtobuf);
  }
  RefreshDecodeResult r;
  RefreshMessage& m = r.message;
  m.version = version;
  m.originator = refresh.originator();
  m.holdtime = refresh.holdtime();  // absent means 90 (the field's default), not 0
  if (m.holdtime > kMaxHoldtime) return fail(RefreshDecodeError::kHoldtimeOutOfRange);
  if (refresh.response_type() > static_cast<uint32_t>(ResponseType::kAllVnis)) {
    return fail(RefreshDecodeError::kBadResponseType);
  }
  m.response_type = static_cast<ResponseType>(refresh.response_type());
  m.identifier = refresh.identifier();
  m.vteps.reserve(refresh.vteps_size());
  for (const pb::VniDict& dict : refresh.vteps()) {
    if (dict.vni() > kMaxVni) return fail(RefreshDecodeError::kVniOutOfRange);
    if (dict.ipv6_address_size() > 0 && version < kRefreshVersionIpv6) {
      return fail(RefreshDecodeError::kIpv6NotInVersion);
    }
    VniMembers record{dict.vni(), {}};
    record.vteps.reserve(dict.data_size() + dict.ipv6_address_size());
    for (const pb::VniData& data : dict.data()) {
      const auto& octets = data.ip_addr().address();
      if (octets.size() != 4) return fail(RefreshDecodeError::kBadAddress);
      uint8_t bytes[4];
      for (int i = 0; i < 4; ++i) {
        if (octets[i] > 0xFF) return fail(RefreshDecodeError::kBadAddress);
        bytes[i] = static_cast<uint8_t>(octets[i]);
      }
      record.vteps.push_back(IpAddr::v4(bytes));
    }
    for (const std::string& v6 : dict.ipv6_address()) {
      if (v6.size() != 16) return fail(RefreshDecodeError::kBadAddress);
      record.vteps.push_back(IpAddr::v6(reinterpret_cast<const uint8_t*>(v6.data())));
    }
    m.vteps.push_back(std::move(record));
  }
  return r;
}

void encode_binary(const RefreshMessage& m, std::vector<uint8_t>& out) {
  put_be16(out, m.originator ? 1 : 0);
  put_be16(out, std::min(m.holdtime, kMaxHoldtime));
  if (m.version == 2) put_be16(out, static_cast<uint16_t>(m.response_type));
  for (const VniMembers& record : m.vteps) {
    std::vector<const IpAddr*> v4;
    for (const IpAddr& a : record.vteps) {
      if (a.is_v4()) v4.push_back(&a);
    }
    size_t done = 0;
    do {  // an empty list still writes its record: "this VNI has no members"
      const size_t count = std::min(v4.size() - done, kMaxBinaryCount);
      put_be32(out, record.vni);
      put_be16(out, static_cast<uint32_t>(count));
      for (size_t i = 0; i < count; ++i) {
        const auto& b = v4[done + i]->bytes;
        out.insert(out.end(), b.begin(), b.begin() + 4);
      }
      done += count;
    } while (done < v4.size());
  }
}

void encode_protobuf(const RefreshMessage& m, std::vector<uint8_t>& out) {
  pb::Refresh refresh;
  refresh.set_originator(m.originator);
  refresh.set_holdtime(m.holdtime);
  refresh.set_response_type(static_cast<uint32_t>(m.response_type));
  refresh.set_identifier(m.identifier);
  for (const VniMembers& record : m.vteps) {
    pb::VniDict* dict = refresh.add_vteps();
    dict->set_vni(record.vni);
    for (const IpAddr& a : record.vteps) {
      if (a.is_v4()) {
        pb::IPv4Address* ip = dict->add_data()->mutable_ip_addr();
        for (int i = 0; i < 4; ++i) ip->add_address(a.bytes[i]);
      } else if (a.is_v6() && m.version >= kRefreshVersionIpv6) {
        dict->add_ipv6_address(reinterpret_cast<const char*>(a.bytes.data()), 16);
      }
    }
  }
  const size_t header = out.size();
  out.resize(header + refresh.ByteSizeLong());
  refresh.SerializeWithCachedSizesToArray(out.data() + header);
}

}  // namespace

RefreshDecodeResult decode_refresh(std::span<const uint8_t> datagram) {
  if (datagram.size() > kMaxRefreshBytes) return fail(RefreshDecodeError::kOversized);
  if (datagram.size() < kTypeHeaderBytes) return fail(RefreshDecodeError::kTruncated);
  const uint8_t version = datagram[0];
  const uint8_t type = datagram[1];
  if (version < kRefreshVersionMin || version > kRefreshVersionIpv6) {
    return fail(RefreshDecodeError::kBadVersion);
  }
  if (type == static_cast<uint8_t>(MessageType::kProxy) ||
      type == static_cast<uint8_t>(MessageType::kSync)) {
    return fail(RefreshDecodeError::kTypeNotServed);
  }
  if (type != static_cast<uint8_t>(MessageType::kRefresh)) {
    return fail(RefreshDecodeError::kUnknownType);
  }
  const auto body = datagram.subspan(kTypeHeaderBytes);
  return is_protobuf_version(version) ? decode_protobuf(version, body)
                                      : decode_binary(version, body);
}

std::vector<uint8_t> encode_refresh(const RefreshMessage& message) {
  std::vector<uint8_t> out;
  out.push_back(message.version);
  out.push_back(static_cast<uint8_t>(MessageType::kRefresh));
  if (is_protobuf_version(message.version)) {
    encode_protobuf(message, out);
  } else {
    encode_binary(message, out);
  }
  return out;
}

namespace refresh_size {

size_t header_bytes(const RefreshMessage& m) {
  if (m.version == 1) return kTypeHeaderBytes + kV1FixedBytes;
  if (m.version == 2) return kTypeHeaderBytes + kV2FixedBytes;
  // One-byte tags for fields 1-4; bool is one byte.
  return kTypeHeaderBytes + 2 + 1 + varint_bytes(m.holdtime) + 1 +
         varint_bytes(static_cast<uint32_t>(m.response_type)) + 1 + varint_bytes(m.identifier);
}

size_t address_bytes(uint8_t version, const IpAddr& a) {
  if (!is_protobuf_version(version)) return a.is_v4() ? 4 : 0;
  if (a.is_v4()) {
    size_t octets = 0;
    for (int i = 0; i < 4; ++i) octets += varint_bytes(a.bytes[i]);
    const size_t ipv4 = 1 + varint_bytes(octets) + octets;  // packed field 1
    const size_t data = 1 + varint_bytes(ipv4) + ipv4;      // VniData.ip_addr
    return 1 + varint_bytes(data) + data;                   // VniDict.data
  }
  if (a.is_v6() && version >= kRefreshVersionIpv6) return 1 + 1 + 16;  // VniDict.ipv6_address
  return 0;
}

size_t record_bytes(uint8_t version, uint32_t vni, size_t addresses_bytes) {
  if (!is_protobuf_version(version)) return kBinaryRecordHeaderBytes + addresses_bytes;
  const size_t dict = 1 + varint_bytes(vni) + addresses_bytes;
  return 1 + varint_bytes(dict) + dict;  // Refresh.vteps
}

}  // namespace refresh_size

}  // namespace vxsn
