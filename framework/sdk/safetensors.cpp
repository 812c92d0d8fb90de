// Loading and saving safetensors files as LibTorch tensors. Little-endian hosts only (x86-64,
// aarch64): the format's byte order is theirs, so tensor bytes are copied as they are.
#include <fstream>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graft/errors.hpp"
#include "graft/safetensors.hpp"

namespace graft {
namespace {

at::ScalarType scalar_type(const std::string& dtype) {
  static const std::map<std::string, at::ScalarType> types = {
      {"F64", at::kDouble}, {"F32", at::kFloat}, {"F16", at::kHalf},  {"BF16", at::kBFloat16}, {"I64", at::kLong},
      {"I32", at::kInt},    {"I16", at::kShort}, {"I8", at::kChar},   {"U8", at::kByte},       {"BOOL", at::kBool}};
  return types.at(dtype);
}

std::string dtype_name(at::ScalarType type) {
  switch (type) {
    case at::kDouble: return "F64";
    case at::kFloat: return "F32";
    case at::kHalf: return "F16";
    case at::kBFloat16: return "BF16";
    case at::kLong: return "I64";
    case at::kInt: return "I32";
    case at::kShort: return "I16";
    case at::kChar: return "I8";
    case at::kByte: return "U8";
    case at::kBool: return "BOOL";
    default: throw InputError(std::string("safetensors cannot store tensors of type ") + c10::toString(type));
  }
}

// The header, read from the start of `in`, validated against the file's size.
SafetensorsHeader read_header(std::ifstream& in, const std::filesystem::path& path) {
  const auto file_size = static_cast<std::uint64_t>(std::filesystem::file_size(path));
  std::vector<std::uint8_t> length_bytes(8, 0);
  in.read(reinterpret_cast<char*>(length_bytes.data()), 8);
  std::uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | length_bytes[static_cast<std::size_t>(i)];
  // Read only as much as the file has: parse_safetensors_header reports what is missing.
  std::vector<std::uint8_t> head(8 + static_cast<std::size_t>(std::min<std::uint64_t>(header_length, file_size)));
  std::copy(length_bytes.begin(), length_bytes.end(), head.begin());
  in.read(reinterpret_cast<char*>(head.data() + 8), static_cast<std::streamsize>(head.size() - 8));
  return parse_safetensors_header(head.data(), 8 + static_cast<std::size_t>(in.gcount()), file_size, path.string());
}

// The tensors of one file, and its metadata.
struct FileContents {
  std::map<std::string, at::Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

std::string metadata_value(const FileContents& contents, const char* key) {
  const auto found = contents.metadata.find(key);
  return found == contents.metadata.end() ? std::string() : found->second;
}

FileContents read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path.string());
  const auto header = read_header(in, path);
  FileContents contents;
  contents.metadata = header.metadata;
  auto& tensors = contents.tensors;
  for (const auto& entry : header.tensors) {
    at::Tensor tensor = at::empty(entry.shape, at::TensorOptions().dtype(scalar_type(entry.dtype)));
    in.seekg(static_cast<std::streamoff>(header.data_offset + entry.begin));
    in.read(static_cast<char*>(tensor.data_ptr()), static_cast<std::streamsize>(entry.end - entry.begin));
    if (static_cast<std::uint64_t>(in.gcount()) != entry.end - entry.begin) {
      throw InputError(fmt::format("{}: could not read the bytes of tensor '{}'", path.string(), entry.name));
    }
    tensors.emplace(entry.name, std::move(tensor));
  }
  return contents;
}

// The base a checkpoint names, checked: a plain file name beside it, itself not in parts, with the
// id the checkpoint was written against (a base rewritten since would give other weights).
FileContents read_base(const std::filesystem::path& path, const FileContents& part) {
  const std::string name = metadata_value(part, kSafetensorsBaseFile);
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    throw InputError(fmt::format("{}: metadata {} = '{}' is not a file name beside it", path.string(),
                                 kSafetensorsBaseFile, name));
  }
  const auto base_path = path.parent_path() / name;
  if (!std::filesystem::exists(base_path)) {
    throw InputError(fmt::format("{} holds only the tensors that changed; the rest are in {}, which is missing (copy "
                                 "the run's folder whole)",
                                 path.string(), base_path.string()));
  }
  FileContents base = read_file(base_path);
  if (!metadata_value(base, kSafetensorsBaseFile).empty()) {
    throw InputError(fmt::format("{}: its base {} names a base itself; only one level is supported", path.string(),
                                 base_path.string()));
  }
  const std::string expected = metadata_value(part, kSafetensorsBaseId);
  if (metadata_value(base, kSafetensorsPartId) != expected) {
    throw InputError(fmt::format("{} was written against another {} (id {}, the file has {})", path.string(),
                                 base_path.string(), expected, metadata_value(base, kSafetensorsPartId)));
  }
  return base;
}

}  // namespace

SafetensorsHeader read_safetensors_header(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path.string());
  return read_header(in, path);
}

std::map<std::string, at::Tensor> load_safetensors(const std::filesystem::path& path) {
  FileContents contents = read_file(path);
  if (metadata_value(contents, kSafetensorsBaseFile).empty()) return std::move(contents.tensors);
  FileContents base = read_base(path, contents);
  for (auto& [name, tensor] : contents.tensors) base.tensors[name] = std::move(tensor);
  return std::move(base.tensors);
}

void save_safetensors(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<at::Tensor> contiguous;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    contiguous.push_back(tensor.detach().to(at::kCPU).contiguous());
    const auto bytes = static_cast<std::uint64_t>(contiguous.back().nbytes());
    header[name] = {{"dtype", dtype_name(tensor.scalar_type())},
                    {"shape", tensor.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned, as the reference writer does
  const auto temporary = std::filesystem::path(path).concat(".tmp");
  {
    std::ofstream out(temporary, std::ios::binary);
    if (!out) throw InputError("cannot write " + temporary.string());
    std::uint64_t length = text.size();
    for (int i = 0; i < 8; ++i) out.put(static_cast<char>((length >> (8 * i)) & 0xff));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& tensor : contiguous) {
      out.write(static_cast<const char*>(tensor.data_ptr()), static_cast<std::streamsize>(tensor.nbytes()));
    }
    if (!out) throw InputError("could not write " + temporary.string());
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace graft
