// Header parsing and validation of safetensors files, following the format's rules: the header
// is a JSON object, every tensor's byte range lies in the data section, has exactly
// numel x element-size bytes, and the ranges tile the data section without holes or overlaps.
#include <algorithm>
#include <cstring>
#include <map>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graft/errors.hpp"
#include "graft/safetensors_header.hpp"

namespace graft {
namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the format's own limit

std::uint64_t element_size(const std::string& dtype) {
  static const std::map<std::string, std::uint64_t> sizes = {{"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2},
                                                             {"I64", 8}, {"I32", 4}, {"I16", 2}, {"I8", 1},
                                                             {"U8", 1},  {"BOOL", 1}};
  const auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

std::uint64_t read_u64_le(const std::uint8_t* p) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

SafetensorsEntry parse_entry(const std::string& name, const nlohmann::json& info, const std::string& file) {
  auto fail = [&](const std::string& what) { return InputError(fmt::format("{}: tensor '{}': {}", file, name, what)); };
  if (!info.is_object()) throw fail("its header entry is not an object");
  SafetensorsEntry entry;
  entry.name = name;
  if (!info.contains("dtype") || !info["dtype"].is_string()) throw fail("no dtype");
  entry.dtype = info["dtype"].get<std::string>();
  const std::uint64_t item = element_size(entry.dtype);
  if (item == 0) throw fail("dtype " + entry.dtype + " is not supported");
  if (!info.contains("shape") || !info["shape"].is_array()) throw fail("no shape");
  std::uint64_t numel = 1;
  for (const auto& dimension : info["shape"]) {
    if (!dimension.is_number_unsigned()) throw fail("a dimension of its shape is not a non-negative integer");
    const auto size = dimension.get<std::uint64_t>();
    if (size != 0 && numel > (std::uint64_t{1} << 62) / size) throw fail("its shape is implausibly large");
    numel *= size;
    entry.shape.push_back(static_cast<std::int64_t>(size));
  }
  const auto& offsets = info.contains("data_offsets") ? info["data_offsets"] : nlohmann::json();
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) {
    throw fail("data_offsets must be two non-negative integers");
  }
  entry.begin = offsets[0].get<std::uint64_t>();
  entry.end = offsets[1].get<std::uint64_t>();
  if (entry.end < entry.begin) throw fail("data_offsets end before they begin");
  if (numel > (std::uint64_t{1} << 62) / item || entry.end - entry.begin != numel * item) {
    throw fail(fmt::format("data_offsets cover {} bytes, its shape and dtype need {}", entry.end - entry.begin, numel * item));
  }
  return entry;
}

}  // namespace

SafetensorsHeader parse_safetensors_header(const std::uint8_t* bytes, std::size_t size, std::uint64_t file_size,
                                           const std::string& name) {
  if (size < 8 || file_size < 8) throw InputError(name + ": not a safetensors file (shorter than its 8-byte header length)");
  const std::uint64_t header_length = read_u64_le(bytes);
  if (header_length > kMaxHeaderBytes) {
    throw InputError(fmt::format("{}: not a safetensors file (header length {} is implausible)", name, header_length));
  }
  if (8 + header_length > file_size) {
    throw InputError(fmt::format("{}: truncated safetensors file (the header needs {} bytes, the file has {})", name,
                                 8 + header_length, file_size));
  }
  if (8 + header_length > size) throw InputError(name + ": safetensors header not fully read");

  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes + 8, bytes + 8 + header_length);
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: safetensors header is not valid JSON ({})", name, error.what()));
  }
  if (!header.is_object()) throw InputError(name + ": safetensors header is not a JSON object");

  SafetensorsHeader parsed;
  parsed.data_offset = 8 + header_length;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) throw InputError(name + ": __metadata__ is not an object");
      for (const auto& [meta_key, meta_value] : value.items()) {
        if (!meta_value.is_string()) throw InputError(name + ": __metadata__ value of '" + meta_key + "' is not a string");
        parsed.metadata[meta_key] = meta_value.get<std::string>();
      }
      continue;
    }
    parsed.tensors.push_back(parse_entry(key, value, name));
  }

  // The byte ranges must tile the data section exactly.
  std::sort(parsed.tensors.begin(), parsed.tensors.end(),
            [](const auto& a, const auto& b) { return std::tie(a.begin, a.end) < std::tie(b.begin, b.end); });
  std::uint64_t expected = 0;
  for (const auto& entry : parsed.tensors) {
    if (entry.begin != expected) {
      throw InputError(fmt::format("{}: tensor '{}' starts at byte {} of the data, expected {} (overlap or hole)", name,
                                   entry.name, entry.begin, expected));
    }
    expected = entry.end;
  }
  const std::uint64_t data_size = file_size - parsed.data_offset;
  if (expected != data_size) {
    throw InputError(fmt::format("{}: {} safetensors file: the tensors need {} bytes of data, the file has {}", name,
                                 expected > data_size ? "truncated" : "malformed", expected, data_size));
  }
  return parsed;
}

}  // namespace graft
