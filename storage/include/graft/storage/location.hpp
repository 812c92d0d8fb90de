#pragma once
// Where a store keeps what is not rows, beside its file: <dir>/<stem>-runs/<run id>/ holds each
// run's checkpoints and training state, <dir>/<stem>-cache/ the derived files runs share (cached
// features). Pure path arithmetic, here so that the engine (which writes these folders) and the
// store commands (`graft rm`, `graft gc`, which delete them without LibTorch) agree on them.
#include <cstdint>
#include <filesystem>

namespace graft::storage {

std::filesystem::path runs_folder(const std::filesystem::path& store_path);
std::filesystem::path cache_folder(const std::filesystem::path& store_path);
// <store stem>-runs/<id>, absolute: the artifacts recorded in the store stay valid from any folder.
std::filesystem::path run_folder(const std::filesystem::path& store_path, std::int64_t run_id);

}  // namespace graft::storage
