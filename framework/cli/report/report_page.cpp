#include "cli/report/report_page.hpp"

#include <fmt/format.h>

#include "cli/output.hpp"
#include "cli/report/report_assets.hpp"

namespace graft::cli::report {
namespace {

using nlohmann::json;

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A JSON value in a table cell: numbers as format_number prints them, right-aligned.
std::string cell(const json& value) {
  if (value.is_number()) return "<td class=\"number\">" + escape(format_number(value.get<double>())) + "</td>";
  if (value.is_null()) return "<td></td>";
  return "<td>" + escape(value.is_string() ? value.get<std::string>() : value.dump()) + "</td>";
}

std::string header_row(const std::vector<std::string>& names) {
  std::string row = "<tr>";
  for (const auto& name : names) row += "<th>" + escape(name) + "</th>";
  return row + "</tr>\n";
}

std::string swatch(std::size_t group) {
  // The script's palette, so the table's groups match the charts' colours.
  static const char* const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return fmt::format("<span class=\"swatch\" style=\"background:{}\"></span>", palette[group % std::size(palette)]);
}

// A group's name in a table, with its colour in the charts.
std::string group_cell(std::size_t group, const std::string& label) {
  return "<td class=\"group\">" + swatch(group) + escape(label) + "</td>";
}

// A wide table scrolls inside its own box rather than widening the page.
std::string boxed(const std::string& table) { return "<div class=\"table-box\">\n" + table + "</div>\n"; }

std::string comparison_table(const json& comparison) {
  std::vector<std::string> names = {"group", "n"};
  for (const auto& metric : comparison["metrics"]) {
    const std::string key = metric.get<std::string>();
    names.insert(names.end(), {key + " (mean ± std)", "min", "max"});
  }
  std::string html = "<table id=\"comparison\">\n" + header_row(names);
  std::size_t index = 0;
  for (const auto& group : comparison["groups"]) {
    html += "<tr>" + group_cell(index++, group["label"].get<std::string>()) + cell(group["n"]);
    for (const auto& metric : comparison["metrics"]) {
      const std::string key = metric.get<std::string>();
      if (!group["metrics"].contains(key)) {
        html += "<td></td><td></td><td></td>";
        continue;
      }
      const json& stats = group["metrics"][key];
      const std::string mean = format_mean_spread(
          stats["mean"].get<double>(), stats["std"].is_null() ? std::nullopt : std::optional(stats["std"].get<double>()));
      html += "<td class=\"number\">" + escape(mean) + "</td>" + cell(stats["min"]) + cell(stats["max"]);
    }
    html += "</tr>\n";
  }
  return boxed(html + "</table>\n");
}

// The metrics each run recorded once (the test split, measured with the best checkpoint): one
// row per run, the epoch in each cell's tooltip; a chart of lone dots would say less.
std::string once_table(const json& data) {
  std::vector<std::string> names = {"run", "trial", "group"};
  for (const auto& key : data["once"]) names.push_back(key.get<std::string>());
  std::string html = "<table id=\"once\">\n" + header_row(names);
  for (const auto& run : data["runs"]) {
    const std::size_t group = run["group"].get<std::size_t>();
    html += "<tr>" + cell(run["id"]) + cell(run["trial"]) + group_cell(group, data["groups"][group].get<std::string>());
    for (const auto& key : data["once"]) {
      const auto point = run["once"].find(key.get<std::string>());
      if (point == run["once"].end() || (*point)[0][1].is_null()) {
        html += "<td></td>";
        continue;
      }
      html += fmt::format("<td class=\"number\" title=\"epoch {}\">{}</td>", (*point)[0][0].get<std::int64_t>(),
                          escape(format_number((*point)[0][1].get<double>())));
    }
    html += "</tr>\n";
  }
  return boxed(html + "</table>\n");
}

std::string differing_table(const json& differing) {
  if (differing["keys"].empty()) return "<p class=\"empty\">Every run has the same params (except the seed).</p>\n";
  std::vector<std::string> names = {"run", "trial"};
  for (const auto& key : differing["keys"]) names.push_back(key.get<std::string>());
  std::string html = "<table id=\"differing\">\n" + header_row(names);
  for (const auto& row : differing["rows"]) {
    html += "<tr>" + cell(row["id"]) + cell(row["trial"]);
    for (const auto& value : row["values"]) html += cell(value);
    html += "</tr>\n";
  }
  return boxed(html + "</table>\n");
}

// The suggestions of each `graft lr-find` run, readable without the script.
std::string lr_find_table(const json& runs) {
  std::string html = "<table id=\"lr-find-suggestions\">\n" +
                     header_row({"run", "trial", "steps", "stopped", "valley", "steep", "minimum/10"});
  for (const auto& run : runs) {
    html += "<tr>" + cell(run["id"]) + cell(run["trial"]) + cell(json(run["lr"].size())) + cell(run["stopped"]);
    for (const char* name : {"valley", "steep", "minimum"}) html += cell(run["suggestions"][name]);
    html += "</tr>\n";
  }
  return boxed(html + "</table>\n");
}

// JSON inside <script> must not contain "</" (it would end the element early); "<\/" is the
// same JSON string.
std::string embedded_json(const json& data) {
  std::string text = data.dump();
  for (std::size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 3)) text.insert(at + 1, "\\");
  return text;
}

}  // namespace

std::string report_html(const json& data) {
  const std::string experiment = escape(data["experiment"].get<std::string>());
  const std::size_t runs = data["runs"].size(), groups = data["groups"].size();
  const json no_lr_find = json::array();
  const json& lr_find = data.contains("lr_find") ? data["lr_find"] : no_lr_find;
  const bool training = !data["comparison"].is_null();
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + experiment + ": graft report</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  html += "<h1>" + experiment + "</h1>\n";
  std::string counts = fmt::format("{} completed run(s) in {} group(s)", runs, groups);
  if (!lr_find.empty()) {
    const std::string tests = fmt::format("{} LR range test(s) (graft lr-find)", lr_find.size());
    counts = training ? counts + " and " + tests : tests + "; no completed training run";
  }
  html += fmt::format("<p class=\"meta\">{}; store {}; generated {}</p>\n", counts,
                      escape(data["store"].get<std::string>()), escape(data["generated"].get<std::string>()));
  html += "<pre id=\"errors\" hidden></pre>\n";
  if (training) {
    html += "<h2>Comparison</h2>\n" + comparison_table(data["comparison"]);
    html += "<h2>Learning curves</h2>\n<p class=\"meta\">One line per run, coloured by group; hover a line for its run.</p>\n";
    html += data["curves"].empty() ? "<p class=\"empty\">No metric was recorded at more than one epoch.</p>\n"
                                   : "<div id=\"curves\" class=\"charts\"></div>\n";
    if (!data["once"].empty()) {
      html += "<h2>Measured once</h2>\n<p class=\"meta\">Metrics each run recorded at one epoch (the test split is "
              "measured once, with the best checkpoint); hover a value for its epoch.</p>\n" + once_table(data);
    }
    html += "<h2>Learning-rate schedule</h2>\n<p class=\"meta\">One line per distinct schedule: runs whose LR "
            "is the same at every step share a line.</p>\n<div id=\"lr\" class=\"charts\"></div>\n";
    html += "<h2>Params that differ between runs</h2>\n" + differing_table(data["differing"]);
  } else {
    html += "<p class=\"empty\">No completed training run yet: nothing to compare.</p>\n";
  }
  if (!lr_find.empty()) {
    html += "<h2>Learning-rate finder</h2>\n<p class=\"meta\">graft lr-find: the smoothed training loss while the "
            "learning rate grows exponentially, one chart per run, with fastai's suggestions marked (LRs for "
            "[train] lr; group scales apply on top).</p>\n";
    html += lr_find_table(lr_find);
    html += "<div id=\"lr-find\" class=\"charts\"></div>\n";
  }
  html += "<script type=\"application/json\" id=\"report-data\">" + embedded_json(data) + "</script>\n";
  html += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace graft::cli::report
