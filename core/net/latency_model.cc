#include "core/net/latency_model.h"

#include <cmath>
#include <stdexcept>

namespace txsim::net {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("latency model: " + what);
}

bool finite_non_negative(double x) { return std::isfinite(x) && x >= 0.0; }

}  // namespace

LatencyModel LatencyModel::constant(double latency_ms) {
  require(finite_non_negative(latency_ms), "constant latency_ms must be >= 0");
  return LatencyModel(Kind::kConstant, latency_ms, 0.0);
}

LatencyModel LatencyModel::uniform(double low_ms, double high_ms) {
  require(finite_non_negative(low_ms), "uniform low_ms must be >= 0");
  require(std::isfinite(high_ms) && high_ms >= low_ms, "uniform high_ms must be >= low_ms");
  return LatencyModel(Kind::kUniform, low_ms, high_ms);
}

LatencyModel LatencyModel::exponential(double mean_ms) {
  require(finite_non_negative(mean_ms), "exponential mean_ms must be >= 0");
  return LatencyModel(Kind::kExponential, mean_ms, 0.0);
}

LatencyModel LatencyModel::normal(double mean_ms, double stddev_ms) {
  require(finite_non_negative(mean_ms), "normal mean_ms must be >= 0");
  require(finite_non_negative(stddev_ms), "normal stddev_ms must be >= 0");
  return LatencyModel(Kind::kNormal, mean_ms, stddev_ms);
}

LatencyModel LatencyModel::lognormal(double mu_log_ms, double sigma_log_ms) {
  require(std::isfinite(mu_log_ms), "lognormal mu_log_ms must be finite");
  require(finite_non_negative(sigma_log_ms), "lognormal sigma_log_ms must be >= 0");
  return LatencyModel(Kind::kLognormal, mu_log_ms, sigma_log_ms);
}

LatencyModel LatencyModel::pareto(double scale_ms, double shape) {
  require(std::isfinite(scale_ms) && scale_ms > 0.0, "pareto scale_ms must be > 0");
  require(std::isfinite(shape) && shape > 0.0, "pareto shape must be > 0");
  return LatencyModel(Kind::kPareto, scale_ms, shape);
}

LatencyModel LatencyModel::empirical(sim::Empirical distribution_ms) {
  LatencyModel model(Kind::kEmpirical, 0.0, 0.0);
  model.empirical_ = std::make_shared<const sim::Empirical>(std::move(distribution_ms));
  return model;
}

sim::Duration LatencyModel::sample(sim::Rng& rng) const {
  double ms = a_;
  switch (kind_) {
    case Kind::kConstant:
      break;
    case Kind::kUniform:
      ms = sim::uniform(rng, a_, b_);
      break;
    case Kind::kExponential:
      ms = sim::exponential(rng, a_);
      break;
    case Kind::kNormal:
      ms = sim::normal(rng, a_, b_);
      break;
    case Kind::kLognormal:
      ms = sim::lognormal(rng, a_, b_);
      break;
    case Kind::kPareto:
      ms = sim::pareto(rng, a_, b_);
      break;
    case Kind::kEmpirical:
      ms = empirical_->sample(rng);
      break;
  }
  // Clamp before converting: a heavy pareto tail must not overflow int64 nanoseconds.
  constexpr double kMaxMs = 1e12;  // ~31 years
  if (!(ms > 0.0)) return sim::Duration{};
  return sim::duration_from_ms(ms < kMaxMs ? ms : kMaxMs);
}

std::string LatencyModel::describe() const {
  auto num = [](double x) {
    std::string s = std::to_string(x);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  switch (kind_) {
    case Kind::kConstant:
      return "constant(latency_ms=" + num(a_) + ")";
    case Kind::kUniform:
      return "uniform(low_ms=" + num(a_) + ", high_ms=" + num(b_) + ")";
    case Kind::kExponential:
      return "exponential(mean_ms=" + num(a_) + ")";
    case Kind::kNormal:
      return "normal(mean_ms=" + num(a_) + ", stddev_ms=" + num(b_) + ")";
    case Kind::kLognormal:
      return "lognormal(mu_log_ms=" + num(a_) + ", sigma_log_ms=" + num(b_) + ")";
    case Kind::kPareto:
      return "pareto(scale_ms=" + num(a_) + ", shape=" + num(b_) + ")";
    case Kind::kEmpirical:
      return "empirical";
  }
  return "unknown";
}

}  // namespace txsim::net
