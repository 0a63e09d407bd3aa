// The search hint: a write after a read may reuse the read's place in the tree. These tests pin
// that reusing it never changes a result, whatever happened to the row between the two.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/storage/durable_store.h"

namespace txsim::storage {
namespace {

// The store's rows in its own iteration order, which must be the key order.
std::vector<std::pair<std::string, std::string>> rows_in_order(const DurableStore& store) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [key, versioned] : store.contents()) rows.emplace_back(key, versioned.value);
  return rows;
}

// Invariant: over any interleaving of reads, writes, deletions and prunes (often of the key just
// read), syncs and crashes, the store holds exactly the rows a plain map holds, in key order, and
// every read finds what the map has. (Under AddressSanitizer this also catches a write through
// a hint whose row a deletion, prune or crash roll-back freed.)
RC_GTEST_PROP(DurableStoreSearchHint, WritesAfterReadsLandWhereAPlainMapPutsThem,
              (const std::vector<std::tuple<int, int, bool>>& ops)) {
  sim::Simulator simulator(5);
  DurableStore store(simulator, StoreConfig{sim::Duration{}, false});
  std::map<std::string, std::string> current;
  std::map<std::string, std::string> durable;
  int written = 0;
  std::string last_read = "b/0";
  for (const auto& [raw_kind, raw_key, same_as_read] : ops) {
    // Half the operations go to the key read last, as a saga participant's barrier write does.
    const std::string key = same_as_read ? last_read : "b/" + std::to_string((raw_key % 6 + 6) % 6);
    const int kind = (raw_kind % 7 + 7) % 7;
    if (kind == 0) {
      const auto* row = store.find(key);
      RC_ASSERT((row != nullptr) == (current.count(key) > 0));
      if (row != nullptr) RC_ASSERT(row->value == current.at(key));
      last_read = key;
    } else if (kind == 1 || kind == 2) {
      const std::string value = std::to_string(++written);
      store.put(key, value);
      current[key] = value;
    } else if (kind == 3) {
      store.erase(key);
      current.erase(key);
    } else if (kind == 4) {
      store.sync_now();
      durable = current;
      RC_ASSERT(store.prune(key) == (current.count(key) > 0));
      current.erase(key);
      durable.erase(key);
    } else if (kind == 5) {
      store.crash();
      current = durable;
    } else {
      store.sync_now();
      durable = current;
    }
    const std::vector<std::pair<std::string, std::string>> expected(current.begin(), current.end());
    RC_ASSERT(rows_in_order(store) == expected);
  }
}

}  // namespace
}  // namespace txsim::storage
