// Column-aligned text tables for vxsnctl's human output.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace vxsn::ctl {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);
  void add_row(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }
  // Left-aligns text columns, right-aligns columns whose every cell is a number.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "1h 02m 03s", "4m 05s", "7s".
std::string human_duration(double seconds);

}  // namespace vxsn::ctl
