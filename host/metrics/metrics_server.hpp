// The Prometheus endpoint (civetweb): GET /metrics renders the latest snapshot the control
// loop published. A scrape never waits for the control loop and never touches the datapath:
// it reads a shared, immutable snapshot, so at worst it sees the counters of one stats
// interval ago.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "host/config/config.hpp"
#include "host/metrics/node_snapshot.hpp"

struct mg_context;
struct mg_connection;

namespace vxsn {

class MetricsServer {
 public:
  // Listens at once; throws std::runtime_error with civetweb's reason when it cannot (the
  // port in use, an address the host does not have).
  MetricsServer(const MetricsSettings& settings, std::string software_version);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Any thread: scrapes from now on render `snapshot`.
  void publish(std::shared_ptr<const NodeSnapshot> snapshot);
  void set_top_vnis(uint32_t n) { top_vnis_ = n; }
  const std::string& endpoint() const { return endpoint_; }

 private:
  static int handle(mg_connection* conn, void* self);
  int serve(mg_connection* conn);

  std::string software_version_;
  std::string endpoint_;
  std::atomic<uint32_t> top_vnis_;
  std::mutex mutex_;
  std::shared_ptr<const NodeSnapshot> latest_;
  mg_context* ctx_ = nullptr;
};

}  // namespace vxsn
