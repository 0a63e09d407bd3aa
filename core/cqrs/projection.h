// Projections: event handlers that build one view entry per aggregate from domain events
// (Fowler, "CQRS", 2011; Richardson, "Microservices Patterns", ch. 7: CQRS views).
//
// Idempotence by event id and version: an entry remembers, per source service, the highest
// service version it applied (events.h), and ignores an event whose version is not higher — a
// duplicate or an older event is not applied twice. With `idempotent = false` every delivered
// event is applied again (the anomaly a scenario shows).
//
// `global_version` is the run-wide version of the aggregate that the entry reflects (assigned
// by the recorder at commit; see recorder.h); readers see it when the entry is visible.
//
// Types are registered by name like services: "feed.join" (one feed entry per upload, joined
// from ingest, description and publish events; visible once all three are in and nothing was
// compensated) and "view.copy" (a copy of its source services' records; visible while one is
// present).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/cqrs/events.h"

namespace txsim::cqrs {

struct ViewEntry {
  std::uint64_t global_version = 0;
  std::map<std::uint32_t, std::uint64_t> applied;  // service -> highest service version applied
  std::uint32_t flags = 0;                          // projection-specific
  std::uint64_t applications = 0;                   // events applied (duplicates included)

  std::string serialize() const;
  /// REQUIRES: `text` came from serialize() (std::invalid_argument otherwise).
  static ViewEntry parse(const std::string& text);
  bool operator==(const ViewEntry&) const = default;
};

class Projection {
 public:
  /// `sources`: services whose events it takes (empty: all).
  Projection(std::set<std::uint32_t> sources, bool idempotent)
      : sources_(std::move(sources)), idempotent_(idempotent) {}
  virtual ~Projection() = default;

  bool accepts(const DomainEvent& e) const { return sources_.empty() || sources_.count(e.service) > 0; }
  bool idempotent() const { return idempotent_; }
  /// Applies `e` to `entry` unless idempotence rejects it. Returns whether it was applied.
  bool apply(ViewEntry& entry, const DomainEvent& e, std::uint64_t global_version) const;
  virtual bool visible(const ViewEntry& entry) const = 0;
  /// `flags` as a person reads them (the number by default).
  virtual std::string flags_text(std::uint32_t flags) const { return std::to_string(flags); }

 protected:
  virtual void fold(ViewEntry& entry, const DomainEvent& e) const = 0;

 private:
  std::set<std::uint32_t> sources_;
  bool idempotent_;
};

/// The feed entry of an upload: media, description and publish state joined.
class FeedJoin : public Projection {
 public:
  using Projection::Projection;
  bool visible(const ViewEntry& entry) const override;
  /// "media+description+published", "compensated", "none".
  std::string flags_text(std::uint32_t flags) const override;

 protected:
  void fold(ViewEntry& entry, const DomainEvent& e) const override;
};

/// A copy of its source services' records.
class ViewCopy : public Projection {
 public:
  using Projection::Projection;
  bool visible(const ViewEntry& entry) const override;

 protected:
  void fold(ViewEntry&, const DomainEvent&) const override {}
};

/// Creates a registered projection type. Throws std::invalid_argument for an unknown type.
std::unique_ptr<Projection> make_projection(const std::string& type, std::set<std::uint32_t> sources,
                                            bool idempotent);
/// Registered type names, sorted.
std::vector<std::string> projection_types();

}  // namespace txsim::cqrs
