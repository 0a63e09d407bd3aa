#include "core/txn/twopc/checks.h"

#include <map>
#include <string>

namespace txsim::twopc {
namespace {
std::string subject(TxnId txn, const std::vector<TwoPcRoute>& routes, std::uint32_t route) {
  return "transaction " + std::to_string(txn) +
         (route < routes.size() ? " (" + routes[route].name + ")" : std::string());
}
}  // namespace

check::CheckResult check_atomicity(const TwoPhaseHistory& history,
                                   const std::vector<TwoPcRoute>& routes,
                                   const std::function<bool(TxnId, std::uint32_t)>& effect_present,
                                   const PartSet& in_doubt, sim::Time now) {
  check::CheckResult result;
  result.name = "twopc_atomicity";
  // Applied outcomes per transaction: part -> (committed?, when).
  std::map<TxnId, std::map<std::uint32_t, std::pair<Outcome, sim::Time>>> applied;
  for (const auto& p : history.parts()) {
    auto& parts = applied[p.txn];
    const auto [it, fresh] = parts.try_emplace(p.part, p.outcome, p.at);
    if (!fresh && it->second.first != p.outcome && p.outcome != Outcome::kNone) {
      result.add({subject(p.txn, routes, history.txns().count(p.txn) ? history.txns().at(p.txn).route : 0),
                  "part " + std::to_string(p.part) + " applied both commit and abort", p.at});
    }
  }
  std::uint64_t checked = 0;
  for (const auto& [txn, record] : history.txns()) {
    ++checked;
    const std::string who = subject(txn, routes, record.route);
    if (record.contradicted) result.add({who, "the coordinator decided both commit and abort", record.decided_at});
    const auto found = applied.find(txn);
    if (found != applied.end()) {
      std::pair<std::uint32_t, sim::Time> c, a;
      bool any_commit = false, any_abort = false;
      for (const auto& [part, outcome] : found->second) {
        if (outcome.first == Outcome::kCommitted && !any_commit) c = {part, outcome.second}, any_commit = true;
        if (outcome.first == Outcome::kAborted && !any_abort) a = {part, outcome.second}, any_abort = true;
      }
      if (any_commit && any_abort) {
        result.add({who, "committed at part " + std::to_string(c.first) + " and aborted at part " +
                             std::to_string(a.first), std::max(c.second, a.second)});
        continue;
      }
      if ((any_commit && record.outcome == Outcome::kAborted) ||
          (any_abort && record.outcome == Outcome::kCommitted)) {
        result.add({who, std::string("a part applied ") + (any_commit ? "commit" : "abort") +
                             " but the coordinator decided " + to_string(record.outcome),
                    record.decided_at});
        continue;
      }
    }
    if (record.route >= routes.size()) continue;
    const std::uint32_t n = static_cast<std::uint32_t>(routes[record.route].nodes.size());
    bool doubt = false;
    std::uint32_t present = 0;
    for (std::uint32_t part = 0; part < n; ++part) {
      doubt = doubt || in_doubt.count({txn, part}) > 0;
      if (effect_present(txn, part)) ++present;
    }
    if (doubt) continue;  // not atomic yet, not wrong: in_doubt_resolved reports it
    if (present != 0 && present != n) {
      result.add({who, std::to_string(present) + " of " + std::to_string(n) +
                           " parts have their committed effect in their store", now});
    } else if (present == n && record.outcome == Outcome::kAborted) {
      result.add({who, "aborted by the coordinator, yet every effect is present", now});
    }
  }
  result.summary = std::to_string(result.violations) + " of " + std::to_string(checked) +
                   " transactions broke atomicity";
  return result;
}

check::CheckResult check_in_doubt_resolved(const PartSet& in_doubt, sim::Time now) {
  check::CheckResult result;
  result.name = "in_doubt_resolved";
  for (const auto& [txn, part] : in_doubt) {
    result.add({"transaction " + std::to_string(txn),
                "part " + std::to_string(part) + " is still prepared (in doubt) at the end", now});
  }
  result.summary = std::to_string(in_doubt.size()) + " parts still in doubt at the end";
  return result;
}

}  // namespace txsim::twopc
