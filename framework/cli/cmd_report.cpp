// `graft report --experiment NAME --out FILE.html`: one self-contained HTML page (report/) with
// the grouped comparison, learning curves, LR schedules and the params that differ (training
// runs), and the LR range tests of `graft lr-find` (lr_find runs) with their suggestions.
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/store_output.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "report/report_data.hpp"
#include "report/report_page.hpp"

namespace graft::cli {
namespace {

struct ReportOptions {
  std::string experiment;
  std::string out;
  std::vector<std::string> group_by;
};

void run_report(const ReportOptions& options, Context& context) {
  const storage::Store store = open_store_for_reading(context);
  const std::string html = report::report_html(report::report_data(store, options.experiment, options.group_by));
  // Written to a temporary file and renamed, so a browser never shows half a report.
  const std::filesystem::path out = options.out, partial = out.string() + ".partial";
  {
    std::ofstream file(partial, std::ios::binary);
    if (!file) throw InputError(fmt::format("cannot write {}: check that its folder exists and is writable", out.string()));
    file << html;
    if (!file.flush()) throw InputError(fmt::format("cannot write {}", out.string()));
  }
  std::filesystem::rename(partial, out);
  log::info("wrote {} ({} KiB)", out.string(), html.size() / 1024);
  context.exit_status = 0;
}

}  // namespace

void add_report_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* command = app.add_subcommand("report", "Write an HTML report of an experiment: comparison, learning "
                                                   "curves, LR schedules, differing params");
  command->add_option("--experiment", options->experiment, "The experiment to report on")->required();
  command->add_option("--out", options->out, "The HTML file to write, e.g. report.html")->required();
  command->add_option("--group-by", options->group_by, "Param keys to group and colour runs by (default: the params "
                                                       "that differ, except the seed)")
      ->delimiter(',');
  command->callback([options, &context] { run_report(*options, context); });
}

}  // namespace graft::cli
