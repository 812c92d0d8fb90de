#pragma once
// The report as one self-contained HTML page: the tables written here (they read without
// script), the charts drawn by the inlined script from the embedded JSON.
#include <string>

#include <nlohmann/json.hpp>

namespace graft::cli::report {

// `data` as report_data() makes it.
std::string report_html(const nlohmann::json& data);

}  // namespace graft::cli::report
