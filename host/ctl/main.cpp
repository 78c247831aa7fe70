// vxsnctl: manage a running vxsnd through its management API.
#include <thrift/TApplicationException.h>
#include <thrift/TOutput.h>
#include <thrift/transport/TTransportException.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <functional>
#include <iostream>

#include "host/ctl/api_client.hpp"
#include "host/ctl/commands.hpp"
#include "host/ctl/exit_codes.hpp"
#include "host/ctl/top.hpp"
#include "host/ha/curve_keys.hpp"

namespace {

using namespace vxsn;
using namespace vxsn::ctl;

// Runs the chosen command and maps every outcome to an exit code and one line on stderr.
int run(const ConnectOptions& options, bool json,
        const std::function<void(ApiClient&, Output&)>& command) {
  const std::string where = options.host.empty()
                                ? options.socket_path
                                : options.host + ":" + std::to_string(options.port);
  try {
    ApiClient client(options);
    Output out{std::cout, json};
    command(client, out);
    return kExitOk;
  } catch (const api::InvalidArgument& e) {
    std::cerr << "vxsnctl: invalid argument: " << e.field << ": " << e.message << '\n';
    return kExitInvalidArgument;
  } catch (const api::NotFound& e) {
    std::cerr << "vxsnctl: not found: " << e.message << '\n';
    return kExitNotFound;
  } catch (const api::CapacityExceeded& e) {
    std::cerr << "vxsnctl: capacity exceeded (" << e.limit << " = " << e.capacity
              << "): " << e.message << '\n';
    return kExitCapacityExceeded;
  } catch (const api::NotPermitted& e) {
    std::cerr << "vxsnctl: not permitted: " << e.message << '\n';
    return kExitNotPermitted;
  } catch (const apache::thrift::transport::TTransportException& e) {
    std::cerr << "vxsnctl: cannot talk to vxsnd at " << where << ": " << e.what() << '\n';
    return kExitUnreachable;
  } catch (const apache::thrift::TApplicationException& e) {
    std::cerr << "vxsnctl: vxsnd failed the request: " << e.what() << '\n';
    return kExitFailed;
  } catch (const std::exception& e) {
    std::cerr << "vxsnctl: " << e.what() << '\n';
    return kExitFailed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Thrift logs failures to stderr itself; run() reports each one once, in our words.
  apache::thrift::GlobalOutput.setOutputFunction([](const char*) {});
  // A server that hangs up mid-TLS must be an error message, not a silent death.
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"vxsnctl - manage a running vxsnd (VXLAN service node) through its API"};
  app.footer(kExitCodeHelp);
  app.require_subcommand(1);
  app.set_version_flag("--version", "vxsnctl " VXSN_VERSION);

  ConnectOptions options;
  bool json = false;
  app.add_option("-s,--socket", options.socket_path, "vxsnd's Unix socket")->capture_default_str();
  auto* host = app.add_option("-H,--host", options.host,
                              "Connect over TCP with TLS to this host instead of the socket");
  app.add_option("-p,--port", options.port, "TCP port (with --host)")->needs(host);
  app.add_option("--cert", options.tls.cert, "Client certificate, PEM (with --host)")
      ->needs(host)
      ->check(CLI::ExistingFile);
  app.add_option("--key", options.tls.key, "Client certificate's private key, PEM")
      ->needs(host)
      ->check(CLI::ExistingFile);
  app.add_option("--ca", options.tls.ca, "CA the server's certificate must chain to, PEM")
      ->needs(host)
      ->check(CLI::ExistingFile);
  app.add_option("--timeout-ms", options.timeout_ms, "Connect and reply timeout")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600000));
  app.add_flag("-j,--json", json, "Print replies as JSON (for scripts)");

  std::function<void(ApiClient&, Output&)> command;
  int32_t vni = 0, after = 0, limit = 0;
  std::string address;
  std::vector<std::string> addresses;
  bool reset = false, empty = false;

  auto vni_arg = [&](CLI::App* sub) {
    sub->add_option("vni", vni, "VNI (1..16777215)")->required();
  };

  // Local: writes a node's HA key pair, no vxsnd involved.
  std::function<int()> local_command;
  std::string key_prefix;
  bool force = false;
  auto* keygen = app.add_subcommand(
      "keygen", "Write an HA CURVE key pair: PREFIX.key (secret, 0600) and PREFIX.pub");
  keygen->add_option("prefix", key_prefix, "Path prefix, e.g. /etc/vxsn/ha/sn1")->required();
  keygen->add_flag("--force", force, "Overwrite existing key files");
  keygen->callback([&] {
    local_command = [&] {
      try {
        CurveKeyPair pair = write_key_pair(key_prefix, force);
        if (json)
          std::cout << "{\"public_key\": \"" << pair.public_z85 << "\", \"public_key_file\": \""
                    << key_prefix << ".pub\"}\n";
        else
          std::cout << pair.public_z85 << '\n';
        return kExitOk;
      } catch (const std::exception& e) {
        std::cerr << "vxsnctl: keygen: " << e.what() << '\n';
        return kExitFailed;
      }
    };
  });

  app.add_subcommand("status", "Node, datapath, table and card status")->callback([&] {
    command = [](ApiClient& c, Output& o) { show_status(c, o); };
  });

  auto* vni_cmd = app.add_subcommand("vni", "VNIs of the flood table")->require_subcommand(1);
  auto* vni_list = vni_cmd->add_subcommand("list", "VNIs with members, ascending");
  vni_list->add_option("--after", after, "Start after this VNI")->check(CLI::Range(0, 16777215));
  vni_list->add_option("--limit", limit, "One page of at most this many (default: all)")
      ->check(CLI::Range(1, 10000));
  vni_list->callback(
      [&] { command = [&](ApiClient& c, Output& o) { list_vnis(c, o, after, limit); }; });
  auto* vni_show = vni_cmd->add_subcommand("show", "Members of a VNI (same as vtep list)");
  vni_arg(vni_show);
  vni_show->callback([&] { command = [&](ApiClient& c, Output& o) { list_members(c, o, vni); }; });
  auto* vni_flush = vni_cmd->add_subcommand("flush-learned", "Forget a VNI's learned members");
  vni_arg(vni_flush);
  vni_flush->callback(
      [&] { command = [&](ApiClient& c, Output& o) { flush_learned(c, o, vni); }; });
  auto* vni_replace =
      vni_cmd->add_subcommand("replace", "Make these addresses exactly the VNI's static members");
  vni_arg(vni_replace);
  vni_replace->add_option("addresses", addresses, "VTEP addresses");
  vni_replace->add_flag("--empty", empty, "Remove every static member (no addresses given)");
  vni_replace->callback([&] {
    if (addresses.empty() && !empty)
      throw CLI::ValidationError("replace", "give addresses, or --empty to remove them all");
    if (!addresses.empty() && empty)
      throw CLI::ValidationError("replace", "--empty with addresses");
    command = [&](ApiClient& c, Output& o) { replace_static(c, o, vni, addresses); };
  });

  auto* vtep = app.add_subcommand("vtep", "Members (VTEPs) of a VNI")->require_subcommand(1);
  auto* vtep_add = vtep->add_subcommand(
      "add", "Add static members: vtep add VNI ADDRESS... (several: one table change)");
  vni_arg(vtep_add);
  vtep_add->add_option("address", addresses, "VTEP addresses")->required();
  vtep_add->callback(
      [&] { command = [&](ApiClient& c, Output& o) { add_members(c, o, vni, addresses); }; });
  auto* vtep_remove = vtep->add_subcommand("remove", "Remove a member: vtep remove VNI ADDRESS");
  vni_arg(vtep_remove);
  vtep_remove->add_option("address", address, "VTEP address")->required();
  vtep_remove->callback(
      [&] { command = [&](ApiClient& c, Output& o) { remove_member(c, o, vni, address); }; });
  auto* vtep_list = vtep->add_subcommand("list", "Members of a VNI with sources and ages");
  vni_arg(vtep_list);
  vtep_list->callback([&] { command = [&](ApiClient& c, Output& o) { list_members(c, o, vni); }; });

  auto* counters = app.add_subcommand("counters", "Datapath, drop, VNI and port counters");
  counters->add_flag("--reset", reset, "Print the counters and start again from zero");
  counters->callback(
      [&] { command = [&](ApiClient& c, Output& o) { show_counters(c, o, reset); }; });

  std::string storm_vnis;
  api::StormLimit storm_limit;
  auto* storm = app.add_subcommand("storm", "Storm control")->require_subcommand(1);
  auto* storm_set = storm->add_subcommand(
      "set", "Police a VNI range's floods until the next reload: storm set VNI[-LAST] ...");
  storm_set->add_option("vnis", storm_vnis, "VNI or FIRST-LAST")->required();
  storm_set->add_option("--frames-per-s", storm_limit.frames_per_s, "Frames/s (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  storm_set->add_option("--bytes-per-s", storm_limit.bytes_per_s, "Bytes/s (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  storm_set->callback([&] {
    const auto dash = storm_vnis.find('-');
    try {
      storm_limit.first_vni = std::stoi(storm_vnis.substr(0, dash));
      storm_limit.last_vni = dash == std::string::npos ? storm_limit.first_vni
                                                       : std::stoi(storm_vnis.substr(dash + 1));
    } catch (const std::exception&) {
      throw CLI::ValidationError("vnis", "expected VNI or FIRST-LAST, got '" + storm_vnis + "'");
    }
    command = [&](ApiClient& c, Output& o) { set_storm_control(c, o, storm_limit); };
  });

  TopOptions top_options;
  auto* top = app.add_subcommand(
      "top", "Live view: copies/s and bytes/s per VNI, drops/s by reason, table, peers");
  top->add_flag("--once", top_options.once,
                "Print one frame (two reads one interval apart) and exit, for scripts");
  top->add_option("--vnis", top_options.vnis, "VNI rows: the busiest this many")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  top->add_option("--interval-ms", top_options.interval_ms, "Between frames")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  top->callback([&] { command = [&](ApiClient& c, Output& o) { run_top(c, o, top_options); }; });

  app.add_subcommand("peers", "HA peers with state, lag and last sequence")->callback([&] {
    command = [](ApiClient& c, Output& o) { list_peers(c, o); };
  });

  auto* config = app.add_subcommand("config", "The running configuration")->require_subcommand(1);
  config->add_subcommand("show", "Print the running configuration (TOML)")->callback([&] {
    command = [](ApiClient& c, Output& o) { show_config(c, o); };
  });
  config->add_subcommand("reload", "Re-read the config file (as SIGHUP does)")->callback([&] {
    command = [](ApiClient& c, Output& o) { reload_config(c, o); };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (local_command) return local_command();
  if (!options.host.empty() && (options.port == 0 || options.tls.cert.empty() ||
                                options.tls.key.empty() || options.tls.ca.empty())) {
    std::cerr << "vxsnctl: --host needs --port, --cert, --key and --ca (TCP is TLS only)\n";
    return kExitUsage;
  }
  return run(options, json, command);
}
