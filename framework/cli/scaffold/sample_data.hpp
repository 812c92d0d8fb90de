#pragma once
// The scaffolds' sample data: a task any of their experiments learns in seconds. Three classes of
// 8x8 grayscale images; class c lights up its own horizontal band, plus seeded noise. The same
// images as IDX files (data/train-images-idx3-ubyte, ...) or as CSV (data/train.csv: label, then
// the 64 pixel values of the row-major image).
#include <vector>

#include "cli/scaffold/scaffold.hpp"

namespace graft::cli::scaffold {

std::vector<File> sample_data(SampleData format);

}  // namespace graft::cli::scaffold
