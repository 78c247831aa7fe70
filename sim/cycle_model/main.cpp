// vxsn-cycle-model: prints the cycle model's tables and writes its CSV and PNG plot.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "sim/cycle_model/report.hpp"
#include "sim/cycle_model/sweep.hpp"

int main(int argc, char** argv) {
  using namespace vxsn::cycle;
  CLI::App app{
      "Beat-level cycle model of the card's parse -> replicate -> 100 GbE egress pipeline.\n"
      "A model, not a synthesis result."};
  std::filesystem::path out_dir = ".";
  std::string variant = "all", memory = "all";
  SweepOptions o;
  bool no_plot = false;
  app.add_option("-o,--out", out_dir, "directory for cycle_model.{csv,dat,gp,png}");
  app.add_option("--variant", variant, "v1 | as-built | prefetch | target | all")
      ->check(CLI::IsMember({"v1", "as-built", "prefetch", "target", "all"}));
  app.add_option("--memory", memory, "bram | hbm | all")
      ->check(CLI::IsMember({"bram", "hbm", "all"}));
  app.add_option("--frame-sizes", o.frame_sizes, "ingress frame sizes, bytes on the bus")
      ->check(CLI::Range(64, 9216));
  app.add_option("--fanouts", o.fanouts, "copies per frame")->check(CLI::Range(1, 128));
  app.add_option("--copy-len-delta", o.copy_len_delta,
                 "copy minus ingress length: 0 (IPv4->IPv4), 20 (IPv4->IPv6)");
  app.add_option("--egress-fifo-beats", o.egress_fifo_beats, "kernel -> MAC FIFO depth")
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--prefetch-lookups", o.prefetch_lookups,
                 "frames whose VNI lookup may be done ahead (prefetch and target variants)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--prefetch-records", o.prefetch_records,
                 "member records read ahead (prefetch and target variants)")
      ->check(CLI::Range(1, 4096));
  bool sender_not_in_list = false;
  app.add_flag("--sender-not-in-list", sender_not_in_list,
               "the sending VTEP is not in the VNI's member list (no record of its own to read)");
  app.add_flag("--no-plot", no_plot, "skip the PNG (no gnuplot needed)");
  CLI11_PARSE(app, argc, argv);

  o.sender_in_list = !sender_not_in_list;
  if (variant == "v1") o.variants = {Variant::kV1};
  if (variant == "as-built") o.variants = {Variant::kAsBuilt};
  if (variant == "prefetch") o.variants = {Variant::kPrefetch};
  if (variant == "target") o.variants = {Variant::kTarget};
  if (memory == "bram") o.memories = {Memory::kBram};
  if (memory == "hbm") o.memories = {Memory::kHbm};

  try {
    const std::vector<SweepPanel> panels = run_sweep(o);
    std::cout << "vxsn cycle model - a model, not a synthesis result.\n"
                 "512-bit bus at 322.265625 MHz; egress 100 GbE with 20 B preamble+IFG and "
                 "4 B FCS per frame; ingress offered at 100 GbE line rate.\n\n";
    for (const SweepPanel& p : panels) std::cout << format_panel(p, o) << "\n";
    std::filesystem::create_directories(out_dir);
    write_csv(panels, out_dir / "cycle_model.csv");
    std::cout << "wrote " << (out_dir / "cycle_model.csv").string() << "\n";
    if (!no_plot) {
      const PlotFiles files = write_plot_inputs(panels, o, out_dir);
      std::string error;
      if (!render_png(files, error)) {
        std::cerr << "vxsn-cycle-model: " << error << "\n";
        return 2;
      }
      std::cout << "wrote " << files.png.string() << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "vxsn-cycle-model: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
