#include "runner/saga_scenario.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "plugins/generic/step_service.h"
#include "plugins/registry.h"
#include "plugins/transfer/transfer_service.h"
#include "plugins/upload/upload_services.h"
#include "runner/freshness_report.h"
#include "runner/report_series.h"
#include "runner/saga_transactions.h"
#include "runner/service_params.h"
#include "runner/twopc_scenario.h"

namespace txsim::runner {
namespace {

constexpr double kDefaultDeadlineS = 60;
constexpr double kDefaultTimeoutMs = 1000;
constexpr std::uint32_t kDefaultAttempts = 3;
constexpr double kDefaultBackoffInitialMs = 10;
constexpr double kDefaultBackoffMaxMs = 1000;
// Random crashes need an end; with open-ended arrivals they stop after this long.
constexpr double kOpenEndedFaultWindowS = 1e6;

[[noreturn]] void unsupported(const std::string& field, const std::string& why) {
  throw std::invalid_argument("not implemented yet: " + field + " (" + why + ")");
}

using Params = ServiceParams;

net::LatencyModel latency_model(const scenario::LatencyModel& m) {
  using M = scenario::LatencyModel;
  switch (m.model_case()) {
    case M::kConstant: return net::LatencyModel::constant(m.constant().latency_ms());
    case M::kUniform: return net::LatencyModel::uniform(m.uniform().min_ms(), m.uniform().max_ms());
    case M::kExponential: return net::LatencyModel::exponential(m.exponential().mean_ms());
    case M::kNormal: return net::LatencyModel::normal(m.normal().mean_ms(), m.normal().stddev_ms());
    case M::kLognormal:
      return net::LatencyModel::lognormal(m.lognormal().mu_log_ms(), m.lognormal().sigma());
    case M::kPareto: return net::LatencyModel::pareto(m.pareto().scale_ms(), m.pareto().shape());
    case M::kEmpirical:
      return net::LatencyModel::empirical(sim::Empirical::from_samples(
          {m.empirical().sample_ms().begin(), m.empirical().sample_ms().end()}));
    case M::MODEL_NOT_SET: break;
  }
  return net::LatencyModel::constant(1.0);
}

std::string region_of(const scenario::Topology& topology, const scenario::Node& node) {
  if (!node.region().empty()) return node.region();
  for (const auto& zone : topology.zone()) {
    if (zone.name() == node.zone()) return zone.region();
  }
  return "";
}

net::NetworkConfig network_config(const scenario::LoadedScenario& loaded) {
  const auto& s = loaded.scenario;
  const auto& topology = s.topology();
  if (topology.latency_matrix_one_way()) {
    unsupported("topology.latency_matrix_one_way", "matrix values are read as round trips");
  }
  if (topology.has_latency_jitter()) unsupported("topology.latency_jitter", "no extra jitter model");
  net::NetworkConfig config;
  if (topology.has_latency_default()) config.default_latency = latency_model(topology.latency_default());
  if (!topology.latency_matrix_csv().empty()) {
    std::filesystem::path path(topology.latency_matrix_csv());
    if (path.is_relative()) path = std::filesystem::path(loaded.file).parent_path() / path;
    auto matrix = std::make_shared<net::LatencyMatrix>(net::LatencyMatrix::load(path.string()));
    const bool zones = std::all_of(topology.node().begin(), topology.node().end(),
                                   [&](const auto& n) { return matrix->contains(n.zone()); });
    config.matrix_level = zones ? net::MatrixLevel::kZone : net::MatrixLevel::kRegion;
    config.latency_matrix = std::move(matrix);
  }
  const auto& random = s.faults().random();
  config.loss_probability = random.message_loss_probability();
  config.duplication_probability = random.message_duplication_probability();
  config.reorder_probability = random.message_reordering_probability();
  return config;
}

std::unique_ptr<saga::SagaService> make_service(const scenario::Service& service) {
  const Params params(service);
  const std::string& type = service.type();
  using plugins::upload::UploadKind;
  if (type == "upload.ingest") {
    const std::string kind = params.text("kind");
    const UploadKind k = kind == "live" ? UploadKind::kLive
                         : kind == "shorts" ? UploadKind::kShorts
                                            : UploadKind::kVideo;
    return std::make_unique<plugins::upload::IngestService>(
        k, params.number("shorts_max_duration_s"), params.number("reject_probability"));
  }
  if (type == "upload.description") {
    return std::make_unique<plugins::upload::DescriptionService>(
        params.number("moderation_reject_probability"));
  }
  if (type == "upload.publish") {
    return std::make_unique<plugins::upload::PublishService>(
        static_cast<std::uint64_t>(params.number("quota")));
  }
  if (type == "upload.notify") {
    return std::make_unique<plugins::upload::NotifyService>(params.number("failure_probability"));
  }
  if (type == "transfer.participant") {
    return std::make_unique<plugins::transfer::TransferService>(
        plugins::transfer::parse_role(params.text("role")),
        static_cast<std::int64_t>(params.number("initial_balance")));
  }
  if (type == "generic.participant") {
    return std::make_unique<plugins::generic::StepService>(params.number("failure_probability"));
  }
  unsupported("service[" + service.name() + "].type", "'" + type + "' is not a saga service");
}

sim::Duration ms(double value) { return sim::duration_from_ms(value); }

saga::SagaDefinition saga_definition(const scenario::Saga& saga) {
  saga::SagaDefinition d;
  d.name = saga.name();
  d.checkpoint = saga.checkpoint() == scenario::Saga::EVERY_STAGE;
  d.compensation_order = saga.compensation_order() == scenario::Saga::PARALLEL
                             ? saga::CompensationOrder::kParallel
                             : saga::CompensationOrder::kReverse;
  d.forward_recovery_deadline =
      sim::duration_from_seconds(saga.has_deadline_s() ? saga.deadline_s() : kDefaultDeadlineS);
  for (const auto& step : saga.step()) {
    saga::StepDefinition s;
    s.name = step.name();
    s.service = step.service();
    s.action = step.action().empty() ? step.name() : step.action();
    s.compensation = step.compensation();
    s.kind = step.kind() == scenario::Step::PIVOT       ? saga::StepKind::kPivot
             : step.kind() == scenario::Step::RETRIABLE ? saga::StepKind::kRetriable
                                                        : saga::StepKind::kCompensatable;
    for (const auto& before : step.after()) {
      for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(saga.step_size()); ++i) {
        if (saga.step(static_cast<int>(i)).name() == before) s.after.push_back(i);
      }
    }
    const auto& retry = step.retry();
    s.retry.attempts_max = retry.has_attempts_max() ? retry.attempts_max() : kDefaultAttempts;
    s.retry.backoff_initial =
        ms(retry.has_backoff_initial_ms() ? retry.backoff_initial_ms() : kDefaultBackoffInitialMs);
    s.retry.backoff_max = ms(retry.has_backoff_max_ms() ? retry.backoff_max_ms() : kDefaultBackoffMaxMs);
    s.retry.full_jitter = !retry.has_full_jitter() || retry.full_jitter();
    s.timeout = ms(step.has_timeout_ms() ? step.timeout_ms() : kDefaultTimeoutMs);
    d.steps.push_back(std::move(s));
  }
  return d;
}

std::vector<net::NodeConfig> node_configs(const scenario::LoadedScenario& loaded) {
  const auto& s = loaded.scenario;
  storage::StoreConfig store;
  if (s.topology().has_storage_sync_latency_ms()) {
    store.sync_latency = sim::duration_from_ms(s.topology().storage_sync_latency_ms());
  }
  std::vector<net::NodeConfig> nodes;
  for (const auto& node : s.topology().node()) {
    nodes.push_back({node.name(), node.zone(), region_of(s.topology(), node), store});
  }
  // W3's transfer service gives the time of a forced write: its node's store sync latency.
  for (const auto& service : s.service()) {
    if (service.type() != "transfer.participant") continue;
    const Params params(service);
    for (auto& node : nodes) {
      if (node.name == service.node()) {
        node.store.sync_latency = sim::duration_from_ms(params.number("storage_write_ms"));
      }
    }
  }
  return nodes;
}

SagaWorldConfig world_config(const scenario::LoadedScenario& loaded, CqrsScenario* cqrs) {
  const auto& s = loaded.scenario;
  SagaWorldConfig config;
  config.network = network_config(loaded);
  config.nodes = node_configs(loaded);
  const auto& orchestration = s.protocol().saga_orchestration();
  config.orchestrator_node =
      orchestration.orchestrator_node().empty() ? "orchestrator" : orchestration.orchestrator_node();
  config.orchestrator.recovery_interval = sim::duration_from_seconds(
      orchestration.has_recovery_interval_s() ? orchestration.recovery_interval_s() : 1.0);
  if (orchestration.retention_horizon_s() > 0 && !s.protocol().has_saga_choreography()) {
    config.retention_horizon = sim::duration_from_seconds(orchestration.retention_horizon_s());
  }
  if (s.protocol().has_saga_choreography()) {
    const auto& c = s.protocol().saga_choreography();
    if (c.retention_horizon_s() > 0) {
      config.retention_horizon = sim::duration_from_seconds(c.retention_horizon_s());
    }
    // Default broker node: "broker" when the topology has one, else its first node.
    const auto& nodes = s.topology().node();
    const bool has_broker = std::any_of(nodes.begin(), nodes.end(),
                                        [](const auto& n) { return n.name() == "broker"; });
    config.choreography_broker_node = !c.broker_node().empty() ? c.broker_node()
                                      : has_broker || nodes.empty() ? "broker"
                                                                    : nodes.Get(0).name();
  }
  for (const auto& service : s.service()) {
    const Params params(service);
    saga::ParticipantConfig participant;
    participant.barrier = !params.has("barrier") || params.flag("barrier");
    if (!participant.barrier && s.protocol().has_saga_choreography()) {
      unsupported("service[" + service.name() + "].param barrier",
                  "under saga_choreography a service finds its due work through its barrier "
                  "records, so the barrier cannot be switched off");
    }
    // W3's transfer service names its local transaction time after the workload's text.
    participant.service_time_ms_mean = params.number(
        service.type() == "transfer.participant" ? "local_txn_ms_mean" : "service_time_ms_mean");
    auto business = make_service(service);
    if (cqrs != nullptr) {
      business = cqrs->wrap(std::move(business), static_cast<std::uint32_t>(config.services.size()));
    }
    config.services.push_back({service.name(), service.node(), std::move(business), participant});
  }
  for (const auto& saga : s.saga()) config.sagas.push_back(saga_definition(saga));
  return config;
}

// Turns the fault log into spans for the report's timeline: a crash lasts until its node's
// restart, a partition until its heal, a loss or duplication window until it closes. Whatever is
// still open at the end of the run lasts until then.
void add_fault_spans(const std::vector<fault::FaultLogEntry>& log, sim::Time end, report::Report& r) {
  struct Open {
    std::string kind, target, detail;
    sim::Time start;
  };
  std::map<std::string, std::vector<Open>> open;  // by closing key, oldest first
  auto close = [&](const std::string& key, sim::Time at) {
    auto it = open.find(key);
    if (it == open.end() || it->second.empty()) return;
    const Open o = it->second.front();
    it->second.erase(it->second.begin());
    auto* span = r.add_faults();
    span->set_kind(o.kind);
    span->set_target(o.target);
    span->set_start_s(o.start.to_seconds());
    span->set_end_s(at.to_seconds());
    span->set_detail(o.detail);
  };
  auto starts_with = [](const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
  };
  for (const auto& e : log) {
    const std::string& w = e.what;
    if (starts_with(w, "crash ")) {
      open["restart " + w.substr(6)].push_back({"crash", w.substr(6), w, e.at});
    } else if (starts_with(w, "partition #")) {
      const std::string id = w.substr(11, w.find(' ', 11) - 11);
      open["heal partition #" + id].push_back({"partition", w.substr(w.find(' ', 11) + 1), w, e.at});
    } else if (starts_with(w, "loss window p=")) {
      open["loss window closed"].push_back({"message_loss", "*", w, e.at});
    } else if (starts_with(w, "duplication window p=")) {
      open["duplication window closed"].push_back({"duplication", "*", w, e.at});
    } else if (starts_with(w, "slow ")) {
      // "slow a -> b x<factor>"; factor 1 ends the slowdown of that link.
      const auto x = w.rfind(" x");
      const std::string link = w.substr(5, x - 5);
      if (w.substr(x + 2) == "1") {
        close("slow " + link, e.at);
      } else {
        open["slow " + link].push_back({"slow", link, w, e.at});
      }
    } else {
      close(w, e.at);
    }
  }
  for (auto& [key, spans] : open) {
    while (!spans.empty()) close(key, end);
  }
}

}  // namespace

SagaScenario::SagaScenario(sim::Simulator& simulator, const scenario::LoadedScenario& loaded,
                           sim::Time arrivals_end, bool keep_whole_history)
    : simulator_(simulator), loaded_(loaded), arrivals_end_(arrivals_end) {
  const auto& s = loaded.scenario;
  if (s.protocol().has_two_phase_commit()) {
    if (s.has_cqrs()) unsupported("cqrs", "the read side is fed by saga orchestration only");
    twopc_ = std::make_unique<TwoPhaseWorld>(
        simulator, twopc_world_config(loaded, network_config(loaded), node_configs(loaded)));
  } else {
    if (s.has_cqrs() && s.protocol().has_saga_choreography()) {
      unsupported("cqrs", "the read side is fed by saga orchestration only");
    }
    if (s.has_cqrs()) cqrs_ = std::make_unique<CqrsScenario>(simulator, loaded, arrivals_end);
    SagaWorldConfig config = world_config(loaded, cqrs_.get());
    config.fold_settled_history = !keep_whole_history;
    world_ = std::make_unique<SagaWorld>(simulator, std::move(config));
    if (cqrs_) cqrs_->attach(*world_);
  }
  faults_ = std::make_unique<fault::FaultInjector>(simulator, network());
  if (world_) world_->set_fault_seen([this] { return !faults_->log().empty(); });
  for (const auto& link : s.topology().link()) {
    net::LinkConfig config;
    if (link.has_latency()) config.latency = latency_model(link.latency());
    if (link.has_loss_probability()) config.loss_probability = link.loss_probability();
    if (link.has_duplication_probability()) config.duplication_probability = link.duplication_probability();
    if (link.has_reordering_probability()) config.reorder_probability = link.reordering_probability();
    for (const auto from : resolve({link.from()}, "topology.link.from")) {
      for (const auto to : resolve({link.to()}, "topology.link.to")) {
        if (from == to) continue;
        network().set_link(from, to, config);
        if (!link.has_symmetric() || link.symmetric()) network().set_link(to, from, config);
      }
    }
  }
  // The arrival drivers take the begin function: a saga submission or a 2PC begin.
  plugins::upload::SagaArrivals::Submit submit;
  if (twopc_) {
    submit = [this](std::uint32_t route, saga::SagaArgs args) {
      if (!twopc_->coordinator().begin(route, next_saga_id_++, {args.a, args.b})) {
        twopc_rejected_.push_back(simulator_.now());
      }
    };
  } else {
    submit = [this](std::uint32_t route, saga::SagaArgs args) {
      world_->submit(route, next_saga_id_++, args);
    };
  }
  const auto& workload = s.workload();
  const bool open_ended = arrivals_end == sim::Time::max();
  if (open_ended && workload.has_uploads() && workload.uploads().count() == 0) {
    throw std::invalid_argument(
        "workload.uploads: arrivals never stop; set workload.uploads.count or stop.arrivals_s");
  }
  for (const auto& a : workload.saga_arrivals()) {
    if (open_ended && a.count() == 0) {
      throw std::invalid_argument("workload.saga_arrivals[" + a.saga() +
                                  "]: arrivals never stop; set its count or stop.arrivals_s");
    }
  }
  if (workload.has_uploads()) {
    const auto& u = workload.uploads();
    auto route_or_zero = [&](const std::string& name, const std::string& fallback, double share) {
      const std::string saga = name.empty() ? fallback : name;
      return share > 0 ? route(saga) : 0u;
    };
    const auto& mix = u.kind_mix();
    arrivals_.push_back(std::make_unique<plugins::upload::SagaArrivals>(
        simulator, "uploads", u.rate_per_s(), u.count(), arrivals_end,
        std::array<std::uint32_t, 3>{route_or_zero(u.live_saga(), "upload-live", mix.live()),
                                     route_or_zero(u.video_saga(), "upload-video", mix.video()),
                                     route_or_zero(u.shorts_saga(), "upload-shorts", mix.shorts())},
        std::array<double, 3>{mix.live(), mix.video(), mix.shorts()}, submit));
  }
  if (workload.has_transfers()) {
    const auto& t = workload.transfers();
    if (open_ended && t.count() == 0) {
      throw std::invalid_argument(
          "workload.transfers: arrivals never stop; set workload.transfers.count or stop.arrivals_s");
    }
    plugins::transfer::TransferArrivalsConfig config;
    config.rate_per_s = t.rate_per_s();
    config.count = t.count();
    if (t.has_keys_per_participant()) config.keys_per_participant = t.keys_per_participant();
    if (t.has_zipf_exponent()) config.zipf_exponent = t.zipf_exponent();
    const std::uint32_t transfer_route = route(t.saga());
    transfers_ = std::make_unique<plugins::transfer::TransferArrivals>(
        simulator, config, arrivals_end,
        [submit, transfer_route](saga::SagaArgs args) { submit(transfer_route, args); });
  }
  for (const auto& a : workload.saga_arrivals()) {
    arrivals_.push_back(std::make_unique<plugins::upload::SagaArrivals>(
        simulator, "saga_arrivals/" + a.saga(), a.rate_per_s(), a.count(), arrivals_end,
        route(a.saga()), submit));
  }
}

SagaScenario::~SagaScenario() = default;

std::vector<net::NodeId> SagaScenario::resolve(const std::vector<std::string>& names,
                                               const std::string& field) const {
  const auto& s = loaded_.scenario;
  std::set<net::NodeId> ids;
  auto& network = this->network();
  for (const auto& name : names) {
    if (name == "*") {
      for (net::NodeId id = 0; id < network.size(); ++id) ids.insert(id);
      continue;
    }
    bool found = false;
    for (net::NodeId id = 0; id < network.size(); ++id) {
      const net::Node& node = network.node(id);
      if (node.name() == name || node.zone() == name || node.region() == name) {
        ids.insert(id);
        found = true;
      }
    }
    for (const auto& service : s.service()) {
      if (service.name() == name) {
        ids.insert(network.find_node(service.node())->id());
        found = true;
      }
    }
    for (const auto& group : s.topology().group()) {
      if (group.name() != name) continue;
      const auto members = resolve({group.member().begin(), group.member().end()}, field);
      ids.insert(members.begin(), members.end());
      found = true;
    }
    if (!found) throw std::invalid_argument(field + ": unknown node, zone, region, group or service '" + name + "'");
  }
  return {ids.begin(), ids.end()};
}

void SagaScenario::start() {
  if (world_) world_->start();
  for (auto& a : arrivals_) a->start();
  if (transfers_) transfers_->start();
  if (cqrs_) cqrs_->start();
  schedule_faults();
}

void SagaScenario::schedule_faults() {
  const auto& faults = loaded_.scenario.faults();
  for (int i = 0; i < faults.at_size(); ++i) {
    const auto& f = faults.at(i);
    const std::string field = "faults.at[" + std::to_string(i) + "]";
    const sim::Time at = sim::Time::zero() + sim::duration_from_seconds(f.time_s());
    using T = scenario::TimedFault;
    switch (f.fault_case()) {
      case T::kCrash:
        for (const auto node : resolve({f.crash().node()}, field + ".crash.node")) {
          faults_->schedule({at, fault::CrashFault{node},
                             f.crash().has_downtime_s() ? sim::duration_from_seconds(f.crash().downtime_s())
                                                        : sim::Duration{}});
        }
        break;
      case T::kPartition: {
        const auto& p = f.partition();
        const auto side_a = resolve({p.side_a().begin(), p.side_a().end()}, field + ".partition.side_a");
        const bool rest = std::find(p.side_b().begin(), p.side_b().end(), "*") != p.side_b().end();
        const auto side_b = rest ? faults_->all_except(side_a)
                                 : resolve({p.side_b().begin(), p.side_b().end()}, field + ".partition.side_b");
        faults_->schedule({at,
                           fault::PartitionFault{side_a, side_b,
                                                 p.one_way() ? net::PartitionMode::kOneWay
                                                             : net::PartitionMode::kSymmetric},
                           p.has_duration_s() ? sim::duration_from_seconds(p.duration_s()) : sim::Duration{}});
        break;
      }
      case T::kSlow:
        for (const auto from : resolve({f.slow().from()}, field + ".slow.from")) {
          for (const auto to : resolve({f.slow().to()}, field + ".slow.to")) {
            if (from == to) continue;
            faults_->schedule({at, fault::SlowFault{from, to, f.slow().factor(), false},
                               sim::duration_from_seconds(f.slow().duration_s())});
          }
        }
        break;
      case T::kLoss:
        if ((!f.loss().from().empty() && f.loss().from() != "*") ||
            (!f.loss().to().empty() && f.loss().to() != "*")) {
          unsupported(field + ".loss.from/to", "loss windows apply to every link");
        }
        faults_->schedule({at, fault::LossFault{f.loss().probability()},
                           sim::duration_from_seconds(f.loss().duration_s())});
        break;
      case T::kDuplication:
        if ((!f.duplication().from().empty() && f.duplication().from() != "*") ||
            (!f.duplication().to().empty() && f.duplication().to() != "*")) {
          unsupported(field + ".duplication.from/to", "duplication windows apply to every link");
        }
        faults_->schedule({at, fault::DuplicationFault{f.duplication().probability()},
                           sim::duration_from_seconds(f.duplication().duration_s())});
        break;
      case T::kClockSkew:
        for (const auto node : resolve({f.clock_skew().node()}, field + ".clock_skew.node")) {
          // A clock running at rate r measures a timer of d in d / r of true time.
          faults_->schedule({at, fault::ClockSkewFault{node, 1.0 / f.clock_skew().rate()},
                             sim::duration_from_seconds(f.clock_skew().duration_s())});
        }
        break;
      case T::FAULT_NOT_SET: break;
    }
  }
  const auto& random = faults.random();
  if (random.crash_mtbf_s() > 0) {
    fault::RandomCrashes crashes;
    if (random.nodes_size() > 0) {
      crashes.nodes = resolve({random.nodes().begin(), random.nodes().end()}, "faults.random.nodes");
    } else {
      std::set<net::NodeId> service_nodes;
      for (const auto& service : loaded_.scenario.service()) {
        service_nodes.insert(network().find_node(service.node())->id());
      }
      crashes.nodes = {service_nodes.begin(), service_nodes.end()};
    }
    crashes.mtbf_s = random.crash_mtbf_s();
    crashes.mean_downtime_s = random.has_crash_downtime_s_mean() ? random.crash_downtime_s_mean() : 1.0;
    crashes.start = sim::Time::zero() + sim::duration_from_seconds(random.start_s());
    crashes.end = random.has_end_s() ? sim::Time::zero() + sim::duration_from_seconds(random.end_s())
                  : arrivals_end_ < sim::Time::max()
                      ? arrivals_end_
                      : crashes.start + sim::duration_from_seconds(kOpenEndedFaultWindowS);
    faults_->add_random_crashes(std::move(crashes));
  }
}

bool SagaScenario::arrivals_finished() const {
  return (!transfers_ || transfers_->finished()) &&
         std::all_of(arrivals_.begin(), arrivals_.end(), [](const auto& a) { return a->finished(); });
}

bool SagaScenario::done() const {
  if (!arrivals_finished()) return false;
  if (twopc_) {
    const auto& coordinator = twopc_->coordinator();
    return coordinator.node().is_up() && coordinator.in_flight() == 0 && twopc_->participants_settled();
  }
  return world_->coordinator_up() && world_->in_flight() == 0 && (!cqrs_ || cqrs_->idle());
}

std::uint64_t SagaScenario::finished() const {
  if (twopc_) {
    const auto& st = twopc_->coordinator().stats();
    return st.committed + st.aborted;
  }
  const auto& st = world_->saga_stats();
  return st.committed + st.compensated + st.stuck;
}

void SagaScenario::add_probes(metrics::FixedIntervalSampler& sampler) {
  if (twopc_) {
    const auto& coordinator = twopc_->coordinator();
    sampler.add_probe("transactions in flight",
                      [&coordinator] { return static_cast<double>(coordinator.in_flight()); });
    sampler.add_probe("transactions decided", [&coordinator] {
      const auto& st = coordinator.stats();
      return static_cast<double>(st.committed + st.aborted);
    });
    return;
  }
  SagaWorld& world = *world_;
  sampler.add_probe("sagas in flight", [&world] { return static_cast<double>(world.in_flight()); });
  sampler.add_probe("sagas finished", [&world] {
    const auto& st = world.saga_stats();
    return static_cast<double>(st.committed + st.compensated + st.stuck);
  });
}

void SagaScenario::fill_common_sections(report::Report& r) {
  auto& network = this->network();
  const auto& ns = network.stats();
  auto* net = r.mutable_network();
  net->set_messages_sent(ns.messages_sent);
  net->set_messages_delivered(ns.messages_delivered);
  net->set_messages_dropped(ns.messages_dropped);
  net->set_messages_duplicated(ns.messages_duplicated);
  net->set_messages_reordered(ns.messages_reordered);
  net->set_calls(ns.calls);
  net->set_call_timeouts(ns.call_timeouts);
  const storage::StoreStats store = network.storage_stats();
  auto* st = r.mutable_storage();
  st->set_reads(store.reads);
  st->set_writes(store.writes);
  st->set_syncs(store.syncs);
  st->set_lost_writes(store.lost_writes);
  const auto& fs = faults_->stats();
  auto* fc = r.mutable_fault_counts();
  fc->set_crashes(fs.crashes);
  fc->set_restarts(fs.restarts);
  fc->set_partitions(fs.partitions);
  fc->set_heals(fs.heals);
  fc->set_slowdowns(fs.slowdowns);
  fc->set_loss_windows(fs.loss_windows);
  fc->set_duplication_windows(fs.duplication_windows);
  fc->set_clock_skews(fs.clock_skews);
  add_fault_spans(faults_->log(), simulator_.now(), r);
}

bool SagaScenario::append_checks(const std::vector<check::CheckResult>& checks, report::Report& r) {
  const auto& wanted = loaded_.scenario.checks();
  std::set<std::string> expected_failures(wanted.expect_failed().begin(), wanted.expect_failed().end());
  std::set<std::string> failed;
  for (const auto& check : checks) {
    const bool selected = wanted.run_size() == 0 ||
                          std::find(wanted.run().begin(), wanted.run().end(), check.name) != wanted.run().end();
    const bool skipped = std::find(wanted.skip().begin(), wanted.skip().end(), check.name) != wanted.skip().end();
    if (!selected || skipped) continue;
    auto* out = r.add_checks();
    out->set_name(check.name);
    out->set_passed(check.passed());
    out->set_violations(check.violations);
    out->set_summary(check.summary);
    out->set_expected_failure(expected_failures.count(check.name) > 0);
    for (const auto& v : check.examples) {
      auto* e = out->add_examples();
      e->set_subject(v.subject);
      e->set_detail(v.detail);
      e->set_time_ns(v.at.ns());
    }
    if (!check.passed()) failed.insert(check.name);
  }
  return failed == expected_failures;
}

sim::Time SagaScenario::last_arrival() const {
  sim::Time last = transfers_ ? transfers_->last_arrival() : sim::Time::zero();
  for (const auto& a : arrivals_) last = std::max(last, a->last_arrival());
  return last;
}

bool SagaScenario::fill_twopc_report(report::Report& r) {
  fill_common_sections(r);
  const auto checks = twopc_->run_checks();
  *r.mutable_transactions() =
      transactions_report(*twopc_, loaded_.scenario.protocol().two_phase_commit().presumed_abort(),
                          last_arrival().to_seconds(), twopc_rejected_, r, checks.front().violations);
  metrics::Histogram latency_ns;
  for (const auto& [txn, record] : twopc_->history().txns()) {
    if (record.outcome == twopc::Outcome::kCommitted) latency_ns.record((record.decided_at - record.begun_at).ns());
  }
  *r.add_latency_histograms() = to_latency_histogram(latency_ns, "committed transaction latency");
  return append_checks(checks, r);
}

bool SagaScenario::fill_report(report::Report& r) {
  if (twopc_) return fill_twopc_report(r);
  const auto& stats = world_->saga_stats();
  // Outcomes and latencies come from the saga history, where a saga's first recorded outcome
  // stands, as in the transactions section: the orchestrator's own counters count a saga again
  // when a restarted orchestrator re-finishes it, and the two sections then disagreed.
  const SagaTally& tally = world_->tally();
  const std::uint64_t committed = tally.committed, compensated = tally.compensated,
                      stuck = tally.stuck;
  const metrics::Histogram& committed_latency_ns = tally.committed_latency_ns;
  const metrics::Histogram& compensated_latency_ns = tally.compensated_latency_ns;
  auto* sagas = r.mutable_sagas();
  sagas->set_started(stats.started);
  sagas->set_rejected(stats.rejected);
  sagas->set_committed(committed);
  sagas->set_compensated(compensated);
  sagas->set_stuck(stuck);
  sagas->set_unfinished(stats.started - std::min(stats.started, committed + compensated + stuck));
  sagas->set_recovered(stats.recovered);
  sagas->set_pruned(world_->retention() != nullptr ? world_->retention()->forgotten() : 0);
  *sagas->mutable_latency_ms() = to_latency_summary_ms(committed_latency_ns);
  *sagas->mutable_compensated_latency_ms() = to_latency_summary_ms(compensated_latency_ns);
  for (std::size_t route = 0; route < world_->sagas().size(); ++route) {
    const auto& definition = world_->sagas()[route];
    for (std::size_t step = 0; step < definition.steps.size(); ++step) {
      auto* out = sagas->add_steps();
      out->set_saga(definition.name);
      out->set_step(definition.steps[step].name);
      out->set_kind(saga::to_string(definition.steps[step].kind));
      out->set_attempts(stats.steps[route][step].attempts);
      out->set_retries(stats.steps[route][step].retries);
      out->set_compensations(stats.steps[route][step].compensations);
    }
  }
  fill_common_sections(r);
  *r.add_latency_histograms() = to_latency_histogram(committed_latency_ns, "committed saga latency");

  auto checks = world_->run_checks();
  if (cqrs_) {
    const auto& report_options = loaded_.scenario.report();
    const sim::Duration interval = sim::duration_from_seconds(
        report_options.has_time_series_interval_s() ? report_options.time_series_interval_s() : 1.0);
    const bool quiescent = done();
    std::optional<check::CheckResult> rows;
    if (quiescent) rows = cqrs_->row_convergence_check(simulator_.now());
    auto freshness = add_freshness_report(cqrs_->finish(simulator_.now()), quiescent, interval, r,
                                          rows ? &*rows : nullptr);
    checks.insert(checks.end(), freshness.begin(), freshness.end());
    checks.push_back(cqrs_->effect_once_check());
  }
  std::uint64_t atomicity_violations = 0;
  for (const auto& check : checks) {
    if (check.name == "saga_atomicity") atomicity_violations = check.violations;
  }
  *r.mutable_transactions() = saga_transactions(*world_, r, atomicity_violations, last_arrival());
  return append_checks(checks, r);
}

}  // namespace txsim::runner
