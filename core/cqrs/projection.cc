#include "core/cqrs/projection.h"

#include <functional>
#include <sstream>
#include <stdexcept>

namespace txsim::cqrs {
namespace {

enum FeedFlag : std::uint32_t { kMedia = 1, kDescription = 2, kPublished = 4, kCompensated = 8 };

std::uint32_t flag_of(EventKind kind) {
  switch (kind) {
    case EventKind::kIngested: return kMedia;
    case EventKind::kDescribed: return kDescription;
    case EventKind::kPublished: return kPublished;
    default: break;  // kOther and the saga choreography kinds carry no feed state
  }
  return 0;
}

using Factory = std::function<std::unique_ptr<Projection>(std::set<std::uint32_t>, bool)>;

const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> table = {
      {"feed.join", [](std::set<std::uint32_t> s, bool i) { return std::make_unique<FeedJoin>(std::move(s), i); }},
      {"view.copy", [](std::set<std::uint32_t> s, bool i) { return std::make_unique<ViewCopy>(std::move(s), i); }},
  };
  return table;
}

}  // namespace

std::string ViewEntry::serialize() const {
  std::string out = std::to_string(global_version) + " " + std::to_string(flags) + " " +
                    std::to_string(applications);
  for (const auto& [service, version] : applied) {
    out += " " + std::to_string(service) + "=" + std::to_string(version);
  }
  return out;
}

ViewEntry ViewEntry::parse(const std::string& text) {
  std::istringstream in(text);
  ViewEntry e;
  if (!(in >> e.global_version >> e.flags >> e.applications)) {
    throw std::invalid_argument("not a view entry: " + text);
  }
  std::string pair;
  while (in >> pair) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("not a view entry: " + text);
    e.applied[static_cast<std::uint32_t>(std::stoul(pair.substr(0, eq)))] = std::stoull(pair.substr(eq + 1));
  }
  return e;
}

bool Projection::apply(ViewEntry& entry, const DomainEvent& e, std::uint64_t global_version) const {
  std::uint64_t& last = entry.applied[e.service];
  if (idempotent_) {
    if (e.version() <= last) return false;
    last = e.version();
    entry.global_version = std::max(entry.global_version, global_version);
  } else {
    // Without idempotence the latest delivery wins, even a redelivered older event.
    last = e.version();
    entry.global_version = global_version;
  }
  fold(entry, e);
  ++entry.applications;
  return true;
}

void FeedJoin::fold(ViewEntry& entry, const DomainEvent& e) const {
  const std::uint32_t flag = flag_of(e.kind);
  if (e.compensation) {
    entry.flags = (entry.flags & ~flag) | kCompensated;
  } else {
    entry.flags |= flag;
  }
}

bool FeedJoin::visible(const ViewEntry& entry) const {
  constexpr std::uint32_t kAll = kMedia | kDescription | kPublished;
  return (entry.flags & kAll) == kAll && (entry.flags & kCompensated) == 0;
}

std::string FeedJoin::flags_text(std::uint32_t flags) const {
  std::string out;
  for (const auto& [flag, name] : {std::pair{kMedia, "media"}, std::pair{kDescription, "description"},
                                   std::pair{kPublished, "published"}, std::pair{kCompensated, "compensated"}}) {
    if ((flags & flag) != 0) out += (out.empty() ? "" : "+") + std::string(name);
  }
  return out.empty() ? "none" : out;
}

bool ViewCopy::visible(const ViewEntry& entry) const {
  // An odd service version is an action, an even one its compensation (events.h).
  for (const auto& [service, version] : entry.applied) {
    if (version % 2 == 1) return true;
  }
  return false;
}

std::unique_ptr<Projection> make_projection(const std::string& type, std::set<std::uint32_t> sources,
                                            bool idempotent) {
  const auto it = factories().find(type);
  if (it == factories().end()) throw std::invalid_argument("unknown projection type '" + type + "'");
  return it->second(std::move(sources), idempotent);
}

std::vector<std::string> projection_types() {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories()) out.push_back(name);
  return out;
}

}  // namespace txsim::cqrs
