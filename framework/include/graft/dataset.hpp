#pragma once
// Dataset plugins: labelled examples per split. Subsetting (classes, examples per class) and the
// validation split are dataset params, drawn from PluginContext::seed.
//
// Thread safety: size() and get() are called concurrently from loader threads after the
// constructor returns; they must not mutate shared state.
#include <cstddef>
#include <string>
#include <vector>

#include "graft/batch.hpp"
#include "graft/plugin.hpp"

namespace graft {

class GRAFT_SDK_API Dataset : public Plugin {
 public:
  static constexpr PluginKind kind = PluginKind::Dataset;
  ~Dataset() override;

  // Names of classes 0..k-1, in label order.
  virtual std::vector<std::string> class_names() const = 0;
  virtual std::size_t size(Split split) const = 0;
  virtual Example get(Split split, std::size_t index) const = 0;
};

}  // namespace graft
