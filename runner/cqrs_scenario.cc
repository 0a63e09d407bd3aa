#include "runner/cqrs_scenario.h"

#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

namespace txsim::runner {
namespace {

// One-way latency inside a region (or when the matrix lacks a pair): the network's default.
constexpr double kLocalOneWayMs = 1.0;

cqrs::EventKind kind_of(const std::string& service_type) {
  if (service_type == "upload.ingest") return cqrs::EventKind::kIngested;
  if (service_type == "upload.description") return cqrs::EventKind::kDescribed;
  if (service_type == "upload.publish") return cqrs::EventKind::kPublished;
  return cqrs::EventKind::kOther;
}

bool flag_param(const scenario::Projection& p, const std::string& name, bool fallback) {
  for (const auto& param : p.param()) {
    if (param.key() == name) return param.value() == "true" || param.value() == "1";
  }
  return fallback;
}

std::uint32_t service_index(const scenario::Scenario& s, const std::string& name) {
  for (int i = 0; i < s.service_size(); ++i) {
    if (s.service(i).name() == name) return static_cast<std::uint32_t>(i);
  }
  throw std::invalid_argument("cqrs: unknown service '" + name + "'");
}

}  // namespace

CqrsScenario::CqrsScenario(sim::Simulator& simulator, const scenario::LoadedScenario& loaded,
                           sim::Time arrivals_end)
    : simulator_(simulator), loaded_(loaded), arrivals_end_(arrivals_end) {
  const auto& s = loaded.scenario;
  const auto& q = s.cqrs();
  if (!s.topology().latency_matrix_csv().empty()) {
    std::filesystem::path path(s.topology().latency_matrix_csv());
    if (path.is_relative()) path = std::filesystem::path(loaded.file).parent_path() / path;
    matrix_ = std::make_shared<net::LatencyMatrix>(net::LatencyMatrix::load(path.string()));
  }
  for (int i = 0; i < q.projection_size(); ++i) {
    const auto& p = q.projection(i);
    std::set<std::uint32_t> sources;
    for (const auto& name : p.source_service()) sources.insert(service_index(s, name));
    projections_.push_back(cqrs::make_projection(p.type(), sources, flag_param(p, "idempotent", true)));
    if (p.name() == q.readers().projection()) read_projection_ = static_cast<std::size_t>(i);
  }
  if (projections_.empty()) throw std::invalid_argument("not implemented yet: cqrs without a projection");
  std::vector<std::string> names;
  for (const auto& r : q.replica()) names.push_back(r.name());
  if (q.readers().query() == scenario::Readers::API_COMPOSITION) names.push_back("api-composition");
  recorder_ = std::make_unique<cqrs::ReadRecorder>(simulator, *projections_[read_projection_],
                                                   read_projection_, std::move(names),
                                                   q.readers().sessions());
}

CqrsScenario::~CqrsScenario() = default;

std::unique_ptr<saga::SagaService> CqrsScenario::wrap(std::unique_ptr<saga::SagaService> service,
                                                      std::uint32_t index) {
  const auto& type = loaded_.scenario.service(static_cast<int>(index)).type();
  return std::make_unique<cqrs::OutboxService>(std::move(service), index, kind_of(type), recorder_.get());
}

sim::Duration CqrsScenario::one_way(const std::string& from, const std::string& to) const {
  std::optional<double> ms;
  if (matrix_ != nullptr && from != to) ms = matrix_->one_way_ms(from, to);
  return sim::duration_from_ms(ms.value_or(kLocalOneWayMs));
}

void CqrsScenario::attach(SagaWorld& world) {
  const auto& s = loaded_.scenario;
  const auto& q = s.cqrs();
  world.history().on_op = [this](const saga::ParticipantOp& op) {
    if (op.result == saga::OpResult::kApplied) {
      recorder_->committed(op.saga_id, op.step, op.type == saga::OpType::kCompensation, op.at);
    }
  };
  const std::string broker_node = !q.broker_node().empty() ? q.broker_node()
                                  : q.replica_size() > 0   ? q.replica(0).node()
                                                           : "";
  if (broker_node.empty()) throw std::invalid_argument("cqrs.broker_node: no broker node and no replica");
  cqrs::BrokerConfig broker;
  if (q.has_broker_partitions()) broker.partitions = q.broker_partitions();
  broker_ = std::make_unique<cqrs::Broker>(world.node(broker_node), broker);
  std::set<std::string> service_nodes;
  for (const auto& service : s.service()) service_nodes.insert(service.node());
  for (const auto& node : service_nodes) {
    relays_.push_back(std::make_unique<cqrs::OutboxRelay>(world.node(node), broker_->node().id()));
  }
  std::vector<cqrs::ViewReplica*> replicas;
  for (int i = 0; i < q.replica_size(); ++i) {
    const auto& r = q.replica(i);
    cqrs::ReplicaConfig config;
    config.name = r.name();
    config.group = static_cast<std::uint32_t>(i);
    config.apply_delay = sim::duration_from_ms(r.apply_delay_ms());
    replicas_.push_back(std::make_unique<cqrs::ViewReplica>(world.node(r.node()), broker_->node().id(),
                                                            broker.partitions, config, projections_,
                                                            recorder_.get()));
    replicas.push_back(replicas_.back().get());
  }
  const auto& readers = q.readers();
  cqrs::ReadersConfig config;
  config.sessions = readers.sessions();
  config.rate_per_s = readers.rate_per_s();
  config.choice = readers.replica_choice() == scenario::Readers::STICKY    ? cqrs::ReplicaChoice::kSticky
                  : readers.replica_choice() == scenario::Readers::NEAREST ? cqrs::ReplicaChoice::kNearest
                                                                           : cqrs::ReplicaChoice::kRandom;
  config.read_your_writes = readers.read_your_writes();
  if (readers.has_read_your_writes_timeout_ms()) {
    config.ryw_timeout = sim::duration_from_ms(readers.read_your_writes_timeout_ms());
  }
  if (readers.has_timeout_ms()) config.timeout = sim::duration_from_ms(readers.timeout_ms());
  config.regions.assign(readers.region().begin(), readers.region().end());
  if (config.regions.empty()) {
    for (const auto& region : s.topology().region()) config.regions.push_back(region.name());
  }
  config.projection = read_projection_;
  config.api_composition = readers.query() == scenario::Readers::API_COMPOSITION;
  config.arrivals_end = arrivals_end_;
  std::vector<net::Node*> owners;
  const auto& read = q.projection(static_cast<int>(read_projection_));
  std::set<std::string> owner_nodes;
  for (const auto& service : s.service()) {
    const bool source = read.source_service_size() == 0 ||
                        std::find(read.source_service().begin(), read.source_service().end(),
                                  service.name()) != read.source_service().end();
    if (source) owner_nodes.insert(service.node());
  }
  for (const auto& node : owner_nodes) owners.push_back(&world.node(node));
  // Sessions read over the network, through one gateway node per region, in the zone of the
  // region's first node (so that a zone-level latency matrix knows it).
  std::map<std::string, net::Node*> gateways;
  for (const auto& region : config.regions) {
    net::NodeConfig node{"readers-" + region, "", region, {}};
    auto& network = world.network();
    for (net::NodeId id = 0; id < network.size(); ++id) {
      if (network.node(id).region() == region) {
        node.zone = network.node(id).zone();
        break;
      }
    }
    if (network.find_node(node.name) != nullptr) {
      throw std::invalid_argument("cqrs.readers: node name '" + node.name + "' is taken; the readers of region '" +
                                  region + "' need it for their gateway");
    }
    gateways.emplace(region, &network.add_node(node));
  }
  readers_ = std::make_unique<cqrs::ReaderWorkload>(
      simulator_, config, replicas, *recorder_,
      [this](const std::string& a, const std::string& b) { return one_way(a, b); }, owners);
  readers_->set_gateways(std::move(gateways));
}

void CqrsScenario::start() {
  for (auto& relay : relays_) relay->start();
  for (auto& replica : replicas_) replica->start();
  readers_->start();
}

bool CqrsScenario::idle() {
  for (const auto& relay : relays_) {
    if (!relay->idle()) return false;
  }
  if (!broker_->node().is_up()) return false;
  for (const auto& replica : replicas_) {
    if (!replica->node().is_up() || replica->queued() > 0) return false;
    for (std::uint32_t p = 0; p < broker_->partitions(); ++p) {
      if (replica->next_offset(p) != broker_->end(p)) return false;
    }
  }
  return readers_->in_flight() == 0;
}

void CqrsScenario::add_probes(metrics::FixedIntervalSampler& sampler) {
  sampler.add_probe("events in broker", [this] { return static_cast<double>(broker_->appended()); });
  sampler.add_probe("reads issued", [this] { return static_cast<double>(readers_->issued()); });
}

}  // namespace txsim::runner

namespace txsim::runner {

// The fields a reader of the view sees: not ViewEntry::applications, a count of applies that
// the effect-once check judges.
check::ViewRow CqrsScenario::row_of(std::size_t projection, const cqrs::ViewEntry& entry) const {
  const auto& p = *projections_[projection];
  check::ViewRow row{{"version", std::to_string(entry.global_version)},
                     {"flags", p.flags_text(entry.flags)},
                     {"visible", p.visible(entry) ? "yes" : "no"}};
  for (const auto& [service, version] : entry.applied) {
    row["applied/" + loaded_.scenario.service(static_cast<int>(service)).name()] = std::to_string(version);
  }
  return row;
}

check::ReplicaViews CqrsScenario::expected_views() const {
  const auto& s = loaded_.scenario;
  check::ReplicaViews out{"expected", std::vector<check::ViewRows>(projections_.size())};
  for (std::size_t p = 0; p < projections_.size(); ++p) {
    const auto& config = s.cqrs().projection(static_cast<int>(p));
    std::set<std::uint32_t> sources;
    for (const auto& name : config.source_service()) sources.insert(service_index(s, name));
    const auto reference = cqrs::make_projection(config.type(), sources, /*idempotent=*/true);
    std::map<std::uint64_t, cqrs::ViewEntry> view;
    for (const auto& event : recorder_->committed_events()) {
      if (!reference->accepts(event)) continue;
      reference->apply(view[event.aggregate], event, recorder_->global_version(event));
    }
    for (const auto& [aggregate, entry] : view) out.views[p][aggregate] = row_of(p, entry);
  }
  return out;
}

check::CheckResult CqrsScenario::effect_once_check() const {
  const auto& s = loaded_.scenario;
  check::ViewApplyHistory h;
  for (const auto& replica : replicas_) h.replica_names.push_back(replica->name());
  for (const auto& p : s.cqrs().projection()) h.view_names.push_back(p.name());
  for (const auto& service : s.service()) h.source_names.push_back(service.name());
  h.applies = recorder_->view_applies();
  return check::check_projection_effect_once(h);
}

check::CheckResult CqrsScenario::row_convergence_check(sim::Time end) {
  std::vector<std::string> view_names;
  for (const auto& p : loaded_.scenario.cqrs().projection()) view_names.push_back(p.name());
  std::vector<check::ReplicaViews> replicas;
  for (const auto& replica : replicas_) {
    check::ReplicaViews views{replica->name(), std::vector<check::ViewRows>(projections_.size())};
    for (std::size_t p = 0; p < projections_.size(); ++p) {
      for (const auto& [aggregate, entry] : replica->view(p)) views.views[p][aggregate] = row_of(p, entry);
    }
    replicas.push_back(std::move(views));
  }
  return check::check_view_convergence(view_names, expected_views(), replicas, end);
}

}  // namespace txsim::runner
