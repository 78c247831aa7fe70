#include "host/metrics/metrics_server.hpp"

#include <civetweb.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <stdexcept>

#include "host/config/metrics_settings.hpp"
#include "host/metrics/node_metrics.hpp"
#include "host/metrics/prometheus_text.hpp"

namespace vxsn {
namespace {

// civetweb says why it cannot listen only in a log message, on the starting thread: the
// first one becomes the error, in place of its generic "Failed to setup server ports".
thread_local std::string* start_failure = nullptr;

int log_message(const mg_connection*, const char* message) {
  if (start_failure && start_failure->empty())
    *start_failure = message;
  else
    spdlog::warn("metrics: {}", message);
  return 1;  // civetweb prints nothing itself
}

}  // namespace

MetricsServer::MetricsServer(const MetricsSettings& settings, std::string software_version)
    : software_version_(std::move(software_version)),
      endpoint_(listen_text(settings)),
      top_vnis_(settings.top_vnis) {
  mg_init_library(0);
  // A scrape is one small request: two threads serve Prometheus and a curious operator, and
  // a client that stalls is cut off instead of holding a thread.
  const char* options[] = {
      "listening_ports", endpoint_.c_str(),   "num_threads", "2",    "request_timeout_ms",
      "10000",           "enable_keep_alive", "no",          nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof callbacks);
  callbacks.log_message = log_message;
  mg_init_data init{&callbacks, this, options};
  char text[256] = "";
  unsigned code = 0;
  mg_error_data error{&code, text, sizeof text};
  std::string failure;
  start_failure = &failure;
  ctx_ = mg_start2(&init, &error);
  start_failure = nullptr;
  if (!ctx_) {
    mg_exit_library();
    if (failure.empty()) failure = text[0] ? text : "cannot listen";
    throw std::runtime_error("metrics endpoint " + endpoint_ + ": " + failure);
  }
  mg_set_request_handler(ctx_, "/metrics$", &MetricsServer::handle, this);
}

MetricsServer::~MetricsServer() {
  mg_stop(ctx_);  // joins civetweb's threads: no handler runs after this
  mg_exit_library();
}

void MetricsServer::publish(std::shared_ptr<const NodeSnapshot> snapshot) {
  std::lock_guard lock(mutex_);
  latest_ = std::move(snapshot);
}

int MetricsServer::handle(mg_connection* conn, void* self) {
  return static_cast<MetricsServer*>(self)->serve(conn);
}

int MetricsServer::serve(mg_connection* conn) {
  const mg_request_info* req = mg_get_request_info(conn);
  const bool head = std::strcmp(req->request_method, "HEAD") == 0;
  if (!head && std::strcmp(req->request_method, "GET") != 0) {
    mg_send_http_error(conn, 405, "only GET and HEAD\n");
    return 405;
  }
  std::shared_ptr<const NodeSnapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    snapshot = latest_;
  }
  if (!snapshot) {  // between the listener's start and the datapath's
    mg_send_http_error(conn, 503, "vxsnd is starting\n");
    return 503;
  }
  const std::string body = node_metrics_text(*snapshot, top_vnis_, software_version_);
  mg_send_http_ok(conn, kPrometheusContentType, static_cast<long long>(body.size()));
  if (!head) mg_write(conn, body.data(), body.size());
  return 200;
}

}  // namespace vxsn
