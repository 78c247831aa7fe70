// The sweep as text tables, a CSV, and a gnuplot-rendered PNG.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sim/cycle_model/sweep.hpp"

namespace vxsn::cycle {

// Egress utilisation (%), input rate sustained (Mframes/s, and % of line rate) and
// bubbles between copies (cycles), each as a frame size x fan-out table.
std::string format_panel(const SweepPanel& panel, const SweepOptions& options);

// One row per point: variant,memory,frame_bytes,fanout,... for other tools.
void write_csv(const std::vector<SweepPanel>& panels, const std::filesystem::path& file);

struct PlotFiles {
  std::filesystem::path data;    // cycle_model.dat
  std::filesystem::path script;  // cycle_model.gp
  std::filesystem::path png;     // cycle_model.png
};

// Writes the data and the gnuplot script (utilisation against frame size, a line per
// fan-out, a panel per variant and memory) into `dir`.
PlotFiles write_plot_inputs(const std::vector<SweepPanel>& panels, const SweepOptions& options,
                            const std::filesystem::path& dir);

// Runs gnuplot on the script; false with `error` set when gnuplot is missing or fails.
bool render_png(const PlotFiles& files, std::string& error);

}  // namespace vxsn::cycle
