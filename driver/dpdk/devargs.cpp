#include "driver/dpdk/devargs.hpp"

#include <cstdlib>
#include <filesystem>

namespace vxsn {

namespace {

bool starts_with_either(std::string_view name, std::string_view pmd) {
  // DPDK registers most vdev drivers as net_X with the older eth_X as an alias.
  return name.starts_with(std::string("net_") + std::string(pmd)) ||
         name.starts_with(std::string("eth_") + std::string(pmd));
}

}  // namespace

std::string devargs_device_name(std::string_view devargs) {
  return std::string(devargs.substr(0, devargs.find(',')));
}

PortKind devargs_kind(std::string_view devargs) {
  const std::string name = devargs_device_name(devargs);
  if (starts_with_either(name, "af_xdp")) return PortKind::kAfXdp;
  if (starts_with_either(name, "af_packet")) return PortKind::kAfPacket;
  if (starts_with_either(name, "ring")) return PortKind::kRing;
  if (starts_with_either(name, "pcap")) return PortKind::kPcap;
  return PortKind::kOther;
}

std::optional<std::string> devargs_value(std::string_view devargs, std::string_view key) {
  size_t pos = devargs.find(',');
  while (pos != std::string_view::npos) {
    const size_t begin = pos + 1;
    const size_t end = devargs.find(',', begin);
    const std::string_view item = devargs.substr(begin, end - begin);
    const size_t eq = item.find('=');
    if (item.substr(0, eq) == key) {
      return eq == std::string_view::npos ? std::string() : std::string(item.substr(eq + 1));
    }
    pos = end;
  }
  return std::nullopt;
}

std::string devargs_with_default(std::string devargs, std::string_view key,
                                 std::string_view value) {
  if (devargs_value(devargs, key)) return devargs;
  devargs += ',';
  devargs += key;
  devargs += '=';
  devargs += value;
  return devargs;
}

std::string complete_devargs(std::string_view devargs, uint32_t max_frame_len,
                             std::string_view xdp_prog_path) {
  std::string out(devargs);
  switch (devargs_kind(devargs)) {
    case PortKind::kAfXdp:
      // Without our program libxdp's default one steals ARP/ND/ping from the kernel.
      out = devargs_with_default(out, "xdp_prog", xdp_prog_path);
      out = devargs_with_default(out, "start_queue", "0");
      out = devargs_with_default(out, "queue_count", "1");
      // The PMD's default (64) turns on the kernel's preferred busy polling and then makes a
      // recvfrom() syscall on every empty poll. On a copy-mode socket (veth, any driver
      // without zero-copy) the kernel fills the ring from the interface's own NAPI anyway,
      // so those syscalls buy nothing and cost the lane most of its idle-to-busy time; with
      // 0 the PMD wakes the kernel only when the fill ring's need_wakeup flag asks for it.
      // A device string that sets busy_budget keeps its own.
      out = devargs_with_default(out, "busy_budget", "0");
      break;
    case PortKind::kAfPacket:
      out = devargs_with_default(out, "qpairs", "1");
      if (max_frame_len > kAfPacketDefaultFrameSize - kAfPacketRxFrameOverhead &&
          !devargs_value(out, "framesz")) {
        out = devargs_with_default(out, "blocksz", std::to_string(kAfPacketJumboFrameSize));
        out = devargs_with_default(out, "framesz", std::to_string(kAfPacketJumboFrameSize));
        out = devargs_with_default(out, "framecnt", std::to_string(kAfPacketJumboFrameCount));
      }
      break;
    default:
      break;
  }
  return out;
}

std::string xdp_program_path() {
  if (const char* env = std::getenv("VXSN_XDP_PROG"); env != nullptr && *env != '\0') {
    return env;
  }
  // Decided by where the running program is, not by which file exists: an installed vxsnd
  // on a machine that also holds a build tree must still load its own package's object.
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.string().starts_with(VXSN_BUILD_DIR "/")) return VXSN_XDP_PROG_BUILD_PATH;
  // Installed: bin/ or sbin/ beside lib/ under the same prefix (/usr for the package).
  const std::filesystem::path prefix = ec ? "/usr" : exe.parent_path().parent_path();
  return (prefix / VXSN_XDP_PROG_INSTALL_RELPATH).string();
}

}  // namespace vxsn
