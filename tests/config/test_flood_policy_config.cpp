// [table] source_check, [[source_check]], [storm_control] and [[storm_control.vni]]: what
// they parse to, how the rules resolve per VNI, the errors that name the key, and the
// warnings --check-config prints.
#include <gtest/gtest.h>

#include "host/config/config.hpp"
#include "host/config/config_warnings.hpp"
#include "host/table/vni_policy_rules.hpp"

namespace vxsn {
namespace {

const std::string kBase =
    "[node]\nservice_addresses=[\"10.0.0.1\"]\n[[port]]\ndevice = \"net_ring0\"\n";

Config parse(const std::string& extra) {
  return parse_config(kBase + extra, "policy.toml");
}

TEST(FloodPolicyConfig, DefaultsAreLearnAndUnpoliced) {
  const Config c = parse("");
  EXPECT_EQ(c.table.source_check, SourceCheck::kLearn);
  EXPECT_FALSE(c.storm.per_vni.limits());
  EXPECT_FALSE(c.storm.per_vtep.limits());
  EXPECT_EQ(c.storm.burst_ms, 100u);
  const VniPolicy p = VniPolicyRules(c).for_vni(42);
  EXPECT_EQ(p.source_check, SourceCheck::kLearn);
  EXPECT_FALSE(p.storm.limits());
}

TEST(FloodPolicyConfig, LastCoveringRuleWinsPerVni) {
  const Config c = parse(R"(
[table]
source_check = "open"
[[source_check]]
vnis = "100-199"
mode = "learn"
[[source_check]]
vnis = "150"
mode = "strict"
[storm_control]
vni_frames_per_s = 5000
vtep_frames_per_s = 20000
vtep_bytes_per_s = 200000000
burst_ms = 200
[[storm_control.vni]]
vnis = "100-199"
frames_per_s = 100
bytes_per_s = 1000000
)");
  const VniPolicyRules rules(c);
  EXPECT_EQ(rules.for_vni(99).source_check, SourceCheck::kOpen);
  EXPECT_EQ(rules.for_vni(100).source_check, SourceCheck::kLearn);
  EXPECT_EQ(rules.for_vni(150).source_check, SourceCheck::kStrict);
  EXPECT_EQ(rules.for_vni(99).storm, (PolicerRate{5000, 0}));
  EXPECT_EQ(rules.for_vni(120).storm, (PolicerRate{100, 1000000}));
  EXPECT_EQ(c.storm.per_vtep, (PolicerRate{20000, 200000000}));
  EXPECT_EQ(c.storm.burst_ms, 200u);
}

struct BadPolicy {
  const char* name;
  std::string extra;
  uint32_t line;
  const char* key;
};

class BadPolicyConfig : public ::testing::TestWithParam<BadPolicy> {};

TEST_P(BadPolicyConfig, NamesLineAndKey) {
  try {
    parse(GetParam().extra);
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), GetParam().line) << e.what();
    EXPECT_EQ(e.key(), GetParam().key) << e.what();
  }
}

// Line 5 is the first line after kBase.
INSTANTIATE_TEST_SUITE_P(
    Cases, BadPolicyConfig,
    ::testing::Values(
        BadPolicy{"UnknownMode", "[table]\nsource_check = \"trusting\"\n", 6, "table.source_check"},
        BadPolicy{"RuleWithoutMode", "[[source_check]]\nvnis = \"1-5\"\n", 5,
                  "source_check[0].mode"},
        BadPolicy{"RuleUnknownKey", "[[source_check]]\nmode = \"strict\"\nvni = 3\n", 7,
                  "source_check[0].vni"},
        BadPolicy{"NegativeRate", "[storm_control]\nvni_frames_per_s = -1\n", 6,
                  "storm_control.vni_frames_per_s"},
        // 100 ms at 5 frames/s holds half a frame: no frame could ever pass.
        BadPolicy{"BucketBelowOneFrame", "[storm_control]\nvtep_frames_per_s = 5\n", 5,
                  "storm_control.vtep_frames_per_s"},
        BadPolicy{"BucketBelowOneJumbo",
                  "[storm_control]\n[[storm_control.vni]]\nvnis = \"7\"\nbytes_per_s = 9000\n", 6,
                  "storm_control.vni[0].bytes_per_s"},
        BadPolicy{"BurstTooLong", "[storm_control]\nburst_ms = 5000\n", 6,
                  "storm_control.burst_ms"}),
    [](const auto& info) { return std::string(info.param.name); });

bool mentions(const std::vector<std::string>& warnings, const char* what) {
  for (const std::string& w : warnings)
    if (w.find(what) != std::string::npos) return true;
  return false;
}

TEST(ConfigWarnings, LearningWithoutAnAllowListIsWarnedAbout) {
  EXPECT_TRUE(mentions(config_warnings(parse("")), "no [[allow]] rule"));
  EXPECT_FALSE(mentions(config_warnings(parse("[[allow]]\nprefixes = [\"10.0.0.0/24\"]\n")),
                        "no [[allow]] rule"));
  EXPECT_FALSE(
      mentions(config_warnings(parse("[table]\nlearning = false\n")), "no [[allow]] rule"));
  EXPECT_FALSE(mentions(config_warnings(parse("[table]\nsource_check = \"strict\"\n")),
                        "no [[allow]] rule"));
}

TEST(ConfigWarnings, OpenSourceCheckIsWarnedAbout) {
  EXPECT_TRUE(mentions(config_warnings(parse("[table]\nsource_check = \"open\"\n")), "\"open\""));
  EXPECT_FALSE(mentions(config_warnings(parse("")), "\"open\""));
}

TEST(ConfigWarnings, TheCardDatapathNeedsNoPolicyWarning) {
  // The card's kernels apply the source check and the policers like the software datapath.
  const char* policed =
      "[datapath]\nmode = \"emu\"\n[table]\nsource_check = \"strict\"\n"
      "[storm_control]\nvni_frames_per_s = 1000\n";
  EXPECT_FALSE(mentions(config_warnings(parse(policed)), "datapath"));
}

}  // namespace
}  // namespace vxsn
