// A reload applies the file's change to the running static members and keeps the API's.
#include "host/config/static_members.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace vxsn {
namespace {

IpAddr ip(const char* text) {
  return *IpAddr::parse(text);
}

// VNI -> member texts, for comparisons that ignore order.
std::map<uint32_t, std::set<std::string>> view(const std::vector<StaticVni>& vnis) {
  std::map<uint32_t, std::set<std::string>> out;
  for (const StaticVni& v : vnis) {
    auto& m = out[v.vni];
    for (const IpAddr& a : v.members) m.insert(a.to_string());
  }
  return out;
}

const IpAddr a = ip("10.0.0.1"), b = ip("10.0.0.2"), c = ip("10.0.0.3"), d = ip("10.0.0.4");

TEST(ApplyFileChange, UnchangedFileKeepsTheApiChanges) {
  // File: 100 {a, b}. API since: removed b, added c.
  const std::vector<StaticVni> file{{100, {a, b}}};
  const std::vector<StaticVni> running{{100, {a, c}}};
  EXPECT_EQ(view(apply_file_change(running, file, file)),
            (std::map<uint32_t, std::set<std::string>>{{100, {"10.0.0.1", "10.0.0.3"}}}));
}

TEST(ApplyFileChange, FileAdditionsAndRemovalsApply) {
  const std::vector<StaticVni> old_file{{100, {a, b}}};
  const std::vector<StaticVni> new_file{{100, {b, d}}};  // dropped a, added d
  const std::vector<StaticVni> running{{100, {a, c}}};   // API: removed b, added c
  // a goes (the file dropped it), d comes, c stays (API), b stays removed (unchanged in
  // the file, so the API's removal holds).
  EXPECT_EQ(view(apply_file_change(running, old_file, new_file)),
            (std::map<uint32_t, std::set<std::string>>{{100, {"10.0.0.3", "10.0.0.4"}}}));
}

TEST(ApplyFileChange, NewVniIsConfiguredEvenEmpty) {
  const std::vector<StaticVni> old_file{{100, {a}}};
  const std::vector<StaticVni> new_file{{100, {a}}, {200, {}}, {300, {b}}};
  auto out = apply_file_change(old_file, old_file, new_file);
  EXPECT_EQ(view(out), (std::map<uint32_t, std::set<std::string>>{
                           {100, {"10.0.0.1"}}, {200, {}}, {300, {"10.0.0.2"}}}));
}

TEST(ApplyFileChange, DroppedVniGoesUnlessTheApiGaveItMembers) {
  const std::vector<StaticVni> old_file{{100, {a}}, {200, {b}}};
  const std::vector<StaticVni> new_file{};
  const std::vector<StaticVni> running{{100, {a}}, {200, {b, c}}};  // API added c to 200
  EXPECT_EQ(view(apply_file_change(running, old_file, new_file)),
            (std::map<uint32_t, std::set<std::string>>{{200, {"10.0.0.3"}}}));
}

TEST(ApplyFileChange, MemberTheApiAlsoAddedIsNotDoubled) {
  const std::vector<StaticVni> old_file{{100, {a}}};
  const std::vector<StaticVni> new_file{{100, {a, c}}};
  const std::vector<StaticVni> running{{100, {a, c}}};  // API added c before the file did
  auto out = apply_file_change(running, old_file, new_file);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].members.size(), 2u);
}

TEST(DropEmptiedVnis, AnEmptiedVniGoesUnlessTheFileConfiguresIt) {
  // File: 100 {a}, 300 {} (exists for learning). API since: 200 {b} made, then emptied; 100
  // emptied too.
  const std::vector<StaticVni> file{{100, {a}}, {300, {}}};
  std::vector<StaticVni> running{{100, {}}, {200, {}}, {300, {}}, {400, {c}}};
  EXPECT_EQ(drop_emptied_vnis(running, file), 1u);
  EXPECT_EQ(view(running),
            (std::map<uint32_t, std::set<std::string>>{{100, {}}, {300, {}}, {400, {"10.0.0.3"}}}));
}

}  // namespace
}  // namespace vxsn
