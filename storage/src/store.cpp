// Opening and owning a store. Writes, reads and queries live in writes.cpp, reads.cpp, query.cpp.
#include "connection.hpp"
#include "store_impl.hpp"

namespace graft::storage {

Store Store::open(const std::filesystem::path& path, Access access) {
  auto impl = std::make_unique<Impl>(Impl{
      path,
      access,
      connection::open_store(path, /*writable=*/access == Access::ReadWrite),
  });
  return Store(std::move(impl));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const std::filesystem::path& Store::path() const { return impl_->path; }

}  // namespace graft::storage
