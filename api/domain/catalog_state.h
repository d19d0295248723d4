// The catalogue the API serves, replaceable while requests read it.
//
// Readers take a snapshot (a shared_ptr to an immutable Catalog) and keep it
// for the whole request, so an admin change never tears a response; writers
// build a new Catalog and swap it in.
//
// Thread safety: all methods may be called from many threads at once.
#ifndef TERMIN_API_DOMAIN_CATALOG_STATE_H_
#define TERMIN_API_DOMAIN_CATALOG_STATE_H_

#include <memory>
#include <mutex>

#include "api/domain/catalog.h"

namespace termin::api {

class CatalogState {
 public:
  explicit CatalogState(Catalog initial)
      : current_(std::make_shared<const Catalog>(std::move(initial))) {}

  std::shared_ptr<const Catalog> Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
  }
  void Set(Catalog next) {
    auto p = std::make_shared<const Catalog>(std::move(next));
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = std::move(p);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Catalog> current_;  // guarded by mutex_
};

}  // namespace termin::api

#endif  // TERMIN_API_DOMAIN_CATALOG_STATE_H_
