#pragma once
// tests/data/vision/references.json: what torchvision computed (tests/vision/make_references.py).
#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace graft::testing {

inline const nlohmann::json& vision_references() {
  static const nlohmann::json references = [] {
    std::ifstream in(GRAFT_VISION_REFERENCES);
    if (!in) throw std::runtime_error(std::string("cannot read ") + GRAFT_VISION_REFERENCES);
    return nlohmann::json::parse(in);
  }();
  return references;
}

}  // namespace graft::testing
