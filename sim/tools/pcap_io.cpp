#include "sim/tools/pcap_io.hpp"

#include <pcap/pcap.h>

#include <memory>
#include <stdexcept>

namespace vxsn::sim {
namespace {

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
struct DumperCloser {
  void operator()(pcap_dumper_t* d) const { pcap_dump_close(d); }
};

}  // namespace

void write_pcap(const std::string& path, const std::vector<Frame>& frames) {
  std::unique_ptr<pcap_t, PcapCloser> pcap(pcap_open_dead(DLT_EN10MB, 65535));
  if (!pcap) throw std::runtime_error("pcap_open_dead failed");
  std::unique_ptr<pcap_dumper_t, DumperCloser> dump(pcap_dump_open(pcap.get(), path.c_str()));
  if (!dump) throw std::runtime_error(path + ": " + pcap_geterr(pcap.get()));
  for (size_t i = 0; i < frames.size(); ++i) {
    pcap_pkthdr h{};
    h.ts.tv_sec = static_cast<time_t>(i / 1000000);  // one frame per microsecond
    h.ts.tv_usec = static_cast<suseconds_t>(i % 1000000);
    h.caplen = h.len = static_cast<bpf_u_int32>(frames[i].size());
    pcap_dump(reinterpret_cast<u_char*>(dump.get()), &h, frames[i].data());
  }
}

std::vector<Frame> read_pcap(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, PcapCloser> pcap(pcap_open_offline(path.c_str(), err));
  if (!pcap) throw std::runtime_error(path + ": " + err);
  if (pcap_datalink(pcap.get()) != DLT_EN10MB)
    throw std::runtime_error(path + ": not an Ethernet capture");
  std::vector<Frame> frames;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  int rc;
  while ((rc = pcap_next_ex(pcap.get(), &h, &data)) == 1)
    frames.emplace_back(data, data + h->caplen);
  if (rc == PCAP_ERROR) throw std::runtime_error(path + ": " + pcap_geterr(pcap.get()));
  return frames;
}

}  // namespace vxsn::sim
