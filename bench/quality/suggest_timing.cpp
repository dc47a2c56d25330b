// Engine time per suggestion on a prefilled history.
#include "bench/quality/suggest_timing.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <numeric>

#include "algorithms/common/rng.hpp"
#include "bench/quality/ask_tell_session.hpp"
#include "bench/quality/bridge_spec.hpp"
#include "bench/quality/trial_book.hpp"
#include "engine/model/search_space.hpp"

namespace sextant::bench {

using nlohmann::json;

namespace {

// -sum_k alpha_k exp(-sum_j a_kj (x_j - p_kj)^2) with fixed random constants: Hartmann's shape
// in any dimension (a scaled by 6/d so the bumps keep their width as d grows).
class BumpFunction {
 public:
  explicit BumpFunction(int d) : d_(d) {
    algorithms::Rng rng(20240611);
    for (int k = 0; k < kBumps; ++k)
      for (int j = 0; j < d; ++j) {
        a_.push_back((0.5 + 16.5 * rng.uniform()) * 6.0 / d);
        p_.push_back(rng.uniform());
      }
  }
  double operator()(const std::vector<double>& x) const {
    static constexpr double kAlpha[kBumps] = {1.0, 1.2, 3.0, 3.2};
    double sum = 0;
    for (int k = 0; k < kBumps; ++k) {
      double inner = 0;
      for (int j = 0; j < d_; ++j) {
        const double diff = x[j] - p_[k * d_ + j];
        inner += a_[k * d_ + j] * diff * diff;
      }
      sum += kAlpha[k] * std::exp(-inner);
    }
    return -sum;
  }

 private:
  static constexpr int kBumps = 4;
  int d_;
  std::vector<double> a_, p_;
};

std::vector<double> point_of(const engine::Assignment& assignment) {
  std::vector<double> x;
  for (const auto& a : assignment) {
    double v = 0;
    std::from_chars(a.value.data(), a.value.data() + a.value.size(), v);
    x.push_back(v);
  }
  return x;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

json time_suggestions(const TimingRequest& request) {
  if (request.dimensions < 1 || request.completed < 0 || request.window < 1 || request.warmup < 0)
    return error_reply("need dimensions >= 1, completed >= 0, window >= 1, warmup >= 0");
  json parameters = json::array();
  for (int j = 0; j < request.dimensions; ++j)
    parameters.push_back({{"name", "x" + std::to_string(j)},
                          {"parameterType", "double"},
                          {"feasibleSpace", {{"min", "0"}, {"max", "1"}}}});
  json settings = json::array();
  bool has_seed = false;
  for (const auto& s : request.settings) {
    settings.push_back({{"name", s.name}, {"value", s.value}});
    has_seed = has_seed || s.name == "random_state";
  }
  if (const auto* factory = builtin_registry().find(request.algorithm); factory && !has_seed) {
    const auto known = factory->known_settings();
    if (std::find(known.begin(), known.end(), "random_state") != known.end())
      settings.push_back({{"name", "random_state"}, {"value", std::to_string(request.seed)}});
  }
  BridgeSetup made = make_algorithm(
      {{"algorithm", request.algorithm}, {"settings", settings}, {"parameters", parameters}});
  if (!made.algorithm) {
    json reply = error_reply(made.error);
    reply["registered"] = builtin_registry().names();
    return reply;
  }

  try {
    TrialBook book(made.spec);
    const BumpFunction objective(request.dimensions);
    const int warmup = std::min(request.warmup, request.completed);
    algorithms::Rng rng(algorithms::derive_seed(request.seed, 7));
    for (int i = 0; i < request.completed - warmup; ++i) {
      engine::Suggestion s;
      std::vector<double> x(request.dimensions);
      for (int j = 0; j < request.dimensions; ++j) {
        x[j] = rng.uniform();
        s.assignment.push_back({"x" + std::to_string(j), engine::format_double(x[j])});
      }
      const auto id = book.start({s}).front();
      book.succeed(id, objective(point_of(book.history().back().assignment)));
    }

    std::vector<double> round_seconds, suggest_seconds;
    for (int r = 0; r < warmup + request.window; ++r) {
      const auto start = std::chrono::steady_clock::now();
      auto result = made.algorithm->suggest(book.history(), 1);
      const auto suggested = std::chrono::steady_clock::now();
      const std::string state = made.algorithm->save_state();
      if (result.suggestions.empty())
        return error_reply("suggest returned nothing at n = " +
                           std::to_string(book.history().size()));
      const auto id = book.start(std::move(result.suggestions)).front();
      book.succeed(id, objective(point_of(book.history().back().assignment)));
      const auto end = std::chrono::steady_clock::now();
      if (r < warmup) continue;
      round_seconds.push_back(seconds(end - start));
      suggest_seconds.push_back(seconds(suggested - start));
    }
    return {{"ok", true},
            {"algorithm", request.algorithm},
            {"dimensions", request.dimensions},
            {"completed", request.completed},
            {"window", request.window},
            {"warmup", warmup},
            {"round_seconds", round_seconds},
            {"suggest_seconds", suggest_seconds},
            {"median_seconds", median_of(round_seconds)},
            {"mean_seconds", mean_of(round_seconds)},
            {"max_seconds", *std::max_element(round_seconds.begin(), round_seconds.end())},
            {"suggest_median_seconds", median_of(suggest_seconds)},
            {"suggest_mean_seconds", mean_of(suggest_seconds)}};
  } catch (const std::exception& e) {
    return error_reply(std::string("timing failed: ") + e.what());
  }
}

}  // namespace sextant::bench
