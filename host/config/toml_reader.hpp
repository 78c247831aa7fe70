// Reads typed values out of a TOML tree, so every configuration error can name the file,
// the line and the dotted key. Shared by every section's parser (host/config, host/ha).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "hls/vxlan_wire.hpp"
#include "host/config/config.hpp"

namespace vxsn {

class TomlReader {
 public:
  explicit TomlReader(const std::string& source) : source_(source) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& key,
                         const std::string& what) const {
    throw ConfigError(source_, node.source().begin.line, key, what);
  }

  // Refuses keys the daemon does not know: a typo must not silently fall back to a default.
  void only_keys(const toml::table& table, const std::string& prefix,
                 std::initializer_list<std::string_view> allowed) const {
    only_keys_of(table, prefix, allowed);
  }
  template <class Keys>  // any range of std::string_view
  void only_keys_of(const toml::table& table, const std::string& prefix,
                    const Keys& allowed) const {
    for (auto&& [k, v] : table) {
      bool known = false;
      for (auto a : allowed) known |= (k.str() == a);
      if (!known) fail(v, join(prefix, k.str()), "unknown key");
    }
  }

  static std::string join(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  }

  std::string string(const toml::node& n, const std::string& key) const {
    if (auto v = n.value<std::string>(); v && n.is_string()) return *v;
    fail(n, key, "expected a string");
  }

  int64_t integer(const toml::node& n, const std::string& key, int64_t lo, int64_t hi) const {
    if (!n.is_integer()) fail(n, key, "expected an integer");
    int64_t v = *n.value<int64_t>();
    if (v < lo || v > hi)
      fail(n, key,
           "must be " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " +
               std::to_string(v));
    return v;
  }

  IpAddr address(const toml::node& n, const std::string& key) const {
    auto text = string(n, key);
    auto ip = IpAddr::parse(text);
    if (!ip) fail(n, key, "not an IPv4 or IPv6 address: '" + text + "'");
    return *ip;
  }

  std::vector<IpAddr> addresses(const toml::node& n, const std::string& key) const {
    const toml::array* arr = n.as_array();
    if (!arr) fail(n, key, "expected an array of addresses");
    std::vector<IpAddr> out;
    for (size_t i = 0; i < arr->size(); ++i)
      out.push_back(address((*arr)[i], key + "[" + std::to_string(i) + "]"));
    return out;
  }

  bool boolean(const toml::node& n, const std::string& key) const {
    if (!n.is_boolean()) fail(n, key, "expected true or false");
    return *n.value<bool>();
  }

  // "100-199", "100" or an integer.
  VniRange vni_range(const toml::node& n, const std::string& key) const {
    VniRange r;
    if (n.is_integer()) {
      r.first = r.last = static_cast<uint32_t>(integer(n, key, 0, wire::kVniMax));
      return r;
    }
    const std::string text = string(n, key);
    const auto dash = text.find('-');
    auto number = [&](const std::string& part) -> uint32_t {
      if (part.empty() || part.size() > 8 ||
          part.find_first_not_of("0123456789") != std::string::npos)
        fail(n, key, "expected a VNI or a range \"first-last\", got \"" + text + "\"");
      const unsigned long v = std::stoul(part);
      if (v > wire::kVniMax) fail(n, key, "VNI " + part + " exceeds 24 bits");
      return static_cast<uint32_t>(v);
    };
    r.first = number(text.substr(0, dash));
    r.last = dash == std::string::npos ? r.first : number(text.substr(dash + 1));
    if (r.last < r.first) fail(n, key, "range \"" + text + "\" ends before it starts");
    return r;
  }

  const toml::table& table(const toml::node& n, const std::string& key) const {
    if (!n.is_table()) fail(n, key, "expected a table");
    return *n.as_table();
  }

 private:
  const std::string& source_;
};

}  // namespace vxsn
