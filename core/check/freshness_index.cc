#include "core/check/freshness_index.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace txsim::check::detail {
namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw std::invalid_argument("malformed read history: " + what);
}

std::string name_version(std::uint64_t aggregate, std::uint64_t version) {
  return "version " + std::to_string(version) + " of aggregate " + std::to_string(aggregate);
}

}  // namespace

FreshnessIndex::FreshnessIndex(const ReadHistory& history)
    : replicas_(history.replica_names.size()) {
  commits_.reserve(history.commits.size());
  for (const auto& c : history.commits) commits_.push_back(&c);
  std::sort(commits_.begin(), commits_.end(), [](const auto* x, const auto* y) {
    return x->aggregate != y->aggregate ? x->aggregate < y->aggregate : x->version < y->version;
  });
  for (std::size_t i = 0; i < commits_.size(); ++i) {
    const auto& c = *commits_[i];
    const bool first_of_aggregate = i == 0 || commits_[i - 1]->aggregate != c.aggregate;
    if (first_of_aggregate) {
      ids_.push_back(c.aggregate);
      first_.push_back(i);
    }
    const std::uint64_t expected = first_of_aggregate ? 1 : commits_[i - 1]->version + 1;
    if (c.version != expected) {
      malformed(name_version(c.aggregate, c.version) + " committed, expected version " +
                std::to_string(expected) + " (versions are 1, 2, 3, ... once each)");
    }
    if (!first_of_aggregate && c.committed_at < commits_[i - 1]->committed_at) {
      malformed(name_version(c.aggregate, c.version) + " committed before the version below it");
    }
  }
  first_.push_back(commits_.size());
  commit_times_.reserve(commits_.size());
  for (const auto* c : commits_) commit_times_.push_back(c->committed_at);

  // Staircases: applies grouped by (replica, aggregate), in time order; only the applies that
  // raise the highest version shown become steps.
  struct Keyed {
    std::uint64_t key;
    const ReplicaApply* apply;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(history.applies.size());
  for (const auto& apply : history.applies) {
    if (apply.replica >= replicas_) {
      malformed("apply on replica " + std::to_string(apply.replica) + " but only " +
                std::to_string(replicas_) + " replica names");
    }
    const std::size_t a = find(apply.aggregate);
    if (a == kNone || apply.version == 0 || apply.version > versions(a)) {
      malformed("replica " + history.replica_names[apply.replica] + " applied " +
                name_version(apply.aggregate, apply.version) + ", which was never committed");
    }
    if (apply.applied_at < commit(a, apply.version).committed_at) {
      malformed("replica " + history.replica_names[apply.replica] + " applied " +
                name_version(apply.aggregate, apply.version) + " before it was committed");
    }
    keyed.push_back({apply.replica * ids_.size() + a, &apply});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& x, const Keyed& y) {
    return x.key != y.key ? x.key < y.key : x.apply->applied_at < y.apply->applied_at;
  });
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    if (i == 0 || keyed[i - 1].key != keyed[i].key) {
      group_keys_.push_back(keyed[i].key);
      group_first_.push_back(steps_.size());
    }
    const bool new_group = steps_.size() == group_first_.back();
    if (new_group || keyed[i].apply->version > steps_.back().version) {
      steps_.push_back({keyed[i].apply->applied_at, keyed[i].apply->version});
    }
  }
  group_first_.push_back(steps_.size());
}

std::size_t FreshnessIndex::find(std::uint64_t aggregate) const {
  const auto it = std::lower_bound(ids_.begin(), ids_.end(), aggregate);
  return it == ids_.end() || *it != aggregate ? kNone : static_cast<std::size_t>(it - ids_.begin());
}

std::uint64_t FreshnessIndex::committed_before(std::size_t a, sim::Time t) const {
  const auto begin = commit_times_.begin() + static_cast<std::ptrdiff_t>(first_[a]);
  const auto end = commit_times_.begin() + static_cast<std::ptrdiff_t>(first_[a + 1]);
  return static_cast<std::uint64_t>(std::lower_bound(begin, end, t) - begin);
}

std::size_t FreshnessIndex::group(std::size_t r, std::size_t a) const {
  const std::uint64_t key = r * ids_.size() + a;
  const auto it = std::lower_bound(group_keys_.begin(), group_keys_.end(), key);
  return it == group_keys_.end() || *it != key ? kNone
                                               : static_cast<std::size_t>(it - group_keys_.begin());
}

const FreshnessIndex::Step* FreshnessIndex::steps_begin(std::size_t r, std::size_t a) const {
  const std::size_t g = group(r, a);
  return g == kNone ? nullptr : steps_.data() + group_first_[g];
}

const FreshnessIndex::Step* FreshnessIndex::steps_end(std::size_t r, std::size_t a) const {
  const std::size_t g = group(r, a);
  return g == kNone ? nullptr : steps_.data() + group_first_[g + 1];
}

std::optional<sim::Time> FreshnessIndex::visible_at(std::size_t r, std::size_t a,
                                                    std::uint64_t v) const {
  const Step* begin = steps_begin(r, a);
  const Step* end = steps_end(r, a);
  const Step* it = std::lower_bound(begin, end, v, [](const Step& s, std::uint64_t x) {
    return s.version < x;
  });
  if (it == end) return std::nullopt;
  return it->at;
}

std::uint64_t FreshnessIndex::final_version(std::size_t r, std::size_t a) const {
  const Step* begin = steps_begin(r, a);
  const Step* end = steps_end(r, a);
  return begin == end ? 0 : (end - 1)->version;
}

}  // namespace txsim::check::detail
