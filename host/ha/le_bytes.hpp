// Little-endian, length-checked byte encoding: what the replication messages
// (wire_codec) and the state file (host/state) are written and read with.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace vxsn {

// Fixed-width little-endian stores; the compiler turns each into one move.
template <class T>
char* put_le(char* p, T v) {
  auto u = static_cast<std::make_unsigned_t<T>>(v);
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<char>((u >> (8 * i)) & 0xff);
  return p + sizeof(T);
}

template <class T>
T get_le(const char* p) {
  std::make_unsigned_t<T> u = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    u |= static_cast<decltype(u)>(static_cast<uint8_t>(p[i])) << (8 * i);
  return static_cast<T>(u);
}

class LeWriter {
 public:
  explicit LeWriter(std::string& out) : out_(out) {}
  template <class T>
  void num(T v) {
    char b[sizeof(T)];
    put_le(b, v);
    out_.append(b, sizeof(T));
  }
  // A length byte, then at most 255 bytes of `s` (longer is cut, never corrupts the frame).
  void str(std::string_view s) {
    s = s.substr(0, std::min<size_t>(s.size(), 255));
    num<uint8_t>(static_cast<uint8_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  void bytes(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }

 private:
  std::string& out_;
};

class LeReader {
 public:
  explicit LeReader(std::string_view in) : in_(in) {}
  template <class T>
  bool num(T& v) {
    const char* p = take(sizeof(T));
    if (!p) return false;
    v = get_le<T>(p);
    return true;
  }
  bool str(std::string& s) {
    uint8_t n;
    if (!num(n) || in_.size() - pos_ < n) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool bytes(uint8_t* p, size_t n) {
    const char* src = take(n);
    if (!src) return false;
    std::memcpy(p, src, n);
    return true;
  }
  // The next `n` bytes, or nullptr if the input is shorter: one check for several fields.
  const char* take(size_t n) {
    if (in_.size() - pos_ < n) return nullptr;
    const char* p = in_.data() + pos_;
    pos_ += n;
    return p;
  }
  bool done() const { return pos_ == in_.size(); }
  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace vxsn
