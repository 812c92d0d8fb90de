#pragma once
// The chart `graft lr-find` prints on a terminal: the smoothed loss against the learning rate on a
// log axis, drawn with Unicode Braille dots (2 x 4 per character), the suggestions marked under
// the axis by letter. Pure text in, text out, so it is tested without a terminal.
#include <string>
#include <vector>

namespace graft::cli {

struct ChartMark {
  char letter = '?';  // shown under the x axis at the mark's LR: 'V', 'S', 'M'
  std::string name;   // "valley", for the legend
  double lr = 0;
};

// `lrs` and `losses` by step (non-finite losses are gaps; LRs > 0). `width` is the whole width in
// terminal columns (labels included), `height` the plot's rows. The y axis fits the curve without
// its last five points when there are more than ten (as fastai's plot skips them); what rises
// above is clipped. Lines end with '\n'. Empty when no point can be drawn.
std::string lr_find_chart(const std::vector<double>& lrs, const std::vector<double>& losses,
                          const std::vector<ChartMark>& marks, int width, int height);

}  // namespace graft::cli
