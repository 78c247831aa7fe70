#include "host/daemon/state_persistence.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "host/log/elapsed_ms.hpp"

namespace vxsn {

StatePersistence::StatePersistence(const Config& config) {
  if (config.state_file.empty()) return;
  saver_ = std::make_unique<StateSaver>(config.state_file);
  loading_ = std::async(std::launch::async, [config] {
    Loaded l{load_state_file(config.state_file), {}};
    if (l.file.found && l.file.error.empty())
      l.warm = warm_table_of(config, l.file.state.sources, std::chrono::steady_clock::now());
    return l;
  });
}

StatePersistence::~StatePersistence() = default;

LoadedState& StatePersistence::loaded() {
  if (loading_.valid()) {  // the first call: get() leaves the future invalid
    const auto t = std::chrono::steady_clock::now();
    Loaded l = loading_.get();
    wait_ms_ = ms_since(t);
    loaded_ = std::move(l.file);
    warm_ = std::move(l.warm);
  }
  return loaded_;
}

bool StatePersistence::warm_start(TablePipeline& table, const std::vector<unsigned>& compile_cpus) {
  if (!saver_ || !loaded().found || !loaded_.error.empty()) return false;
  if (!warm_.not_used.empty()) {
    spdlog::warn("state file {}: no warm table ({}); the first table waits for the restore",
                 saver_->path(), warm_.not_used);
    return false;
  }
  if (warm_.members == 0) return false;
  warm_times_ = table.warm_start(std::move(warm_.vnis), std::move(warm_.addresses),
                                 loaded_.state.next_hops, compile_cpus);
  warm_.vnis = {};
  warm_.addresses = {};
  warm_published_ = true;
  return true;
}

void StatePersistence::restore_into(TablePipeline& table) {
  if (!saver_) return;
  loaded();
  if (!loaded_.found) {
    spdlog::info("state file {}: none yet, starting with an empty table", saver_->path());
    return;
  }
  if (!loaded_.error.empty()) {
    spdlog::error("state file not used, starting with an empty table: {}", loaded_.error);
    return;
  }
  const size_t next_hops = loaded_.state.next_hops.size();
  const auto t = std::chrono::steady_clock::now();
  restored_ = table.restore(std::move(loaded_.state));
  restore_ms_ = ms_since(t);
  loaded_.state = {};
  spdlog::info(
      "state file {}: {} sources restored, {} already expired, {} refused (limits, allow-list, "
      "learning); {} next hops known",
      saver_->path(), restored_.restored, restored_.expired, restored_.refused, next_hops);
}

void StatePersistence::save_async(const TablePipeline& table) {
  if (!saver_) return;
  const auto t = std::chrono::steady_clock::now();
  StateContents state = table.collect_state();
  last_collect_ms_ = ms_since(t);
  saver_->save_async(std::move(state));
}

void StatePersistence::save_now(const TablePipeline& table) {
  if (saver_) saver_->save_now(table.collect_state());
}

std::string StatePersistence::start_summary() const {
  if (!saver_) return {};
  const std::string warm =
      warm_published_
          ? fmt::format(
                "warm table of {} members built in {:.1f} ms beside the EAL, compiled in "
                "{:.1f} ms and published (forwarding from it), ",
                warm_.members, warm_.build_ms, warm_times_.compile_ms)
          : std::string();
  return fmt::format(
      "state file {} bytes read in {:.1f} ms and decoded in {:.1f} ms beside the EAL (waited "
      "{:.1f} ms for it), {}{} sources restored in {:.1f} ms",
      loaded_.bytes, loaded_.read_ms, loaded_.decode_ms, wait_ms_, warm, restored_.restored,
      restore_ms_);
}

nlohmann::json StatePersistence::stats_json() const {
  if (!saver_) return nlohmann::json::object();
  const StateSaveStats s = saver_->stats();
  return {{"path", saver_->path()},
          {"restored", restored_.restored},
          {"restore_expired", restored_.expired},
          {"restore_refused", restored_.refused},
          {"restore_error", loaded_.error},
          {"restore_ms", restore_ms_},
          {"warm_members", warm_published_ ? warm_.members : 0},
          {"warm_left_out", warm_.left_out},
          {"warm_compile_ms", warm_times_.compile_ms},
          {"saves", s.saves},
          {"save_failures", s.failures},
          {"saves_skipped", s.skipped},
          {"last_save_sources", s.last_sources},
          {"last_save_bytes", s.last_bytes},
          {"last_collect_ms", last_collect_ms_},
          {"last_encode_ms", s.last_encode_ms},
          {"last_write_ms", s.last_write_ms}};
}

}  // namespace vxsn
