#include "host/ctl/text_table.hpp"

#include <algorithm>
#include <cstdio>

namespace vxsn::ctl {
namespace {

bool is_number(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789.-") == std::string::npos;
}

}  // namespace

TextTable::TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::print(std::ostream& out) const {
  const size_t n = headers_.size();
  std::vector<size_t> width(n);
  std::vector<bool> numeric(n, !rows_.empty());
  for (size_t c = 0; c < n; ++c) {
    width[c] = headers_[c].size();
    for (const auto& row : rows_) {
      width[c] = std::max(width[c], row[c].size());
      numeric[c] = numeric[c] && is_number(row[c]);
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < n; ++c) {
      const std::string& cell = cells[c];
      const std::string pad(width[c] - cell.size(), ' ');
      text += numeric[c] ? pad + cell : cell + (c + 1 < n ? pad : "");
      if (c + 1 < n) text += "  ";
    }
    out << text << '\n';
  };
  line(headers_);
  for (const auto& row : rows_) line(row);
}

std::string human_duration(double seconds) {
  const long total = static_cast<long>(seconds);
  const long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  char buf[64];
  if (h)
    std::snprintf(buf, sizeof buf, "%ldh %02ldm %02lds", h, m, s);
  else if (m)
    std::snprintf(buf, sizeof buf, "%ldm %02lds", m, s);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

}  // namespace vxsn::ctl
