#pragma once
// The style sheet and the script that `graft report` inlines into every page: hand-written, no
// library and no network, so a report opens anywhere, offline, years later.
namespace graft::cli::report {

extern const char* const kStyle;
// Reads the JSON of <script id="report-data">, draws an SVG chart per curve into #curves, the
// LR schedules (data.lr_lines, a dash pattern each) into #lr and one chart per `graft lr-find` run into #lr-find (loss vs LR, log
// axis, suggestions marked), and marks each drawn chart data-drawn="true". Errors are shown in
// #errors (and counted in body[data-errors]) rather than only in a console nobody opens.
extern const char* const kScript;

}  // namespace graft::cli::report
